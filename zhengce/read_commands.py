"""Read-side commands: search, ask, precedent, units, eval, serve, and their readable output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zhengce.output import print_json as _print_json
from zhengce.output import units_str as _units_str


def _open_engine(index_dir: str):
    from zhengce.index.store import IndexLoadError
    from zhengce.search.engine import SearchEngine

    try:
        return SearchEngine.open(index_dir)
    except IndexLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def cmd_search(args: argparse.Namespace) -> int:
    from zhengce.index.contract import FilterError, Filters

    engine = _engine_for(args.query, args.k, args.index)
    if engine is None:
        return 2
    try:
        result = engine.search(args.query, k=args.k, mode=args.mode, filters=Filters.from_request(args),
                               fusion=args.fusion)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(f"{len(result.hits)} hits for {args.query!r} ({result.mode}, {result.took_ms:.0f} ms)\n")
    for i, hit in enumerate(result.hits, 1):
        print(_format_hit(i, hit))
    return 0


def _engine_for(text: str, k: int, index_dir: str):
    """Check the text and k as the API does, then open the index; None (after a message) if not."""
    if not text.strip():
        print("error: empty query", file=sys.stderr)
        return None
    if not 1 <= k <= 100:
        print("error: -k must be between 1 and 100", file=sys.stderr)
        return None
    return _open_engine(index_dir)


def cmd_ask(args: argparse.Namespace) -> int:
    from zhengce.index.contract import FilterError, Filters
    from zhengce.search.answer import Answerer

    engine = _engine_for(args.question, args.k, args.index)
    if engine is None:
        return 2
    try:
        answer = Answerer(engine).ask(args.question, k=args.k, filters=Filters.from_request(args))
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(answer.to_dict())
        return 0
    print(f"[{answer.intent}] {answer.answer}\n")
    for u in answer.units[:12]:
        role = "牵头" if u.role == "lead" else "配合"
        print(f"  {u.name}（{role}，{u.score:.2f}）  ← {', '.join(u.clause_ids[:3])}")
    if answer.units:
        print()
    label = "最接近的条款（弱相关）" if not answer.answerable else "依据"
    print(f"{label}:")
    for i, hit in enumerate(answer.citations[: min(args.k, 5)], 1):
        print(_format_hit(i, hit))
    return 0


def cmd_precedent(args: argparse.Namespace) -> int:
    from zhengce.index.contract import FilterError, Filters
    from zhengce.search.precedent import find_precedents, payload, timeline

    engine = _engine_for(args.text, args.k, args.index)
    if engine is None:
        return 2
    try:
        found, ms = find_precedents(engine, args.text, args.k, filters=Filters.from_request(args))
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(payload(args.text, found, ms))
        return 0
    by_id = {p.hit.clause.id: p for p in found}
    for group in timeline(found):
        print(f"== {group['year'] or '年份不详'}")
        for cid in group["clause_ids"]:
            p = by_id[cid]
            c = p.hit.clause
            print(f"  [{p.similarity:.3f}] 《{c.doc.title or c.doc_id}》 {c.heading}")
            print(f"    {_highlight(c.text[:160], [m for m in p.diff_marks if m[1] <= 160])}")
            if c.units:
                print(f"    责任单位: {_units_str(c.units)}")
    print("\n(【】marks wording that differs from the draft)")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    from zhengce.search.answer import Answerer, unit_directory

    engine = _open_engine(args.index)
    if engine is None:
        return 2
    if not args.name:
        units = unit_directory(engine)
        if args.json:
            _print_json({"units": units})
            return 0
        print(f"{'unit':24s} lead support documents")
        for u in units:
            print(f"{u['name']:24s} {u['lead']:4d} {u['support']:7d} {u['documents']:9d}")
        return 0
    if not engine.index.match_units(args.name):
        print(f"error: no clause names the unit {args.name!r}", file=sys.stderr)
        return 2
    answer = Answerer(engine).unit_answer(args.name, args.name, 10)
    if args.json:
        _print_json(answer.to_dict())
        return 0
    print(answer.answer)
    by_id = {h.clause.id: h.clause for h in answer.citations}
    for g in answer.groups:
        print(f"\n《{g['doc_title'] or g['doc_id']}》 {g['date'] or ''}")
        for role, ids in (("牵头", g["lead"]), ("配合", g["support"])):
            for cid in ids:
                print(f"  [{role}] {by_id[cid].heading}")
    return 0


def _highlight(text: str, marks) -> str:
    out, pos = [], 0
    for start, end in marks:
        out.append(text[pos:start] + "【" + text[start:end] + "】")
        pos = end
    return "".join(out) + text[pos:]


def _format_hit(i: int, hit) -> str:
    c, doc = hit.clause, hit.clause.doc
    title = doc.title or doc.doc_id
    where = " > ".join(c.path)
    lines = [f"{i:2d}. {c.heading}  [{hit.score:.4f}]",
             f"    《{title}》 {doc.issuer or ''} {doc.date or ''} {doc.doc_number or ''}".rstrip()]
    if where:
        lines.append(f"    {where}")
    lines.append(f"    {_highlight(hit.excerpt, hit.marks)}")
    if c.units:
        lines.append(f"    责任单位: {_units_str(c.units)}")
    if c.proposer:
        lines.append(f"    建议单位: {c.proposer}")
    lines.append(f"    出处: {doc.file} [{c.start}:{c.end}]  id={c.id}\n")
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> int:
    try:
        import ir_measures  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError:
        print("error: zhengce eval needs the eval extra: pip install -e '.[eval]'", file=sys.stderr)
        return 2
    from zhengce.eval.data import EVAL_DIR
    from zhengce.eval.runner import MODES, gate, load_thresholds, run_eval

    modes = list(MODES) if args.mode == "all" else [args.mode]
    report = None if args.no_report else EVAL_DIR / "REPORT.md"
    result = run_eval(Path(args.seeds), Path(args.index), Path(args.out), modes, args.k, args.embedder, report,
                      backend=args.backend, milvus_uri=args.milvus_uri, milvus_bm25=args.milvus_bm25)
    for mode, s in result["modes"].items():
        r = s["ranking"]
        print(f"{mode:7s} nDCG@10 {r['nDCG@10']:.3f}  R@5 {r['R@5']:.3f}  R@10 {r['R@10']:.3f}  "
              f"MRR@10 {r['MRR@10']:.3f}  | duty unit F1 {s['duty_unit_f1']:.3f}  unit recall "
              f"{s['unit_recall']:.3f}  not-found {s['none_accuracy']:.3f}  wrong refusals {s['wrong_refusal']:.3f}")
    print(f"run files and summary.json in {args.out}" + (f"; report: {report}" if report else ""))
    if args.gate:
        failures = gate(result["modes"], load_thresholds())
        for f in failures:
            print(f"GATE FAIL: {f}", file=sys.stderr)
        if failures:
            return 1
        print("quality gate passed")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from zhengce.api.app import create_app
    from zhengce.index.store import IndexLoadError
    from zhengce.milvus_cli import existing_backend, use_milvus_env

    use_milvus_env(args)
    try:
        built = existing_backend(args.index)
        if args.backend and built and built != args.backend:
            raise IndexLoadError(f"the index at {args.index} is a {built} index; serve it with --backend {built}")
        app = create_app(args.index)
    except IndexLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"serving {args.index} on http://{args.host}:{args.port}/  (API docs: /docs)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
