"""Request and response models of the HTTP API (pydantic)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from zhengce.search.query import MAX_DRAFT_CHARS, MAX_QUERY_CHARS


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
    """Strip control characters and surrounding space; refuse an empty query.

    Length is not refused: the engine cuts a query to ``MAX_QUERY_CHARS`` (a draft to
    ``MAX_DRAFT_CHARS``) before tokenizing and says so in the response's ``note``.
    """
    if not isinstance(value, str):
        raise ValueError("query must be a string")
    valid_text(value)
    value = "".join(ch for ch in value if ch.isprintable() or ch in " \u3000")
    value = value.strip()
    if not value:
        raise ValueError("query is empty or only whitespace")
    return value


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: Text = Field(..., description=f"the question or topic (cut to {MAX_QUERY_CHARS} characters, with a note)",
                    examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100, description="number of hits")
    mode: Literal["bm25", "dense", "hybrid"] = "hybrid"
    fusion: Literal["rrf", "weighted"] = "weighted"
    doc: list[Text] = Field(default_factory=list, description="only these document ids")
    unit: Text | None = Field(None, max_length=100, description="only clauses naming this unit")
    issuer: Text | None = Field(None, max_length=100)
    kind: Text | None = Field(None, max_length=20, description="document kind, e.g. 通知")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)

    @field_validator("q")
    @classmethod
    def _q(cls, v: str) -> str:
        return clean_query(v)


class UnitOut(BaseModel):
    name: str
    role: Literal["lead", "support"]


class SourceOut(BaseModel):
    file: str | None
    start: int
    end: int


class HitOut(BaseModel):
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


class SearchResponse(BaseModel):
    query: str
    mode: str
    took_ms: float
    hits: list[HitOut]
    note: str | None = Field(None, description="set when the query was cut")


class ErrorOut(BaseModel):
    detail: str | list


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Text = Field(..., description=f"a question in Chinese (cut to {MAX_QUERY_CHARS} characters, "
                                            "with a note)", examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100)
    mode: Literal["bm25", "dense", "hybrid"] = "hybrid"
    doc: list[Text] = Field(default_factory=list)
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)

    @field_validator("question")
    @classmethod
    def _q(cls, v: str) -> str:
        return clean_query(v)


class PrecedentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(..., description=f"a draft clause (cut to {MAX_DRAFT_CHARS} characters, with a note)",
                       examples=["完善科技贷款风险补偿机制"])
    k: int = Field(10, ge=1, le=100)

    @field_validator("text")
    @classmethod
    def _t(cls, v: str) -> str:
        return clean_query(v)
