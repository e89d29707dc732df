"""The unit of data: documents, clauses and responsible units.

Every field derived from text (titles, bodies, unit names) is in normalized
form (NFKC, Chinese whitespace removed), so a full-width and a half-width copy
of a notice give equal values. Offsets (``start``/``end``) point into the
original text exactly as it was read, so ``original[start:end]`` is the clause
as it stands in the source.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

LEAD = "lead"
SUPPORT = "support"

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

    name: str
    role: str = SUPPORT

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role}


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
        d["date"] = self.date
        d["year"] = self.year
        return d

    @classmethod
    def from_dict(cls, d: dict) -> DocMeta:
        fields = {k: d.get(k) for k in cls.__dataclass_fields__ if k in d}
        fields["keywords"] = tuple(d.get("keywords") or ())
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
            units=tuple(Unit(u["name"], u["role"]) for u in d.get("units", ())),
            proposer=d.get("proposer"),
            parent_id=d.get("parent_id"),
            doc=doc,
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

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id
