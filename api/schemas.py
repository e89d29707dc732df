"""Request and response models of the HTTP API (pydantic).

Mode and fusion names come from :mod:`zhengce.search.fusion`; the filter
fields are one mixin shared by ``/search``, ``/ask`` and ``/precedent`` and
turned into :class:`zhengce.index.contract.Filters` by ``Filters.from_request``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from zhengce.search.fusion import FusionName, Mode
from zhengce.search.query import MAX_DRAFT_CHARS, MAX_QUERY_CHARS

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def valid_text(value: str) -> str:
    """Every string field: refuse lone surrogates (they cannot be encoded, so cannot be echoed)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("not valid Unicode text (holds a lone surrogate)") from None
    return value


def printable(value: object) -> str:
    """A string safe to put in a response: anything unencodable becomes an escape."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


# Every string a request carries, list items included, is checked the same way.
Text = Annotated[str, AfterValidator(valid_text)]


def clean_query(value: str) -> str:
    """Strip control characters and surrounding space; refuse an empty query."""
    if not isinstance(value, str):
        raise ValueError("query must be a string")
    value = "".join(ch for ch in value if ch.isprintable() or ch in " \u3000")
    value = value.strip()
    if not value:
        raise ValueError("query is empty or only whitespace")
    return value  # long queries are cut by the engine, with a note (search/query.py)


# The query of /search, /ask and /precedent: valid text, control characters stripped, not empty.
Query = Annotated[str, AfterValidator(valid_text), AfterValidator(clean_query)]


class FilterFields(BaseModel):
    """Filters every query endpoint accepts."""

    model_config = ConfigDict(extra="forbid")

    doc: list[Text] = Field(default_factory=list, description="only these document ids")
    unit: Text | None = Field(None, max_length=100, description="only clauses naming this unit")
    issuer: Text | None = Field(None, max_length=100, description="only documents of this issuer")
    kind: Text | None = Field(None, max_length=20, description="document kind, e.g. 通知")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    date_from: Text | None = Field(None, pattern=ISO_DATE, description="YYYY-MM-DD, inclusive")
    date_to: Text | None = Field(None, pattern=ISO_DATE, description="YYYY-MM-DD, inclusive")


class SearchRequest(FilterFields):
    q: Query = Field(..., description=f"the question or topic (cut to {MAX_QUERY_CHARS} characters, with a note)",
                    examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100, description="number of hits")
    mode: Mode = "hybrid"
    fusion: FusionName = "weighted"


class AskRequest(FilterFields):
    question: Query = Field(..., description=f"a question in Chinese (cut to {MAX_QUERY_CHARS} characters, "
                                            "with a note)", examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100)
    mode: Mode = "hybrid"


class PrecedentRequest(FilterFields):
    text: Query = Field(..., description=f"a draft clause (cut to {MAX_DRAFT_CHARS} characters, with a note)",
                       examples=["完善科技贷款风险补偿机制"])
    k: int = Field(10, ge=1, le=100)


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


class DeadlineOut(Out):
    raw: str = Field(description="as the notice writes it: 2025年6月底前, 长期坚持")
    iso: str | None = Field(description="the last day of the period, when the year is known")
    ongoing: bool


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
    deadline: DeadlineOut | None = Field(None, description="the task's deadline, when the clause states one")
    proposer: str | None
    source: SourceOut


class SearchResponse(Out):
    query: str
    mode: str
    took_ms: float
    hits: list[HitOut]
    note: str | None = Field(None, description="set when the query was cut")


class UnitAnswerOut(Out):
    name: str
    role: str = Field(description="lead or support")
    role_stated: bool = Field(True, description="false when no cited clause states a role, only that the "
                                                "unit is responsible (shown as 负责, not 配合)")
    score: float
    clause_ids: list[str]


class CitationOut(HitOut):
    weak: bool = Field(description="true when the question was judged not answerable")


class GroupOut(Out):
    doc_id: str
    doc_title: str | None
    date: str | None
    lead: list[str]
    support: list[str] = Field(description="clauses that name the unit as 配合")
    responsible: list[str] = Field([], description="clauses that say the unit is responsible, no role stated (负责)")


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
