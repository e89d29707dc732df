"""Dependencies of the routes: the current engine and answerer, swapped whole on reload.

Routes never reach into the application state themselves: they declare
``engine: EngineDep`` or ``answerer: AnswererDep`` and FastAPI injects the
holder's current objects, so a request finishes on the build it started with.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from zhengce.search.answer import Answerer
from zhengce.search.engine import SearchEngine


class EngineHolder:
    """The current engine and answerer; :meth:`reload` swaps both for the newest build."""

    def __init__(self, engine: SearchEngine, index_dir: str | None):
        self.engine = engine
        self.answerer = Answerer(engine)
        self.index_dir = index_dir
        self._lock = threading.Lock()

    def reload(self) -> SearchEngine:
        """Load the newest build; requests in flight finish on the engine they started with."""
        if not self.index_dir:
            raise RuntimeError("this server was not started from an index directory")
        with self._lock:
            fresh = SearchEngine.open(self.index_dir, embedder=self.engine.embedder)
            self.engine, self.answerer = fresh, Answerer(fresh)
        return fresh


def holder(request: Request) -> EngineHolder:
    return request.app.state.holder


def engine(request: Request) -> SearchEngine:
    return request.app.state.holder.engine


def answerer(request: Request) -> Answerer:
    return request.app.state.holder.answerer


HolderDep = Annotated[EngineHolder, Depends(holder)]
EngineDep = Annotated[SearchEngine, Depends(engine)]
AnswererDep = Annotated[Answerer, Depends(answerer)]
