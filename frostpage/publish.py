"""Publishing a build: pure file system, all or nothing, and only ever over frostpage's own folders.

A build is written into a staging folder beside the output folder, then swapped in with
one atomic exchange (Linux's ``renameat2`` with ``RENAME_EXCHANGE``), so there is no
moment without a complete output folder, even if the process is killed. Every folder
frostpage makes carries a marker file; an output folder without it (a git repository, a
hand-written docs/, a symbolic link to a web server's root) is never replaced or deleted
unless the author says ``--force``. One build at a time runs per project (a lock), and
each build first clears what a killed one left behind.
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
from collections.abc import Callable, Collection, Iterator, Set
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


def new_staging(destination: Path, spare: Path) -> Path:
    """A marked folder beside ``destination`` to build into: the spare build when there is
    one on the same disk (fixing a few of its files costs less than making its thousands
    of folders), else an empty one."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_prefix(destination), dir=destination.parent))
    if (spare / MARKER).is_file() and not spare.is_symlink():
        with contextlib.suppress(OSError):  # on another disk: start empty
            os.rmdir(staging)
            os.replace(spare, staging)
    staging.mkdir(exist_ok=True)
    staging.chmod(0o755)
    mark(staging)
    return staging


def mark(folder: Path) -> None:
    marker = folder / MARKER
    if not marker.is_file() or marker.read_text("utf-8") != MARKER_TEXT:
        marker.unlink(missing_ok=True)  # in a spare build, a link to a published file
        marker.write_text(MARKER_TEXT, "utf-8")


def publish(
    staging: Path, destination: Path, files: list[str], spare: Path, linked: Set[str] = frozenset()
) -> tuple[int, int]:
    """Swap ``staging`` in as ``destination`` in one step; unchanged files keep their inode
    and mtime. The replaced build is set aside as the ``spare`` of the next one. The files
    ``linked`` from ``destination`` (``link_file``) are its own: they are not compared.

    Returns (HTML pages, files written).
    """
    written = 0
    for name in (*files, MARKER):
        if name in linked:
            continue
        # Plain strings: tens of thousands of files, for which Path objects cost seconds.
        new, old = os.path.join(staging, name), os.path.join(destination, name)
        if same_file(old, new):
            continue  # linked from the previous build
        if os.path.isfile(old) and not os.path.islink(old) and filecmp.cmp(old, new, False):
            keep_old(old, new)
        else:
            written += name != MARKER
    if not os.path.lexists(destination):
        os.replace(staging, destination)
    elif exchange(staging, destination):
        set_aside(staging, spare)  # now the previous build
    else:
        # No atomic exchange here: two renames, and ``recover`` repairs a kill between them.
        retired = staging.with_name(staging.name + "-retired")
        os.replace(destination, retired)
        os.replace(staging, destination)
        set_aside(retired, spare)
    return sum(name.endswith(".html") for name in files), written


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


def set_aside(folder: Path, spare: Path) -> None:
    """Keep ``folder`` as the spare build if frostpage made it (its files are mostly links);
    anything else that stood at the destination is removed (a link, not what it points to)."""
    if folder.is_symlink() or not folder.is_dir():
        folder.unlink(missing_ok=True)
        return
    if (folder / MARKER).is_file():
        try:
            spare.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(spare, ignore_errors=True)
            os.replace(folder, spare)
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def remove_others(folder: Path, files: set[str], spared: Collection[str] = ()) -> None:
    """Remove what ``folder`` holds besides ``files`` (relative paths), the marker and the
    folders ``spared`` (whose owner sees to them), and the folders left empty. Plain
    strings, and no listing besides the walk's: a build has hundreds of thousands."""
    keep = files | {MARKER}
    top = str(folder)
    emptied: set[str] = set()
    for directory, folders, names in os.walk(top, topdown=False):
        relative = directory[len(top) + 1 :]
        if any(relative == name or relative.startswith(name + "/") for name in spared):
            continue
        prefix = relative + "/" if relative else ""
        left = len(names)
        for name in names:
            if prefix + name not in keep:
                os.unlink(os.path.join(directory, name))
                left -= 1
        inner = (os.path.join(directory, name) for name in folders)
        if relative and not left and all(path in emptied for path in inner):
            with contextlib.suppress(OSError):  # not empty after all: kept
                os.rmdir(directory)
                emptied.add(directory)


def same_file(old: str | Path, new: str | Path) -> bool:
    try:
        return os.path.samestat(os.stat(old), os.stat(new))
    except OSError:
        return False


def link_file(old: str | Path, new: str | Path) -> None:
    """Make ``new`` the file ``old`` (a link, so its bytes are not copied), unless it is."""
    if not same_file(old, new):
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
