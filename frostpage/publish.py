"""Publishing a build: pure file system, all or nothing, and only ever over frostpage's own folders.

A build writes its files into a staging folder beside the output folder. A first build, or
one that keeps nothing of the last, is swapped in with one atomic exchange (Linux's
``renameat2`` with ``RENAME_EXCHANGE``), so there is no moment without a complete output
folder, even if the process is killed. A rebuild that keeps most files of the last
(``Output.patching``) moves only its new files in, one atomic rename each, after removing
what the output folder holds besides the build's files: for those few milliseconds it is a
mix of both builds, every file whole; killed then, it stays one until the next build,
which writes every file again (the record of the last build is forgotten before
publishing). Every folder frostpage makes carries a marker file; an output folder without
it (a git repository, a hand-written docs/, a symbolic link to a web server's root) is
never replaced or deleted unless the author says ``--force``. One build at a time runs
per project (a lock), and each build first clears what a killed one left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import filecmp
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SiteError
from .paths import CACHE_FOLDER, SOURCE_FOLDERS

MARKER = ".frostpage-build"
MARKER_TEXT = (
    "This folder is made by frostpage: each build replaces it whole.\n"
    "Keep no files of your own here; frostpage refuses to replace a folder without this file.\n"
)


def check_destination(
    root: Path, destination: Path, force: bool = False, built_before: bool = False
) -> None:
    """Refuse a destination whose replacement could lose an author's files, unless forced.

    ``destination`` is absolute but not resolved: a symbolic link there is seen as one.
    ``built_before``: this project's last build was published there (a folder frostpage
    made before it marked its folders).
    """
    if force:
        return
    resolved = destination.resolve()
    if destination.is_symlink():
        problem = not_ours(destination)
    elif resolved == root or resolved in root.parents:
        problem = "is the project folder or contains it"
    elif root not in resolved.parents:
        problem = "lies outside the project"
    elif resolved.relative_to(root).parts[0] in (*SOURCE_FOLDERS, CACHE_FOLDER):
        problem = "is inside a source folder"
    elif resolved.relative_to(root).parts[0] == ".git":
        problem = "is inside the git repository"
    elif not (built_before and destination.is_dir()):
        problem = not_ours(destination)
    else:
        problem = None
    if problem:
        shown = destination.relative_to(root) if root in destination.parents else destination
        raise SiteError(
            f"{shown}/",
            None,
            f"refusing to build here: the destination {problem}",
            "choose another folder, or move its files away; --force replaces it all the same",
        )


def not_ours(folder: Path) -> str | None:
    """What makes ``folder`` not frostpage's to replace, or None: missing, empty, or marked."""
    if folder.is_symlink():
        return f"is a symbolic link (to {os.readlink(folder)}), not a folder frostpage made"
    if not folder.exists():
        return None
    if not folder.is_dir():
        return "is a file"
    names = sorted(os.listdir(folder))
    if not names or MARKER in names:
        return None
    shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
    return f"holds files frostpage did not make ({shown})"


@contextlib.contextmanager
def build_lock(root: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the project's build lock: a second build waits (``waiting`` is told) until the
    first is done, so two never write the same folders at once."""
    cache = root / CACHE_FOLDER
    if cache.exists() and not cache.is_dir():
        raise SiteError(
            CACHE_FOLDER, None, "is not a folder: frostpage keeps its cache there", "remove it"
        )
    cache.mkdir(exist_ok=True)
    with (cache / "build.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prefix(destination: Path) -> str:
    """Staging and retired folders of one destination: ``.build-<its hash>-…`` beside it."""
    return f".build-{hashlib.sha256(str(destination).encode()).hexdigest()[:8]}-"


def recover(destination: Path) -> None:
    """Undo what a killed build left: bring back a build that was set aside but not replaced,
    and delete the staging folders of builds that never finished. Call under the lock."""
    leftovers = sorted(destination.parent.glob(_prefix(destination) + "*"))
    for folder in leftovers:
        if not (folder / MARKER).is_file() or folder.is_symlink():
            continue  # not ours: left alone
        if folder.name.endswith("-retired") and not os.path.lexists(destination):
            os.replace(folder, destination)
        else:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Output:
    """The build being made: its new files in ``staging``. The files it keeps of the last
    build stay where they are in ``destination`` when ``patching``; else they are linked
    into ``staging``, which then replaces ``destination`` whole."""

    staging: Path
    destination: Path
    patching: bool
    kept: set[str] = field(default_factory=set)  # files of the last build kept as they are

    def keep(self, name: str) -> None:
        """Keep the last build's file ``name`` (relative to the build folder) in this one."""
        if not self.patching:
            link_file(os.path.join(self.destination, name), os.path.join(self.staging, name))
        self.kept.add(name)

    def path(self, name: str) -> str:
        """Where this build's file ``name`` is until it is published."""
        folder = self.destination if self.patching and name in self.kept else self.staging
        return os.path.join(folder, name)


def new_staging(destination: Path, patching: bool) -> Output:
    """An empty, marked folder beside ``destination`` to build into; ``patching`` the last
    build (which the build keeps most of) when it is a folder frostpage made."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_prefix(destination), dir=destination.parent))
    staging.chmod(0o755)
    mark(staging)
    ours = not destination.is_symlink() and (destination / MARKER).is_file()
    return Output(staging, destination, patching and ours)


def mark(folder: Path) -> None:
    marker = folder / MARKER
    if not marker.is_file() or marker.read_text("utf-8") != MARKER_TEXT:
        marker.unlink(missing_ok=True)
        marker.write_text(MARKER_TEXT, "utf-8")


def publish(output: Output, files: list[str]) -> tuple[int, int]:
    """Put the build of ``output`` (its ``files``) in place of its destination, and remove
    the staging folder; a file whose bytes did not change keeps its inode and mtime.

    Returns (HTML pages, files written).
    """
    changed = []
    for name in files:
        if name in output.kept:
            continue
        # Plain strings: tens of thousands of files, for which Path objects cost seconds.
        new, old = os.path.join(output.staging, name), os.path.join(output.destination, name)
        if os.path.isfile(old) and not os.path.islink(old) and filecmp.cmp(old, new, False):
            if not output.patching:
                keep_old(old, new)
        else:
            changed.append(name)
    if output.patching:
        _patch(output, files, changed)
    else:
        _swap(output.staging, output.destination)
    return sum(name.endswith(".html") for name in files), len(changed)


def _patch(output: Output, files: list[str], changed: list[str]) -> None:
    """Remove what the destination holds besides ``files``, then move the ``changed`` files
    in from staging (a file or link standing where a folder must be is gone by then)."""
    remove_others(output.destination, set(files))
    mark(output.destination)
    for name in changed:
        target = os.path.join(output.destination, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(os.path.join(output.staging, name), target)
    discard(output.staging)


def _swap(staging: Path, destination: Path) -> None:
    """Put ``staging`` in place of ``destination`` in one step, and remove what stood there."""
    if not os.path.lexists(destination):
        os.replace(staging, destination)
    elif exchange(staging, destination):
        discard(staging)  # now the previous build
    else:
        # No atomic exchange here: two renames, and ``recover`` repairs a kill between them.
        retired = staging.with_name(staging.name + "-retired")
        os.replace(destination, retired)
        os.replace(staging, destination)
        discard(retired)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing changed)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    here, rename_exchange = -100, 2  # AT_FDCWD: paths relative to the current folder
    if renameat2(here, bytes(first), here, bytes(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(second))


def discard(folder: Path) -> None:
    """Remove a build folder; anything else that stood at the destination (a symbolic
    link, with --force) is removed itself, not what it points to."""
    if folder.is_symlink() or not folder.is_dir():
        folder.unlink(missing_ok=True)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def remove_others(folder: Path, files: set[str]) -> None:
    """Remove what ``folder`` holds besides ``files`` (relative paths) and the marker, and
    the folders left empty; a link is removed as a file, never followed. Plain strings
    and one listing per folder: a build has hundreds of thousands."""
    keep = files | {MARKER}

    def clear(directory: str, prefix: str) -> bool:
        """Remove the others under ``directory``; whether it is left empty."""
        left = 0
        with os.scandir(directory) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if clear(entry.path, name + "/"):
                        os.rmdir(entry.path)
                    else:
                        left += 1
                elif name in keep:
                    left += 1
                else:
                    os.unlink(entry.path)
        return not left

    clear(str(folder), "")


def link_file(old: str, new: str) -> None:
    """Make ``new`` the file ``old`` (a link, so its bytes are not copied)."""
    os.makedirs(os.path.dirname(new), exist_ok=True)
    keep_old(old, new)


def keep_old(old: str | Path, new: str | Path) -> None:
    """Put the previous build's file in place of ``new`` (a link, else a copy)."""
    try:
        link = f"{new}.frostpage-link"
        os.link(old, link)
        os.replace(link, new)
    except OSError:
        shutil.copy2(old, new)
