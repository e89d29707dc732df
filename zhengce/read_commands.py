"""Read-side commands: search, ask, precedent, units, eval, serve, and their readable output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zhengce.output import print_json as _print_json
from zhengce.output import table
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
    from zhengce.search.answerability import Answerability

    engine = _engine_for(args.query, args.k, args.index)
    if engine is None:
        return 2
    if args.mode != "bm25":
        engine.embedder.embed_queries(["预热"])  # load the model now: the time printed is the query's own
    try:
        result = engine.search(args.query, k=args.k, mode=args.mode, filters=Filters.from_request(args),
                               fusion=args.fusion)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # Fused scores are normalized per query (the best is always near 1): whether anything
    # matches well is the answerability judgement, reported with the hits.
    judgement = Answerability(engine).judge(args.query, result.ranked)
    if args.json:
        _print_json(dict(result.to_dict(), answerable=judgement.answerable,
                         confidence=round(judgement.confidence, 4)))
        return 0
    print(f"{len(result.hits)} hits for {args.query!r} ({result.mode}, {result.took_ms:.0f} ms)")
    if not judgement.answerable and result.hits:
        print(f"没有条款与查询充分匹配（置信度 {judgement.confidence:.2f}，低于 "
              f"{Answerability(engine).calibration.threshold:.2f}）：以下结果仅是最接近的，仅供参考。")
    print()
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
        print(f"  {u.name}（{u.role_label}，{u.score:.2f}）  ← {', '.join(u.clause_ids[:3])}")
    if answer.units:
        print()
    if answer.intent == "compare":
        _print_comparison(answer)
        return 0
    label = "最接近的条款（弱相关）" if not answer.answerable else "依据"
    cited = answer.cited
    print(f"{label}（按得分排列{'，★ 为责任单位所据条款' if cited else ''}）:")
    # The first five, then any clause backing a unit that ranks below them: still in score order.
    shown = min(args.k, 5)
    for i, hit in enumerate(answer.citations, 1):
        if i <= shown or hit.clause.id in cited:
            print(_format_hit(i, hit, star=hit.clause.id in cited))
    return 0


def _print_comparison(answer) -> None:
    """Each year's closest clause side by side (one after another), differences in 【】."""
    for group in answer.groups:
        hit = group["hit"]
        print(f"== {group['year']}年")
        if hit is None:
            print("    （该年没有相关文件）\n")
            continue
        print(f"    《{hit['doc_title'] or hit['doc_id']}》 {hit['number']}{hit['title']}  [{hit['score']:.4f}]")
        print(f"    {_highlight(hit['text'][:240], [m for m in group['diff_marks'] if m[1] <= 240])}\n")
    print("(【】marks wording that differs from the other years' clauses)")


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
        print(f"== {group['year'] or group['label']}")
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
        rows = [[u["name"], u["lead"], u["support"], u["responsible"], u["documents"]] for u in units]
        print(table(["责任单位", "牵头", "配合", "负责", "文件数"], rows, right={1, 2, 3, 4}))
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
        for role, ids in (("牵头", g["lead"]), ("配合", g["support"]), ("负责", g["responsible"])):
            for cid in ids:
                print(f"  [{role}] {by_id[cid].heading}")
    return 0


def _highlight(text: str, marks) -> str:
    out, pos = [], 0
    for start, end in marks:
        out.append(text[pos:start] + "【" + text[start:end] + "】")
        pos = end
    return "".join(out) + text[pos:]


def _format_hit(i: int, hit, star: bool = False) -> str:
    c, doc = hit.clause, hit.clause.doc
    title = doc.title or doc.doc_id
    where = " > ".join(c.path)
    lines = [f"{i:2d}. {'★ ' if star else ''}{c.heading}  [{hit.score:.4f}]",
             f"    《{title}》 {doc.issuer or ''} {doc.date or ''} {doc.doc_number or ''}".rstrip()]
    if where:
        lines.append(f"    {where}")
    lines.append(f"    {_highlight(hit.excerpt, hit.marks)}")
    if c.units:
        lines.append(f"    责任单位: {_units_str(c.units)}")
    if c.deadline:
        lines.append(f"    完成时限: {c.deadline.raw}{f' ({c.deadline.iso})' if c.deadline.iso else ''}")
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
    from zhengce.eval.runner import MODES, gate, load_thresholds, report_path, run_eval

    modes = list(MODES) if args.mode == "all" else [args.mode]
    report = None if args.no_report else report_path(args.corpus, args.split)
    result = run_eval(Path(args.seeds), Path(args.index), Path(args.out), modes, args.k, args.embedder, report,
                      corpus=args.corpus, split=args.split,
                      backend=args.backend, milvus_uri=args.milvus_uri, milvus_bm25=args.milvus_bm25)
    for line in result["unresolved_judgments"]:
        print(f"warning: judgment left out: {line}", file=sys.stderr)
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


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from zhengce.api.app import create_app
    from zhengce.api.auth import TokenConfigError, load_admin_token, token_warning
    from zhengce.api.serving import server_config, settings_from_args
    from zhengce.index.store import IndexLoadError
    from zhengce.milvus_cli import existing_backend, use_milvus_env

    limits = settings_from_args(args)
    try:
        token = load_admin_token(args.admin_token_file)
    except TokenConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    warning = token_warning(token)
    if warning and (token is not None or args.host not in LOCAL_HOSTS):
        where = "" if args.host in LOCAL_HOSTS else f" (listening on {args.host}, reachable from other machines)"
        print(f"warning: {warning}{where}", file=sys.stderr)
    use_milvus_env(args)
    try:
        built = existing_backend(args.index)
        if args.backend and built and built != args.backend:
            raise IndexLoadError(f"the index at {args.index} is a {built} index; serve it with --backend {built}")
        app = create_app(args.index, admin_token=token or "", limits=limits)
    except IndexLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    admin = "admin endpoints enabled" if token else "admin endpoints disabled (no token)"
    print(f"serving {args.index} on http://{args.host}:{args.port}/  (API docs: /docs; {admin})")
    uvicorn.Server(server_config(app, args.host, args.port, limits, log_level="warning")).run()
    return 0


def cmd_duties(args: argparse.Namespace) -> int:
    from zhengce.api import export
    from zhengce.index.contract import FilterError
    from zhengce.search.duties import COLUMNS, duty_rows

    engine = _open_engine(args.index)
    if engine is None:
        return 2
    try:
        rows = duty_rows(engine.index, args.doc_ids, args.unit, base_url=args.base_url)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.xlsx or args.csv:
        out = Path(args.xlsx or args.csv)
        out.write_bytes(export.to_xlsx(rows) if args.xlsx else export.to_csv(rows))
        print(f"wrote {len(rows)} tasks to {out}")
        return 0
    if args.json:
        for r in rows:
            _print_json(r.to_dict())
        return 0
    if not rows:
        print("no clause in these notices names a responsible unit")
        return 0
    titles = dict(COLUMNS)
    for doc_id in dict.fromkeys(r.doc_id for r in rows):
        mine = [r for r in rows if r.doc_id == doc_id]
        keys = duty_table_keys(mine)
        print(f"《{mine[0].doc_title}》 {mine[0].doc_number}")
        print(table([titles[k] for k in keys], [[_cut(getattr(r, k), 30) for k in keys] for r in mine]))
        print()
    return 0


def duty_table_keys(rows) -> tuple[str, ...]:
    """The terminal table's columns for one notice's rows: 条款位置 first when 序号 repeats
    ("(1)" under 二 and under 三), since only the place tells those tasks apart."""
    keys = ("number", "task", "lead", "support", "deadline")
    numbers = [r.number for r in rows if r.number]
    return ("path", *keys) if len(set(numbers)) < len(numbers) else keys


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1] + "…"
