"""Request and response models of the HTTP API (pydantic).

Mode and fusion names come from :mod:`zhengce.search.fusion`; the filter
fields are one mixin shared by ``/search``, ``/ask`` and ``/precedent`` and
turned into :class:`zhengce.index.contract.Filters` by ``Filters.from_request``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhengce.search.fusion import FusionName, Mode

MAX_QUERY_CHARS = 2000  # longer input is cut, never refused with a 500
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def clean_query(value: str) -> str:
    """Strip control characters and surrounding space; refuse an empty query."""
    if not isinstance(value, str):
        raise ValueError("query must be a string")
    value = "".join(ch for ch in value if ch.isprintable() or ch in " \u3000")
    value = value.strip()
    if not value:
        raise ValueError("query is empty or only whitespace")
    return value[:MAX_QUERY_CHARS]


class FilterFields(BaseModel):
    """Filters every query endpoint accepts."""

    model_config = ConfigDict(extra="forbid")

    doc: list[str] = Field(default_factory=list, description="only these document ids")
    unit: str | None = Field(None, max_length=100, description="only clauses naming this unit")
    issuer: str | None = Field(None, max_length=100, description="only documents of this issuer")
    kind: str | None = Field(None, max_length=20, description="document kind, e.g. 通知")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    date_from: str | None = Field(None, pattern=ISO_DATE, description="YYYY-MM-DD, inclusive")
    date_to: str | None = Field(None, pattern=ISO_DATE, description="YYYY-MM-DD, inclusive")


class SearchRequest(FilterFields):
    q: str = Field(..., description="the question or topic", examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100, description="number of hits")
    mode: Mode = "hybrid"
    fusion: FusionName = "weighted"

    @field_validator("q")
    @classmethod
    def _q(cls, v: str) -> str:
        return clean_query(v)


class AskRequest(FilterFields):
    question: str = Field(..., description="a question in Chinese", examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100)
    mode: Mode = "hybrid"

    @field_validator("question")
    @classmethod
    def _q(cls, v: str) -> str:
        return clean_query(v)


class PrecedentRequest(FilterFields):
    text: str = Field(..., description="a draft clause", examples=["完善科技贷款风险补偿机制"])
    k: int = Field(10, ge=1, le=100)

    @field_validator("text")
    @classmethod
    def _t(cls, v: str) -> str:
        return clean_query(v)


class Out(BaseModel):
    """Response models document the fields; fields added later pass through (extra="allow")."""

    model_config = ConfigDict(extra="allow")


class UnitOut(Out):
    name: str
    role: str


class SourceOut(Out):
    file: str | None
    start: int
    end: int


class HitOut(Out):
    clause_id: str
    score: float
    doc_id: str
    doc_title: str | None
    issuer: str | None
    date: str | None
    doc_number: str | None
    kind: str
    path: list[str]
    number: str
    title: str
    text: str
    excerpt: str
    excerpt_marks: list[list[int]]
    units: list[UnitOut]
    proposer: str | None
    source: SourceOut


class SearchResponse(Out):
    query: str
    mode: str
    took_ms: float
    hits: list[HitOut]


class UnitAnswerOut(Out):
    name: str
    role: str
    score: float
    clause_ids: list[str]


class CitationOut(HitOut):
    weak: bool = Field(description="true when the question was judged not answerable")


class GroupOut(Out):
    doc_id: str
    doc_title: str | None
    date: str | None
    lead: list[str]
    support: list[str]


class AskResponse(Out):
    question: str
    intent: str = Field(description="duty, unit or find")
    answerable: bool
    answer: str
    confidence: float
    units: list[UnitAnswerOut]
    citations: list[CitationOut]
    groups: list[GroupOut] = Field(description="a unit question's clauses by document")
    took_ms: float


class PrecedentHitOut(HitOut):
    similarity: float
    year: int | None
    diff_marks: list[list[int]] = Field(description="spans of the text that differ from the draft")
    common: float = Field(description="share of the text shared with the draft")


class TimelineOut(Out):
    year: int | None
    label: str  # "2024 年", or 日期不详 for undated notices
    clause_ids: list[str]


class PrecedentResponse(Out):
    text: str
    took_ms: float
    hits: list[PrecedentHitOut]
    timeline: list[TimelineOut]
