"""The unit of data: documents, clauses and responsible units.

Every field derived from text (titles, bodies, unit names) is in normalized
form (NFKC, Chinese whitespace removed), so a full-width and a half-width copy
of a notice give equal values. Offsets (``start``/``end``) point into the
original text exactly as it was read, so ``original[start:end]`` is the clause
as it stands in the source.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import asdict, dataclass, field

LEAD = "lead"
SUPPORT = "support"

# Why a unit has its role (Unit.basis).
EXPLICIT = "explicit"          # the text says so ("X牵头", "牵头单位：X", "配合单位：Y")
CONVENTION = "convention"      # a stated convention ("排在第一位的部门为牵头部门，下同")
LISTED_FIRST = "listed_first"  # first of a labelled list with no stated lead (role stays as given)
LISTED = "listed"              # named in a list, no role stated
BASES = (EXPLICIT, CONVENTION, LISTED_FIRST, LISTED)

# Clause kinds.
HEADING = "heading"      # numbered line with a title and no body ("一、总体要求")
ITEM = "item"            # numbered clause with a body ("12.加强…。探索…")
PARAGRAPH = "paragraph"  # un-numbered paragraph (preamble, section introduction)
BULLET = "bullet"        # dash bullet ("——培育一批…", "--智能终端…")
SECTION = "section"      # markdown heading with the paragraphs under it
KINDS = (HEADING, ITEM, PARAGRAPH, BULLET, SECTION)


@dataclass(frozen=True)
class Unit:
    """A responsible unit named by a clause, with its role."""

    name: str                 # canonical name for the document's jurisdiction
    role: str = SUPPORT
    basis: str = LISTED       # why it has this role (see BASES)
    collective: bool = False  # "各省级人民政府", "各有关部门": a class of units, kept as written
    surface: str = ""         # as written in the text (normalized); "" when equal to name

    @property
    def written(self) -> str:
        """The name as the text writes it."""
        return self.surface or self.name

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "basis": self.basis,
                "collective": self.collective, "surface": self.surface or self.name}

    @classmethod
    def from_dict(cls, d: dict) -> Unit:
        surface = d.get("surface") or ""
        return cls(d["name"], d.get("role", SUPPORT), d.get("basis", LISTED), bool(d.get("collective")),
                   "" if surface == d["name"] else surface)


@dataclass(frozen=True)
class Deadline:
    """When a task is due: the words as written, and an ISO date when the year is known."""

    raw: str
    iso: str | None = None     # last day of the period ("2019年底前" -> 2019-12-31)
    ongoing: bool = False      # "长期坚持", "持续推进"

    def to_dict(self) -> dict:
        return {"raw": self.raw, "iso": self.iso, "ongoing": self.ongoing}

    @classmethod
    def from_dict(cls, d: dict | None) -> Deadline | None:
        if not d:
            return None
        return cls(d["raw"], d.get("iso"), bool(d.get("ongoing")))


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one notice. Absent fields are ``None``, never guessed."""

    doc_id: str
    file: str
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date_written: str | None = None
    date_published: str | None = None
    kind: str | None = None
    index_number: str | None = None
    keywords: tuple[str, ...] = ()
    encoding: str = "utf-8"
    issuers: tuple[str, ...] = ()   # joint issuers, each on its own ("国务院办公厅", "中央军委办公厅")
    date_inferred: bool = False     # the date comes from the title ("2020年…工作要点"), not a stated date
    level: str | None = None        # jurisdiction level: "national", "province", "city", "county"
    jurisdiction: str | None = None  # the place for sub-national notices ("郑州", "河南")
    title_source: str | None = None  # where the title came from: "text", "page", "heading", "file"
    addressees: tuple[str, ...] = ()  # 主送机关 ("各省、自治区、直辖市人民政府", "国务院各部委")

    @property
    def cited_title(self) -> str | None:
        """The title as answers cite it: a file name is never presented as a title.

        With no title anywhere (``title_source == "file"``) the notice is "未命名工作要点（003_…）":
        its kind when known, and the file name it was read from, said to be one.
        """
        if self.title_source == "file" and self.title:
            return f"未命名{self.kind or '文件'}（文件名：{self.title}）"
        return self.title

    @property
    def date(self) -> str | None:
        """The best date for ordering: written, else published."""
        return self.date_written or self.date_published

    @property
    def year(self) -> int | None:
        d = self.date
        return int(d[:4]) if d else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["keywords"] = list(self.keywords)
        d["issuers"] = list(self.issuers)
        d["addressees"] = list(self.addressees)
        d["date"] = self.date
        d["year"] = self.year
        return d

    @classmethod
    def from_dict(cls, d: dict) -> DocMeta:
        fields = {k: d.get(k) for k in cls.__dataclass_fields__ if k in d}
        fields["keywords"] = tuple(d.get("keywords") or ())
        fields["issuers"] = tuple(d.get("issuers") or ())
        fields["addressees"] = tuple(d.get("addressees") or ())
        fields["date_inferred"] = bool(d.get("date_inferred"))
        return cls(**fields)


@dataclass(frozen=True)
class Clause:
    """One clause of a notice: the unit of retrieval and citation."""

    id: str
    doc_id: str
    level: int
    kind: str
    number: str
    title: str
    path: tuple[str, ...]
    text: str
    start: int
    end: int
    units: tuple[Unit, ...] = ()
    proposer: str | None = None
    parent_id: str | None = None
    doc: DocMeta | None = field(default=None, compare=False, repr=False)
    deadline: Deadline | None = None
    page: int | None = None  # 1-based page of ``start`` (PDF sources); None for other formats

    @property
    def heading(self) -> str:
        """Number and title as a reader sees them, e.g. ``(五)建立健全…``."""
        return f"{self.number}{self.title}"

    @property
    def titled_text(self) -> str:
        """Title and text as one passage, ``title。text``; the text alone when it already opens
        with the title. The one place this rule lives (embedding, BM25, precedent drafts)."""
        if not self.title or self.text.startswith(self.title):
            return self.text or self.title
        return f"{self.title}。{self.text}" if self.text else self.title

    @property
    def body(self) -> str:
        """The text without the title it opens with (BM25 indexes the title as its own field)."""
        return self.text[len(self.title):] if self.title and self.text.startswith(self.title) else self.text

    @property
    def content_hash(self) -> str:
        """Hash of what the embedder sees; unchanged clauses keep their vectors."""
        payload = "\x1f".join((*self.path, self.title, self.text))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def unit_names(self, role: str | None = None) -> list[str]:
        return [u.name for u in self.units if role is None or u.role == role]

    def to_dict(self, with_doc: bool = True) -> dict:
        d = {
            "id": self.id,
            "doc_id": self.doc_id,
            "level": self.level,
            "kind": self.kind,
            "number": self.number,
            "title": self.title,
            "path": list(self.path),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "units": [u.to_dict() for u in self.units],
            "proposer": self.proposer,
            "parent_id": self.parent_id,
            "deadline": self.deadline.to_dict() if self.deadline else None,
            "page": self.page,
        }
        if with_doc and self.doc is not None:
            d["doc"] = self.doc.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict, doc: DocMeta | None = None) -> Clause:
        if doc is None and d.get("doc"):
            doc = DocMeta.from_dict(d["doc"])
        return cls(
            id=d["id"],
            doc_id=d["doc_id"],
            level=int(d["level"]),
            kind=d["kind"],
            number=d["number"],
            title=d["title"],
            path=tuple(d["path"]),
            text=d["text"],
            start=int(d["start"]),
            end=int(d["end"]),
            units=tuple(Unit.from_dict(u) for u in d.get("units", ())),
            proposer=d.get("proposer"),
            parent_id=d.get("parent_id"),
            doc=doc,
            deadline=Deadline.from_dict(d.get("deadline")),
            page=d.get("page"),
        )


@dataclass(frozen=True)
class Span:
    """A stretch of the original text that is not part of any clause, and why."""

    start: int
    end: int
    reason: str  # "junk", "markup" (inline, may sit inside a clause), "header", "title", "signature"


@dataclass(frozen=True)
class Document:
    """A parsed notice: its original text, metadata, clauses and skipped spans."""

    meta: DocMeta
    original: str
    clauses: tuple[Clause, ...]
    skipped: tuple[Span, ...] = ()
    warnings: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()  # offset in ``original`` where each page starts (PDF); () otherwise

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    def page_at(self, offset: int) -> int | None:
        """1-based page holding ``offset``, or ``None`` when the source has no pages."""
        return page_at(self.pages, offset)


def page_at(pages: tuple[int, ...], offset: int) -> int | None:
    """1-based page whose start is the last one at or before ``offset``."""
    if not pages:
        return None
    return max(1, bisect.bisect_right(pages, offset))
