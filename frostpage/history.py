"""When each content file last changed, for the sitemap's <lastmod> of pages without a date:
its last commit where the project is a git repository and the file is committed as it is
(the same date on every clone, on every host), else its modification time.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

GIT_SECONDS = 60  # a history too long to read in this time is left to the files' times


def last_changed(root: Path, sources: list[str]) -> dict[str, dt.datetime]:
    """content/<source> → when it last changed, for each of ``sources``."""
    committed = _commit_times(root)
    edited = _uncommitted(root)
    found: dict[str, dt.datetime] = {}
    for source in sources:
        path = f"content/{source}"
        seconds = committed.get(path) if path not in edited else None
        if seconds is None:
            try:
                seconds = int(os.stat(os.path.join(root, path)).st_mtime)
            except OSError:
                continue
        found[source] = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return found


def _git(root: Path, *arguments: str) -> str | None:
    """What git prints, or None where there is no git or no repository."""
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *arguments],
            capture_output=True,
            text=True,
            timeout=GIT_SECONDS,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _prefix(root: Path) -> str | None:
    """Where ``root`` is in its repository ('' at its top, 'blog/' in a folder of it)."""
    found = _git(root, "rev-parse", "--show-prefix")
    return found.strip() if found is not None else None


def _commit_times(root: Path) -> dict[str, int]:
    """Each committed file of content/ with the time of the last commit that changed it
    (read from one walk of the history, newest first)."""
    prefix = _prefix(root)
    log = _git(root, "log", "--format=%x00%ct", "--name-only", "--no-renames", "--", "content")
    if prefix is None or log is None:
        return {}
    found: dict[str, int] = {}
    for commit in log.split("\x00")[1:]:
        lines = commit.strip("\n").split("\n")
        seconds = int(lines[0])
        for name in lines[1:]:
            if name.startswith(prefix):
                found.setdefault(name[len(prefix) :], seconds)
    return found


def _uncommitted(root: Path) -> set[str]:
    """The files of content/ that differ from their last commit, or were never committed."""
    status = _git(root, "status", "--porcelain", "--no-renames", "-z", "--", "content")
    prefix = _prefix(root) or ""
    if status is None:
        return set()
    names = {entry[3:] for entry in status.split("\x00") if len(entry) > 3}
    return {name[len(prefix) :] if name.startswith(prefix) else name for name in names}
