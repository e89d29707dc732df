"""The Milvus side of the command line: its options, and what ``index`` and ``serve`` hand on.

``--milvus-uri`` is a file path (Milvus Lite, embedded) or ``http(s)://host:19530`` (Milvus
Standalone or Distributed); ``--milvus-token`` or ``ZHENGCE_MILVUS_TOKEN`` authenticates with
a server. ``--index DIR`` stays the local directory: manifest, the clause store for hits and
citations, tokenizer dictionary, alias profiles, thesaurus, BM25 term statistics. Builds and
updates go through ``index/update.py`` like the local backend's (the writer lock, the
atomic publish); this module only turns the options into ``update_index``'s ``milvus`` dict.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

URI_ENV = "ZHENGCE_MILVUS_URI"


def add_milvus_args(p: argparse.ArgumentParser, build: bool) -> None:
    from zhengce.index.milvus_schema import BM25_ENGINES, DENSE_INDEXES

    p.add_argument("--backend", choices=("local", "milvus"), default=None,
                   help="local: the clause store, bm25s and FAISS files in --index; milvus: rows in Milvus, "
                        "the rest in --index (default: the existing index's, else local)")
    p.add_argument("--milvus-uri", default=None,
                   help=f"a file path for Milvus Lite, or http://host:19530 (default: ${URI_ENV}; "
                        "else the URI the index was built with)")
    p.add_argument("--milvus-token", default=None, help="token for a Milvus server (default: $ZHENGCE_MILVUS_TOKEN)")
    if build:
        p.add_argument("--milvus-alias", default=None,
                       help="the collection alias a build publishes (collections are ALIAS_<build id>; "
                            "default: the existing index's, else zhengce)")
        p.add_argument("--milvus-bm25", choices=BM25_ENGINES, default=None,
                       help="client (default): our tokenizer and BM25 as sparse vectors (exact parity); "
                            "builtin: Milvus's BM25 function with its jieba analyzer. The bigram field "
                            "is client-side with either")
        p.add_argument("--milvus-index", choices=DENSE_INDEXES, default=None,
                       help="Milvus index type of the dense vectors (default FLAT; HNSW for large corpora)")


def existing_backend(index_dir: str) -> str | None:
    """The backend of the index already at ``index_dir`` (None when there is none)."""
    import json

    try:
        manifest = json.loads((Path(index_dir).resolve() / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("backend", "local")


def use_milvus_env(args: argparse.Namespace) -> None:
    """Hand the URI and token to the loaders (the token never reaches a manifest or a log)."""
    from zhengce.index.milvus_schema import TOKEN_ENV

    if getattr(args, "milvus_uri", None):
        os.environ[URI_ENV] = args.milvus_uri
    if getattr(args, "milvus_token", None):
        os.environ[TOKEN_ENV] = args.milvus_token


def milvus_options(args: argparse.Namespace) -> dict:
    """``update_index``'s ``milvus`` options from the command line (the URI also from the environment)."""
    use_milvus_env(args)
    return {"uri": args.milvus_uri or os.environ.get(URI_ENV) or None, "token": args.milvus_token,
            "alias": args.milvus_alias, "engine": args.milvus_bm25, "dense_index": args.milvus_index}
