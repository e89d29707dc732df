"""Walk the folders given to ``zhengce index``: the files to read, and every entry not read, with why.

Issue 16, rows 8 and 9: a folder's ``.pdf``, ``.csv``, FIFO, symlink loop, dangling symlink and
unreadable subfolder used to be skipped without a word, and a symlink leading outside the folder
was followed (the outside file was indexed and served). Now:

- every entry that is not read is named with its reason: unsupported type, no extension,
  hidden, unreadable, FIFO or other special file, dangling symlink, symlink loop, outside the
  folder;
- a symlink whose target lies outside the folder being indexed is skipped unless
  ``follow_symlinks`` (``--follow-symlinks``) is given;
- a folder reached twice (a loop through symlinks) is walked once.

Files named directly are passed through: reading them reports their problems by name.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zhengce.index.reading import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class Skipped:
    """A folder entry that was not read, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _supported_list() -> str:
    return " ".join(sorted(s for s in SUPPORTED_SUFFIXES if s))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Walker:
    def __init__(self, root: Path, follow_symlinks: bool):
        self.root = os.path.realpath(root)
        self.follow = follow_symlinks
        self.files: list[Path] = []
        self.skipped: list[Skipped] = []
        self.visited = {self.root}

    def skip(self, p: Path, reason: str) -> None:
        self.skipped.append(Skipped(str(p), reason))

    def folder(self, folder: Path) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.skip(folder, f"unreadable folder ({exc.strerror or type(exc).__name__})")
            return
        for entry in entries:
            self.entry(Path(entry.path), entry.name)

    def entry(self, p: Path, name: str) -> None:
        if name.startswith("."):
            self.skip(p, "hidden (its name starts with a dot)")
            return
        if p.is_symlink() and not self.symlink_ok(p):
            return
        try:
            st = os.stat(p)
        except OSError as exc:
            self.skip(p, f"unreadable ({exc.strerror or type(exc).__name__})")
            return
        if stat.S_ISDIR(st.st_mode):
            real = os.path.realpath(p)
            if real in self.visited:
                self.skip(p, "symlink loop (this folder is already being indexed)")
                return
            self.visited.add(real)
            self.folder(p)
        elif stat.S_ISREG(st.st_mode):
            self.regular(p)
        elif stat.S_ISFIFO(st.st_mode):
            self.skip(p, "a FIFO (named pipe), not a file")
        else:
            self.skip(p, "not a regular file (a device or socket)")

    def symlink_ok(self, p: Path) -> bool:
        try:
            target = os.path.realpath(p, strict=True)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.skip(p, "symlink loop")
            elif isinstance(exc, FileNotFoundError):
                self.skip(p, "dangling symlink (its target does not exist)")
            else:
                self.skip(p, f"unreadable symlink ({exc.strerror or type(exc).__name__})")
            return False
        if not self.follow and not _inside(target, self.root):
            self.skip(p, "symlink leading outside the folder (pass --follow-symlinks to index it)")
            return False
        return True

    def regular(self, p: Path) -> None:
        suffix = p.suffix.lower()
        if not suffix:
            self.skip(p, f"no file extension (supported: {_supported_list()})")
        elif suffix not in SUPPORTED_SUFFIXES:
            self.skip(p, f"unsupported file type {suffix!r} (supported: {_supported_list()})")
        elif not os.access(p, os.R_OK):
            self.skip(p, "unreadable (permission denied)")
        else:
            self.files.append(p)


def collect(paths: Iterable[str | Path], follow_symlinks: bool = False) -> tuple[list[Path], list[Skipped]]:
    """Files to read (folders walked, sorted) and the folder entries skipped, each with a reason."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            walker = _Walker(p, follow_symlinks)
            walker.folder(p)
            files.extend(walker.files)
            skipped.extend(walker.skipped)
        else:
            files.append(p)
    return files, skipped
