"""Dependencies of the routes: the current engine and answerer, swapped whole on reload.

Routes never reach into the application state themselves: they declare
``engine: EngineDep`` or ``answerer: AnswererDep`` and FastAPI injects the
holder's current objects, so a request finishes on the build it started with.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhengce.api.reloading import EngineHolder
from zhengce.search.answer import Answerer
from zhengce.search.engine import SearchEngine


def holder(request: Request) -> EngineHolder:
    return request.app.state.holder


def engine(request: Request) -> SearchEngine:
    return request.app.state.holder.engine


def answerer(request: Request) -> Answerer:
    return request.app.state.holder.answerer


HolderDep = Annotated[EngineHolder, Depends(holder)]
EngineDep = Annotated[SearchEngine, Depends(engine)]
AnswererDep = Annotated[Answerer, Depends(answerer)]
