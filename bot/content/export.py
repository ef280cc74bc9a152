"""`hub export`: the store's content as files, swapped in whole or not at all.

Everything is written into a new folder beside the target, then the two are swapped by renames:
a failed write (a full disk) leaves the previous export as it was, files deleted from the store
leave no stale copies, and links planted in the target are never followed (the new folder holds
only files created here, opened with O_EXCL).
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.content.files import entry_file, path_file, render_entry, render_path
from bot.content.schema import PathData
from bot.content.store import entry_data
from bot.models import Entry, LearningPath

# Marks a folder as an export, which the next export may replace without --force.
MARKER = ".hub-export"
MARKER_TEXT = "Written by `hub export`. The next export replaces this whole folder.\n"


class ExportError(Exception):
    """Why nothing was exported; the target is as it was."""


def export_content(
    engine: Engine, target: Path, force: bool = False, ids: Sequence[str] | None = None
) -> int:
    """Write every entry and path (or only the entries of `ids`) as canonical files in
    `target`; returns how many."""
    target = Path(os.path.abspath(target))
    try:
        return _export(engine, target, force, ids)
    except OSError as exc:
        raise ExportError(f"could not write {target}: {exc.strerror or exc}") from exc


def _export(engine: Engine, target: Path, force: bool, ids: Sequence[str] | None) -> int:
    mode = check_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = beside(target, "new")
    os.mkdir(staging)
    try:
        if mode is not None:
            os.chmod(staging, mode)
        written = write_files(engine, staging, ids)
        create(staging / MARKER, MARKER_TEXT)
        swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def check_target(target: Path, force: bool) -> int | None:
    """Refuse a target that is a link, a file, or a folder of other files (unless forced);
    the permission bits of an existing folder, to keep."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise ExportError(f"{target} is a symbolic link: export to the folder itself")
    if not stat.S_ISDIR(info.st_mode):
        raise ExportError(f"{target} is not a directory")
    marker = target / MARKER
    is_export = marker.exists() and stat.S_ISREG(marker.lstat().st_mode)
    if not force and not is_export and any(target.iterdir()):
        raise ExportError(
            f"{target} is not empty and not a previous export: use --force to replace it"
        )
    return stat.S_IMODE(info.st_mode)


def write_files(engine: Engine, root: Path, ids: Sequence[str] | None = None) -> int:
    written = 0
    entries = select(Entry).order_by(col(Entry.id))
    with Session(engine) as session:
        for row in session.exec(entries if ids is None else entries.where(col(Entry.id).in_(ids))):
            entry = entry_data(row)
            create(entry_file(root, entry), render_entry(entry))
            written += 1
        if ids is not None:
            return written
        for path_row in session.exec(select(LearningPath).order_by(col(LearningPath.id))):
            path = PathData.model_validate({f: getattr(path_row, f) for f in PathData.model_fields})
            create(path_file(root, path), render_path(path))
            written += 1
    return written


def create(file: Path, text: str) -> None:
    """A new file; fails rather than write through anything already at that name."""
    file.parent.mkdir(parents=True, exist_ok=True)
    with file.open("x", encoding="utf-8") as handle:
        handle.write(text)


def beside(target: Path, purpose: str) -> Path:
    return target.parent / f".{target.name}.{purpose}-{secrets.token_hex(4)}"


def swap(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target`; on failure `target` is as it was."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    old = beside(target, "old")
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)  # removes links, never what they point to
