"""Request and response models of the HTTP API (pydantic)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_QUERY_CHARS = 2000  # longer input is cut, never refused with a 500


def clean_query(value: str) -> str:
    """Strip control characters and surrounding space; refuse an empty query."""
    if not isinstance(value, str):
        raise ValueError("query must be a string")
    value = "".join(ch for ch in value if ch.isprintable() or ch in " \u3000")
    value = value.strip()
    if not value:
        raise ValueError("query is empty or only whitespace")
    return value[:MAX_QUERY_CHARS]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(..., description="the question or topic", examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100, description="number of hits")
    mode: Literal["bm25", "dense", "hybrid"] = "hybrid"
    fusion: Literal["rrf", "weighted"] = "weighted"
    doc: list[str] = Field(default_factory=list, description="only these document ids")
    unit: str | None = Field(None, max_length=100, description="only clauses naming this unit")
    issuer: str | None = Field(None, max_length=100)
    kind: str | None = Field(None, max_length=20, description="document kind, e.g. 通知")
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


class ErrorOut(BaseModel):
    detail: str | list


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(..., description="a question in Chinese", examples=["谁负责科技成果转化"])
    k: int = Field(10, ge=1, le=100)
    mode: Literal["bm25", "dense", "hybrid"] = "hybrid"
    doc: list[str] = Field(default_factory=list)
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)

    @field_validator("question")
    @classmethod
    def _q(cls, v: str) -> str:
        return clean_query(v)


class PrecedentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., description="a draft clause", examples=["完善科技贷款风险补偿机制"])
    k: int = Field(10, ge=1, le=100)

    @field_validator("text")
    @classmethod
    def _t(cls, v: str) -> str:
        return clean_query(v)
