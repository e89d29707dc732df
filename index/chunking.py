"""Split a notice into clauses by the numbering levels of Chinese official documents.

Levels and markers are those of :mod:`zhengce.index.markers`; an annex heading ("附件",
"附件2：…") closes every open level, so the annex is a top-level part.

A numbered line whose text is only a title is a ``heading``; one with a body
is an ``item`` whose title is its first sentence. Un-numbered paragraphs are
clauses of their own, except under a markdown heading, whose paragraphs are
that section's body. Page-break fragments (a line cut mid-sentence, continued
after blank lines) are joined into one paragraph. A line that is only a duty
parenthesis ("（X、Y按职责分工负责）") is no clause: its units and deadline go to the task
it closes (the item whose unit-less sub-items it follows, else the clause right above it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from zhengce.index.aliases import Aliases
from zhengce.index.cleaning import Line
from zhengce.index.deadlines import find_deadline, only_time_label
from zhengce.index.duty import DutyContext, find_duties, merge_units, only_labels
from zhengce.index.markers import Marker, group_blocks, match_marker
from zhengce.index.model import (
    BULLET,
    HEADING,
    ITEM,
    PARAGRAPH,
    SECTION,
    Clause,
    Deadline,
    DocMeta,
    Unit,
    page_at,
)

_SENTENCE_END = re.compile(r"[。!?;]")
# A proposer token names a body: it ends in one of these ("农工党郑州市委会", "市政协委员"),
# or is a party or sector name; "政府工作报告" names a report, not a proposer.
_PROPOSER = re.compile(
    r"(政协|委员会|委会|联合会|工商联|界别|学社|民盟|民建|民进|民革|致公党|农工党|台盟)"
    r"|(人民政府|局|协会|学会|科协|常委|代表|委员|支部|小组)$"
)
HEADING_MAX = 40
# An id segment's prefix by marker kind: "c2" a chapter, "o3" a circled number, "a1" an annex.
_SEG_PREFIX = {"chapter": "c", "circled": "o", "annex": "a"}


@dataclass
class _Node:
    rank: float
    kind: str
    number: str
    seg: str
    title: str
    parts: list[str]
    start: int
    end: int
    parent: _Node | None
    units: tuple[Unit, ...] = ()
    proposer: str | None = None
    deadline: Deadline | None = None
    counters: dict = field(default_factory=dict)
    id: str = ""
    closed: bool = False


def _section_duties(section: _Node, found: tuple) -> None:
    """A markdown section's paragraphs keep their text whole; the units and the deadline they
    name are the section's ("建立健全…机制。（省数据局牵头）" under "## 一、重点任务")."""
    units, _, deadline = found
    section.units = merge_units(section.units + units)
    section.deadline = section.deadline or deadline


def first_sentence(text: str, limit: int = 60) -> str:
    m = _SENTENCE_END.search(text)
    head = text[: m.start()] if m else text
    if len(head) > limit:
        cut = re.search(r"[,,::]", head)
        head = head[: cut.start()] if cut and cut.start() <= limit else head[:limit]
    return head.strip()


def split_proposer(heading: str) -> tuple[str, str | None]:
    """``建设中原新兴产业发展高地 农工党郑州市委会`` -> title and proposer."""
    tokens = heading.split()
    for i in range(1, len(tokens)):
        if _PROPOSER.search(tokens[i]) and not re.search(r"\d", tokens[i]):
            return " ".join(tokens[:i]), " ".join(tokens[i:])
    return heading, None


def _raw_line_norm(original: str, line: Line) -> str:
    """A markdown heading keeps its inner spaces (they separate title and proposer)."""
    raw = unicodedata.normalize("NFKC", original[line.start:line.end])
    return re.sub(r"\s+", " ", raw).strip()


def build_clauses(original: str, lines: list[Line], meta: DocMeta, aliases: Aliases | None = None,
                  pages: tuple[int, ...] = (), outline: tuple = ()) -> list[Clause]:
    """Turn content lines (junk and metadata already removed) into clauses.

    Duty conventions stated once ("排在第一位的部门为牵头部门，下同") carry over to
    the clauses after them; unit names are canonical for the document's level.
    ``outline`` marks the lines of task tables (:class:`~zhengce.index.reading.OutlineMark`):
    a section or category line is the parent of the deeper lines of its table, whatever
    numbering they carry (see :func:`_table_parent`).
    """
    marks = {m.start: m for m in outline}
    table: _Table = _Table()
    ctx = DutyContext(aliases=aliases or Aliases.default(), level=meta.level)
    year = meta.year

    def duties(text: str) -> tuple[tuple[Unit, ...], str, Deadline | None]:
        found = find_duties(text, ctx)
        return found.units, found.text, find_deadline(text, year)

    nodes: list[_Node] = []
    stack: list[_Node] = []
    items: dict[int, list] = {}  # id of a parent -> [its numbered items so far, whether any names units]
    root = _Node(-99, "root", "", "", "", [], 0, 0, None)

    def child_seg(parent: _Node, prefix: str, ordinal: int | None) -> str:
        if ordinal:
            seg = str(ordinal) if prefix == "" else f"{prefix}{ordinal}"
        else:
            parent.counters[prefix] = parent.counters.get(prefix, 0) + 1
            seg = f"{prefix}{parent.counters[prefix]}"
        # A repeated number gets the next free ``~n``; "_next" remembers where each base's search
        # stopped, so n repeats cost O(n) in all, not O(n^2) (issue 16: 45,000 `一、` lines took 182 s).
        taken = parent.counters.setdefault("_taken", set())
        after = parent.counters.setdefault("_next", {})
        base, n = seg, after.get(seg, 1)
        if n > 1:
            seg = f"{base}~{n}"
        while seg in taken:
            n += 1
            seg = f"{base}~{n}"
        taken.add(seg)
        after[base] = n
        return seg

    for block in group_blocks(lines, marks.keys()):
        head = block[0]
        marker = match_marker(head.norm, original[head.start:head.start + 1])
        joined = "".join(line.norm for line in block)
        start, end = head.start, block[-1].end
        mark = marks.get(head.start)
        if mark is not None:
            parent = _table_parent(table, mark, marker, stack)
            in_table = parent is not None and parent is (table.path[-1] if table.path else None)
            holder = parent or root
            units, text, deadline = duties(joined[marker.end:].strip() if marker else joined)
            if marker is not None and marker.ordinal:
                seg = child_seg(holder, _SEG_PREFIX.get(marker.kind, ""), marker.ordinal)
            else:
                seg = child_seg(holder, "" if in_table else "t" if mark.group else "p", None)
            number = marker.number if marker is not None else ""
            if mark.group:
                node = _Node(marker.rank if marker else 99, HEADING, number, seg, text, [], start, end,
                             parent, units, deadline=deadline)
                table.path.append(node)
            else:
                node = _Node(99, ITEM, number, seg, first_sentence(text), [text], start, end, parent, units,
                             deadline=deadline)
            nodes.append(node)
            continue
        top = stack[-1] if stack else None

        if marker is None:
            if top is not None and top.kind == SECTION and not top.closed:
                if not head.after_skipped:
                    top.parts.append(joined)
                    top.end = end
                    _section_duties(top, duties(joined))
                    continue
                top.closed = True  # a span is contiguous: the rest become paragraphs of their own
            parent = top or root
            units, text, deadline = duties(joined)
            # a line of units alone ("（市发改委负责）", "责任单位：X、Y") or of a time label alone
            # ("完成时限：长期坚持") is the task's above it
            if top is not None and ((units and (not text.strip() or only_labels(text)))
                                    or (deadline and only_time_label(text))):
                task = _closed_task(top, items)
                task.units = merge_units(task.units + units)
                # a time label line says when the task is due, over a time its text mentions
                task.deadline = deadline if deadline and only_time_label(text) else task.deadline or deadline
                if task is top and top.parent is not None:
                    items[id(top.parent)][1] = True
                continue
            node = _Node(99, PARAGRAPH, "", child_seg(parent, "p", None), first_sentence(text, 30),
                         [text], start, end, top, units, deadline=deadline)
            nodes.append(node)
            continue

        while stack and stack[-1].rank >= marker.rank:
            stack.pop()
        parent = stack[-1] if stack else None
        holder = parent or root
        if marker.kind == "md":
            title_src = _raw_line_norm(original, head)[len(marker.number):].strip()
            title, proposer = split_proposer(title_src)
            rest = "".join(line.norm for line in block[1:])
            node = _Node(marker.rank, SECTION, marker.number, child_seg(holder, "s", None),
                         title, [rest] if rest else [], start, end, parent, (), proposer)
            if rest:
                _section_duties(node, duties(rest))
        else:
            rest = joined[marker.end:].strip()
            units, text, deadline = duties(rest)
            if marker.kind == "dash":
                kind, seg = BULLET, child_seg(holder, "d", None)
            else:
                is_heading = not _SENTENCE_END.search(text) and len(text) <= HEADING_MAX
                kind = HEADING if is_heading else ITEM
                prefix = _SEG_PREFIX.get(marker.kind, "")
                seg = child_seg(holder, prefix, marker.ordinal)
            title = text if kind == HEADING else first_sentence(text)
            body = "" if kind == HEADING else text
            node = _Node(marker.rank, kind, marker.number, seg, title, [body] if body else [],
                         start, end, parent, units, deadline=deadline)
        nodes.append(node)
        stack.append(node)
        if parent is not None and node.kind in (ITEM, BULLET):
            seen = items.setdefault(id(parent), [0, False])
            seen[0] += 1
            seen[1] = seen[1] or bool(units)

    return [_to_clause(n, meta, pages) for n in nodes]


def _closed_task(top: _Node, items: dict[int, list]) -> _Node:
    """The task a line holding only a duty parenthesis closes: the item whose sub-items it follows
    when those (two or more) name no unit of their own ("（三）…。1.…2.…（X、Y按职责分工负责）"),
    else the clause right above it ("（一）…。（X负责）（二）…。（Y负责）")."""
    parent = top.parent
    if top.kind in (ITEM, BULLET) and parent is not None and parent.kind == ITEM:
        count, named = items.get(id(parent), (0, True))
        if count >= 2 and not named:
            return parent
    return top


@dataclass
class _Table:
    """The task table being read: its number and its open sections and categories by depth."""

    number: int | None = None
    path: list[_Node] = field(default_factory=list)


def _table_parent(table: _Table, mark, marker: Marker | None, stack: list[_Node]) -> _Node | None:
    """The parent of an outlined table line.

    A line below depth 0 hangs under the table's open group one level up (a task row under
    its category, a category under its section). A depth-0 line is placed like any line:
    a numbered one ("一、知识产权保护方面") closes the levels of its rank and above, an
    unnumbered one hangs under the open clause, as a paragraph would.
    """
    if mark.table != table.number:
        table.number, table.path = mark.table, []
    del table.path[mark.depth:]
    if mark.depth and table.path:
        return table.path[-1]
    if marker is not None and marker.kind != "md":
        while stack and stack[-1].rank >= marker.rank:
            stack.pop()
    return stack[-1] if stack else None


def _to_clause(node: _Node, meta: DocMeta, pages: tuple[int, ...] = ()) -> Clause:
    chain: list[_Node] = []
    p = node.parent
    while p is not None:
        chain.append(p)
        p = p.parent
    chain.reverse()
    segs = [n.seg for n in chain] + [node.seg]
    node.id = f"{meta.doc_id}#{'.'.join(segs)}"
    path = tuple(
        (f"{n.number} {n.title}" if n.kind == SECTION else f"{n.number}{n.title}").strip()
        for n in chain
    )
    return Clause(
        id=node.id,
        doc_id=meta.doc_id,
        level=len(chain) + 1,
        kind=node.kind,
        number=node.number,
        title=node.title,
        path=path,
        text="\n".join(part for part in node.parts if part),
        start=node.start,
        end=node.end,
        units=node.units,
        proposer=node.proposer,
        parent_id=node.parent.id if node.parent is not None else None,
        doc=meta,
        deadline=node.deadline,
        page=page_at(pages, node.start),
    )
