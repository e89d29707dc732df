"""The Milvus side of the command line: its options, ``index --backend milvus`` and serving one.

``--milvus-uri`` is a file path (Milvus Lite, embedded) or ``http(s)://host:19530`` (Milvus
Standalone or Distributed); ``--milvus-token`` or ``ZHENGCE_MILVUS_TOKEN`` authenticates with
a server. ``--index DIR`` stays the local directory: manifest, clause bodies and originals
for citations, tokenizer dictionary, unit aliases, BM25 term statistics.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from zhengce.output import print_json

URI_ENV = "ZHENGCE_MILVUS_URI"


def add_milvus_args(p: argparse.ArgumentParser, build: bool) -> None:
    from zhengce.index.milvus_schema import BM25_ENGINES, DEFAULT_BM25_ENGINE, DENSE_INDEXES

    p.add_argument("--backend", choices=("local", "milvus"), default=None,
                   help="local: bm25s + FAISS files in --index; milvus: rows in Milvus, the rest in --index "
                        "(default: the existing index's, else local)")
    p.add_argument("--milvus-uri", default=None,
                   help=f"a file path for Milvus Lite, or http://host:19530 (default: ${URI_ENV}; "
                        "for serve: the URI the index was built with)")
    p.add_argument("--milvus-token", default=None, help="token for a Milvus server (default: $ZHENGCE_MILVUS_TOKEN)")
    if build:
        p.add_argument("--milvus-alias", default="zhengce",
                       help="the collection alias a build publishes (collections are ALIAS_<build id>)")
        p.add_argument("--milvus-bm25", choices=BM25_ENGINES, default=DEFAULT_BM25_ENGINE,
                       help="client: our tokenizer and BM25 as sparse vectors (default, exact parity); "
                            "builtin: Milvus's BM25 function with its jieba analyzer")
        p.add_argument("--milvus-index", choices=DENSE_INDEXES, default="FLAT",
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


def cmd_index_milvus(args: argparse.Namespace, ingest_paths, default_paths: list[str]) -> int:
    from zhengce.index.embedding import make_embedder
    from zhengce.index.milvus_reader import MilvusIndex
    from zhengce.index.milvus_schema import MilvusUnavailable, public_uri
    from zhengce.index.milvus_store import build_milvus, update_milvus
    from zhengce.index.store import IndexLoadError, load_index

    t0 = time.perf_counter()
    use_milvus_env(args)
    uri = args.milvus_uri or os.environ.get(URI_ENV)
    target = Path(args.index)
    previous = None
    if target.exists():
        try:
            previous = load_index(target)
        except IndexLoadError as exc:
            if args.add or args.remove:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            print(f"note: not reusing the existing index ({exc})", file=sys.stderr)
    updating = bool(args.add or args.remove)
    if updating and not isinstance(previous, MilvusIndex):
        print(f"error: no Milvus index at {target} to update; build one first: "
              f"zhengce index --backend milvus --milvus-uri URI --index {target}", file=sys.stderr)
        return 2
    if updating:
        uri = uri or previous.manifest["milvus"]["uri"]
        if public_uri(uri) != previous.manifest["milvus"]["uri"]:
            print(f"error: the index at {target} lives in {previous.manifest['milvus']['uri']}, not {uri}",
                  file=sys.stderr)
            return 2
    if not uri:
        print("error: --backend milvus needs --milvus-uri: a file path for Milvus Lite, "
              "or http://host:19530 for a server", file=sys.stderr)
        return 2
    spec = args.embedder or (previous.embedder_name if previous is not None else None)
    embedder = make_embedder(spec)
    report = ingest_paths(args.paths or ([] if updating else default_paths))
    try:
        if updating:
            unknown = [d for d in args.remove if d not in previous.docs]
            if unknown:
                print(f"error: not in the index: {', '.join(unknown)}", file=sys.stderr)
                return 2
            index, summary = update_milvus(previous, report.documents, args.remove, embedder, target)
        else:
            if not report.documents:
                for err in report.errors:
                    print(f"error: {err}", file=sys.stderr)
                print("error: no notice could be read; nothing indexed", file=sys.stderr)
                return 2
            index, summary = build_milvus(report.documents, embedder, target, uri, alias=args.milvus_alias,
                                          engine=args.milvus_bm25, dense_index=args.milvus_index,
                                          previous=previous, show_progress=sys.stderr.isatty())
    except MilvusUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary.update({"index": str(target), "milvus_uri": public_uri(uri), "embedder": embedder.name,
                    "errors": [str(e) for e in report.errors], "seconds": round(time.perf_counter() - t0, 2)})
    if args.json:
        print_json(summary)
    else:
        print(f"indexed {summary['documents']} documents, {summary['clauses']} clauses ({summary['rows']} "
              f"ranked) in {summary['seconds']} s -> Milvus {public_uri(uri)} collection "
              f"{summary['collection']} (alias {index.manifest['milvus']['alias']}), side files in {target}")
        print(f"  embeddings: {summary['embedded']} computed, {summary['reused']} reused ({embedder.name})")
        for err in report.errors:
            print(f"  skipped {err}", file=sys.stderr)
    return 1 if report.errors else 0
