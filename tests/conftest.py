"""Shared fixtures: the seed notices, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed_docs():
    from index.corpus import load_document

    return {p.name[:3]: load_document(p) for p in sorted(SEEDS.glob("*.txt"))}
