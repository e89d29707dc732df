"""The ``zhengce`` command line: chunk, docs, index, search, serve, eval.

Every subcommand has ``--help``. Output for people by default, JSON (Lines)
with ``--json`` for programs. Exit codes: 0 success, 1 some input failed,
2 usage error or no usable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from zhengce.threads import pin_threads

pin_threads()

DEFAULT_INDEX = "var/index"
DEFAULT_SEEDS = "seeds"


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _units_str(units) -> str:
    return "、".join(f"{u.name}{'(牵头)' if u.role == 'lead' else ''}" for u in units)


def cmd_chunk(args: argparse.Namespace) -> int:
    from index.corpus import ingest

    report = ingest(args.paths)
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
    return _report_errors(report.errors, bool(report.documents))


def cmd_docs(args: argparse.Namespace) -> int:
    from index.corpus import ingest

    report = ingest(args.paths)
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
    return _report_errors(report.errors, bool(report.documents))


def _report_errors(errors, any_ok: bool) -> int:
    for err in errors:
        print(f"error: {err}", file=sys.stderr)
    if errors and not any_ok:
        return 2
    return 1 if errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhengce",
        description="Semantic search and question answering over Chinese policy notices.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("chunk", help="print the clauses of notice files")
    p.add_argument("paths", nargs="+", help="notice files or folders (.txt .md .html .docx)")
    p.add_argument("--json", action="store_true", help="JSON Lines, one clause a line")
    p.set_defaults(func=cmd_chunk)

    p = sub.add_parser("docs", help="print the metadata of notice files")
    p.add_argument("paths", nargs="+", help="notice files or folders")
    p.add_argument("--json", action="store_true", help="JSON Lines, one document a line")
    p.set_defaults(func=cmd_docs)

    _register_more(sub)
    return parser


def _register_more(sub) -> None:
    """Subcommands of the read side live in their packages' own CLI modules."""
    try:
        from api.cli import register
    except ImportError:
        return
    register(sub)


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



