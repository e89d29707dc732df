"""Admin routes: add notices (upload), remove one, follow the indexing job; all need the admin token.

``POST /documents`` (multipart, field ``files``) checks each file's name,
format and size as the command line does, then queues a job and answers 202
``{"job": ID}``; ``GET /jobs/{id}`` reports its status, progress and each
file's result; ``DELETE /documents/{id}`` queues the removal the same way.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from pathlib import Path, PurePosixPath
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from zhengce.api.auth import AdminDep
from zhengce.api.deps import EngineDep
from zhengce.api.jobs import FileResult, JobRunner
from zhengce.index import reading

router = APIRouter(dependencies=[AdminDep])
MAX_FILES = 50
CHUNK = 1 << 16
_runner_lock = threading.Lock()


def runner(request: Request) -> JobRunner:
    """The app's job runner, created on first use."""
    state = request.app.state
    with _runner_lock:
        if getattr(state, "jobs", None) is None:
            state.jobs = JobRunner(state.holder)
    return state.jobs


def _check_writable(request: Request) -> None:
    if not request.app.state.holder.index_dir:
        raise HTTPException(status_code=409, detail="this server was not started from an index directory; "
                                                    "notices cannot be added or removed")


def _formats() -> str:
    return " ".join(sorted(s for s in reading.SUPPORTED_SUFFIXES if s))


def upload_name(raw: str | None) -> str:
    """The file's own name (any folder part dropped); raises ValueError for a name that is not usable."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name.strip()
    if not name or name.startswith(".") or re.search(r"[\x00-\x1f]", name):
        raise ValueError("not a usable file name")
    suffix = Path(name).suffix.lower()
    if suffix not in reading.SUPPORTED_SUFFIXES or not suffix:
        raise ValueError(f"unsupported format {suffix or '(no extension)'}: use {_formats()}")
    return name


def _save(upload: UploadFile, dest: Path) -> None:
    """Copy the upload to ``dest``; raises ValueError (the CLI's message) past the size limit."""
    written = 0
    with open(dest, "wb") as out:
        while chunk := upload.file.read(CHUNK):
            written += len(chunk)
            if written > reading.MAX_BYTES:
                raise ValueError(f"file too large (more than {reading.MAX_BYTES / 2**20:.0f} MiB; the limit is "
                                 f"{reading.MAX_BYTES / 2**20:.0f} MiB, set ZHENGCE_MAX_FILE_MB to raise it)")
            out.write(chunk)
    if written == 0:
        raise ValueError("empty file")


@router.post("/documents", status_code=202, summary="Add or replace notices (multipart field `files`)",
             responses={202: {"description": "the indexing job: follow it at /jobs/{job}"}})
def add_documents(request: Request, files: Annotated[list[UploadFile], File(description="notice files")]):
    _check_writable(request)
    if len(files) > MAX_FILES:
        raise HTTPException(status_code=413, detail=f"too many files ({len(files)}); at most {MAX_FILES} at once")
    jobs = runner(request)
    job = jobs.new_job("add")
    job.workdir = Path(tempfile.mkdtemp(prefix="zhengce-upload-"))
    seen: set[str] = set()
    for upload in files:
        result = FileResult(name=PurePosixPath((upload.filename or "").replace("\\", "/")).name or "(unnamed)")
        job.files.append(result)
        try:
            name = upload_name(upload.filename)
            if Path(name).stem in seen:
                raise ValueError(f"duplicate document id {Path(name).stem!r} in this upload; skipped")
            dest = job.workdir / name
            _save(upload, dest)
        except ValueError as exc:
            result.status, result.error = "failed", str(exc)
            continue
        seen.add(Path(name).stem)
        result.name = name
        job.paths.append(dest)
    if not job.paths:
        shutil.rmtree(job.workdir, ignore_errors=True)
        detail = "; ".join(f"{f.name}: {f.error}" for f in job.files) or "no files"
        return JSONResponse(status_code=422, content={"detail": f"no file can be indexed: {detail}",
                                                      "files": [f.to_dict() for f in job.files]})
    jobs.submit(job)
    return {"job": job.id, "status": job.status}


@router.delete("/documents/{doc_id}", status_code=202, summary="Remove a notice from the index")
def remove_document(request: Request, engine: EngineDep, doc_id: str):
    _check_writable(request)
    if engine.index.document(doc_id) is None:
        raise HTTPException(status_code=404, detail=f"no document {doc_id!r}")
    jobs = runner(request)
    job = jobs.new_job("remove")
    job.remove = [doc_id]
    jobs.submit(job)
    return {"job": job.id, "status": job.status}


@router.get("/jobs/{job_id}", summary="An indexing job: status, progress and each file's result")
def get_job(request: Request, job_id: str):
    job = runner(request).get(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id!r}")
    return job.to_dict()


@router.get("/admin/check", summary="Whether the admin token is accepted (for the page)")
def check_token():
    return {"admin": True}
