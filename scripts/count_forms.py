"""Count the responsibility and deadline forms in a corpus, and how many the index parsed.

    .venv/bin/python scripts/count_forms.py eval/corpus/govcn seeds

"Found" uses broad patterns on each clause's source text, independent of the rule chain;
"parsed" asks the parsed clause: the parenthesis left the clause text and the clause has
units (with a lead where the form names one), or the clause has a deadline.
"""

from __future__ import annotations

import re
import sys

from zhengce.index.cleaning import normalize
from zhengce.index.corpus import ingest

PAREN = r"\((?:[^()]|\([^()]*\))*?"
FORMS = [
    # name, pattern on the normalized source of a clause, what "parsed" needs
    ("（X、Y负责）", re.compile(PAREN + r"负责(?:落实)?\)"), "units"),
    ("…排在/列第一位…为牵头…，下同", re.compile(r"(?:排在|列)第一位[^。)]*为牵头"), "convention"),
    ("（X牵头，Y参与/配合）", re.compile(PAREN + r"牵头[,;][^()]*(?:参与|配合)\)"), "lead"),
    ("（X指导，Y负责落实）", re.compile(PAREN + r"指导,[^()]*负责落实"), "units"),
    ("（负责部门/牵头单位/责任单位：…）", re.compile(r"\((?:负责部门|牵头单位|责任单位|责任部门|配合单位)\s*:"), "units"),
    ("（…和各省级人民政府/按职责分工负责）", re.compile(PAREN + r"(?:和各省级人民政府|按职责分工)负责\)"), "units"),
    ("（…牵头考核单位：X）", re.compile(r"牵头考核单位\s*:"), "lead"),
    ("labelled line 牵头单位/配合单位/责任单位/责任部门：", re.compile(r"^(?:牵头单位|配合单位|责任单位|责任部门)\s*:"),
     "units"),
    ("由X牵头，会同/Y配合", re.compile(r"由[^,。;由]{2,30}?牵头"), "lead"),
    # prose: a unit-like subject or agent next to a duty verb (broad: 'found' over-counts sentences
    # whose subject is no unit, e.g. "企业负责…")
    ("prose: X负责/承担/承办/会同…", re.compile(r"(?:^|[,。;])[^,。;()由]{2,20}?(?:部|委|局|署|办|厅|机构|部门|政府)"
                                             r"(?:要|应|应当)?(?:负责|承担|承办|会同)"), "units"),
    ("prose: 由X负责/承担/承办", re.compile(r"由[^,。;由]{2,30}?(?:部|委|局|署|办|厅|机构|部门|政府|所)"
                                      r"(?:负责|承担|承办)"), "units"),
    ("prose: 办公室设在X", re.compile(r"办公室设在"), "units"),
    ("deadline (…底前/月底完成/完成时限)", re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月)?底前|\d{1,2}月底(?:前)?完成|完成时限"),
     "deadline"),
]


def parsed(clause, need: str, match: str) -> bool:
    if need == "deadline":
        return clause.deadline is not None
    if match.startswith("(") and match in normalize(clause.text):
        return False  # the parenthesis was not read as a duty
    if need == "lead":
        return bool(clause.unit_names("lead"))
    if need == "convention":
        return any(u.basis == "convention" for u in clause.units)
    return bool(clause.units)


def count(paths: list[str]) -> list[tuple[str, int, int]]:
    report = ingest(paths)
    for error in report.errors:
        print(f"not read: {error}", file=sys.stderr)
    rows = []
    for name, pattern, need in FORMS:
        found = ok = 0
        for doc in report.documents:
            for clause in doc.clauses:
                if clause.kind == "section":
                    continue
                source = normalize(doc.original[clause.start:clause.end])
                for m in pattern.finditer(source):
                    found += 1
                    ok += parsed(clause, need, m.group(0))
        rows.append((name, found, ok))
    return rows


def main(argv: list[str]) -> int:
    paths = argv or ["eval/corpus/govcn"]
    print(f"| form | found | parsed |  ({' '.join(paths)})")
    print("|---|---:|---:|")
    for name, found, ok in count(paths):
        print(f"| {name} | {found} | {ok} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
