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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR

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
    and delete the staging folders of builds that never finished (and a file ``_clock``
    made). Call under the lock."""
    leftovers = sorted(destination.parent.glob(_prefix(destination) + "*"))
    for folder in leftovers:
        if folder.name.startswith(f"{_prefix(destination)}clock-"):
            if folder.is_file() and not folder.is_symlink():
                folder.unlink(missing_ok=True)  # see _clock
            continue
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


def publish(
    output: Output, files: list[str], before: Listing | None = None
) -> tuple[int, int, Folders]:
    """Put the build of ``output`` (its ``files``) in place of its destination, and remove
    the staging folder; a file whose bytes did not change keeps its inode and mtime.
    ``before``: what the destination held when the last build was published there.

    Returns (HTML pages, files written, the folders of the destination now (``Listing``)).
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
        folders = _patch(output, files, changed, before)
    else:
        _swap(output.staging, output.destination)
        folders = list_folders(output.destination, _folders_of(files), {})
    return sum(name.endswith(".html") for name in files), len(changed), folders


def _patch(output: Output, files: list[str], changed: list[str], before: Listing | None) -> Folders:
    """Remove what the destination holds besides ``files``, then move the ``changed`` files
    in from staging (a file or link standing where a folder must be is gone by then);
    return the folders of the destination."""
    writing = _folders_of(changed)
    there, looked = remove_others(output.destination, set(files), before, writing)
    mark(output.destination)
    for name in changed:
        target = os.path.join(output.destination, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(os.path.join(output.staging, name), target)
    discard(output.staging)
    if before is None:
        return list_folders(output.destination, _folders_of(files), {})
    again = looked | writing | {name for name, time in there.items() if time is None}
    return list_folders(output.destination, again, there)


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


# Each folder of an output folder ('' for itself) → its change time (ns), or None (``Listing``).
Folders = dict[str, int | None]


@dataclass
class Listing:
    """What an output folder held when a build was published there: its files, and the
    change time of each of its folders. Adding, removing or renaming anything in a folder
    moves its change time, which no one can set back; so a rebuild lists again only the
    folders whose time moved, not the hundred thousand folders of a big site. A folder
    changed within the tick of the file system's clock in which it was listed could change
    again unseen: its time is None, and it is listed again every time."""

    files: set[str]
    folders: Folders
    # Its folders found not as listed (``folder_changes``) by a look taken while the build
    # ran, on another core; None: each folder is looked at when the build is published.
    changes: dict[str, bool] | None = None


def folder_changes(
    folder: Path, known: Folders, names: Iterable[str] | None = None
) -> dict[str, bool]:
    """The folders ``known`` (of ``names`` only, when given) not as they were listed, a
    lstat each, parents first: False for one gone or no longer a folder (then what it held
    is not looked at), True for one whose change time moved."""
    top = str(folder)
    changes: dict[str, bool] = {}
    for name in sorted(known if names is None else set(names) & known.keys()):
        if name and changes.get(name.rpartition("/")[0]) is False:
            changes[name] = False
            continue
        try:
            stat = os.lstat(_inside(top, name))
        except FileNotFoundError:
            changes[name] = False
            continue
        if not S_ISDIR(stat.st_mode):
            changes[name] = False
        elif stat.st_ctime_ns != known[name]:
            changes[name] = True
    return changes


def remove_others(
    folder: Path, files: set[str], before: Listing | None = None, writing: Iterable[str] = ()
) -> tuple[Folders, set[str]]:
    """Remove what ``folder`` holds besides ``files`` (relative paths) and the marker, and
    the folders left empty; a link is removed as a file, never followed. Plain strings
    and one listing per folder: a build has hundreds of thousands. With the ``before``
    listing, a folder whose change time is as it was holds what it held: the files of the
    last build that this one lacks are removed from it without listing it. Where it was
    looked at beforehand, the folders acted in here (those it changed in, those files
    are removed from, and the folders ``writing`` will be written into) are looked at
    again, with the folders above them: no path through a link made since is followed.

    Returns the folders of ``before`` still there (with their times as listed), and those
    listed or changed here, whose times have moved."""
    keep = files | {MARKER}
    top = str(folder)
    known = before.folders if before else {}
    looked: set[str] = {""}  # the marker may be written again

    def clear(name: str) -> bool:
        """Remove the others under folder ``name`` (but in the folders ``known``, looked at
        on their own); whether it is left empty."""
        looked.add(name)
        prefix = f"{name}/" if name else ""
        left = 0
        with os.scandir(_inside(top, name)) as entries:
            for entry in entries:
                inner = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if inner not in known and clear(inner):
                        os.rmdir(entry.path)
                    else:
                        left += 1
                elif inner in keep:
                    left += 1
                else:
                    os.unlink(entry.path)
        return not left

    if before is None:
        clear("")
        return {}, looked
    lacking = before.files - keep
    if before.changes is None:
        changes = folder_changes(folder, known)
    else:
        acted = {*before.changes, *writing}
        again = acted | _folders_of(acted) | _folders_of(lacking)
        changes = {name: state for name, state in before.changes.items() if name not in again}
        changes.update(folder_changes(folder, known, again))
    there: Folders = {}  # the folders known that are still folders, each under another
    for name in sorted(known):  # a folder before those in it
        if name and name.rpartition("/")[0] not in there:
            continue  # its folder is gone, or a file or link now: removed with it
        state = changes.get(name)
        if state is False:
            continue  # listed with the folder holding it, which changed
        there[name] = known[name]
        if state:
            clear(name)
    emptied = set()
    for name in lacking:
        holder = name.rpartition("/")[0]
        if holder in there and holder not in looked:  # as the last build left it
            with contextlib.suppress(FileNotFoundError):
                os.unlink(_inside(top, name))
            emptied.add(holder)
    looked |= emptied
    for name in sorted(looked, reverse=True):  # the folders left empty, deepest first
        while name:
            try:
                os.rmdir(_inside(top, name))
            except OSError:
                break
            there.pop(name, None)
            name = name.rpartition("/")[0]
    return there, looked


def list_folders(folder: Path, names: Iterable[str], known: Folders) -> Folders:
    """``known`` with the change times of the folders ``names`` taken again (those that are
    no longer folders left out): a time from this tick of the file system's clock, which
    a change after the listing could leave as it is, is None."""
    now = _clock(folder)
    top = str(folder)
    folders = dict(known)
    for name in names:
        try:
            stat = os.lstat(_inside(top, name))
        except FileNotFoundError:
            stat = None
        if stat is None or not S_ISDIR(stat.st_mode):
            folders.pop(name, None)
        else:
            folders[name] = stat.st_ctime_ns if stat.st_ctime_ns < now else None
    return folders


def _inside(top: str, name: str) -> str:
    """The path of ``name`` (relative, '' for ``top`` itself) under the folder ``top``:
    joined by hand, as a rebuild does it for each of a hundred thousand folders."""
    return f"{top}/{name}" if name else top


def _clock(folder: Path) -> int:
    """The file system's time now, as it stamps changes in ``folder``: that of a file made
    and removed beside it (a file system of the network keeps its own time)."""
    handle, name = tempfile.mkstemp(prefix=f"{_prefix(folder)}clock-", dir=folder.parent)
    try:
        return os.fstat(handle).st_ctime_ns
    finally:
        os.close(handle)
        os.unlink(name)


def _folders_of(files: Iterable[str]) -> set[str]:
    """The folders holding ``files``, and those holding them, up to ''."""
    found = {""}
    for name in files:
        holder = name.rpartition("/")[0]
        while holder not in found:
            found.add(holder)
            holder = holder.rpartition("/")[0]
    return found


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
