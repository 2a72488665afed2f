"""Whether a build would change nothing, known without loading the site.

After a build, a digest of the names and stats of every file it may read (content/,
templates/, static/, site/, themes/, .env, and the theme folders elsewhere) and of every
file of the output folder is kept beside the build record, with what else the output
depends on: frostpage's code and libraries, the build's options, the environment variables
the settings read, the state of the git repository (the sitemap's dates), and when the next
scheduled page is due. A build that finds all of them as they were has nothing to write: it
keeps the output folder and tells the last build's warnings again, without reading a page.

Inputs are compared by inode, size, modification time and change time: a change time cannot
be set back, so an edit that keeps a file's size and modification time is still seen. A
site with routes of its own in site/hooks.py, which may read anything, is always built.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from .config import environment_settings
from .incremental import Stat, engine_stamp, load_stamped, save_stamped
from .paths import file_version

# What a build reads of the project (content/ first), and of each theme besides it.
PROJECT_INPUTS = ("content", "templates", "static", "site", "themes", ".env")
THEME_INPUTS = ("templates", "static", "i18n")


@dataclass
class Snapshot:
    """A successful build: what it depended on, what it wrote, and what it said."""

    key: str  # code, options, environment and repository state (``key``)
    folders: list[str]  # what was looked at (``input_folders``)
    inputs: list[str]  # a digest of each folder's files and their stats (``folder_digest``)
    outputs: str  # the same of the output folder
    due: float | None  # when the first scheduled page is due (a Unix time), if any
    pages: int
    files: int
    warnings: list[str]


def snapshot_path(record: Path) -> Path:
    return record.with_suffix(".snapshot")


def key(root: Path, destination: Path, include_future: bool | None, relative: bool) -> str:
    """Everything besides the files that a build's output depends on."""
    parts = [
        engine_stamp(),
        str(destination),
        repr((include_future, relative)),
        repr(sorted(environment_settings(os.environ).items())),
        repr(_repository_state(root)),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def input_folders(root: Path, themes: Iterable[Path]) -> list[str]:
    """The project's folders (and files) a build reads, and those of its themes outside it."""
    folders = [os.path.join(root, name) for name in PROJECT_INPUTS]
    for theme in themes:
        if theme.resolve() != root and root not in theme.resolve().parents:
            folders += [os.path.join(theme, name) for name in THEME_INPUTS]
    return folders


def folder_digest(top: str, versions: dict[str, tuple[int, ...]] | None = None) -> str:
    """A digest of the name and ``paths.file_version`` of every file under ``top`` (or of
    ``top`` itself, a file), in order: kept instead of a hundred thousand stats, which would
    take longer to load than to take again. Links to folders are not followed, as a build
    does not follow them; what cannot be read is left out, and so differs from a build,
    which could read everything. Each plain file's version is put in ``versions`` (by its
    name under ``top``), when given: the build reads content/ with them rather than taking
    them again."""
    digest = hashlib.blake2b(digest_size=20)
    for name, stat in _walk(top):
        version = file_version(stat)
        digest.update(f"{name}\0{version}\n".encode("utf-8", "surrogateescape"))
        if versions is not None and S_ISREG(stat.st_mode):
            versions[name] = version
    return digest.hexdigest()


def output_digest(files: Iterable[tuple[str, Stat | None]]) -> str:
    """A digest of the output folder: each file's name and stat (inode, size, modification
    time), by name. Its change time is left out: it moves when the next build links the
    file into its staging folder. A build computes it from the stats it knows of the files
    it published; the check walks the folder (``walked_output_digest``). The list is hashed
    as one marshal, in a fraction of the time a line each took: version 2, which writes no
    back-references, so that equal lists give equal bytes whatever objects they share."""
    return hashlib.blake2b(marshal.dumps(sorted(files), 2), digest_size=20).hexdigest()


def walked_output_digest(top: str) -> str:
    return output_digest((name, file_version(stat)[:3]) for name, stat in _walk(top))


def unchanged(
    path: Path, key: str, destination: Path, folders: list[str], digests: list[str]
) -> Snapshot | None:
    """The last build's snapshot if nothing it depended on or wrote has changed, else None
    (``digests``: those of ``folders``, already taken)."""
    snapshot = load_stamped(path)
    if not isinstance(snapshot, Snapshot) or snapshot.key != key:
        return None
    if snapshot.due is not None and time.time() >= snapshot.due:
        return None
    known = dict(zip(folders, digests, strict=True))
    now = [known.get(folder) or folder_digest(folder) for folder in snapshot.folders]
    if now != snapshot.inputs:
        return None
    if walked_output_digest(str(destination)) != snapshot.outputs:
        return None
    return snapshot


def save(path: Path, snapshot: Snapshot) -> None:
    save_stamped(path, snapshot)


def _walk(top: str) -> Iterator[tuple[str, os.stat_result]]:
    """Every file under ``top`` (or ``top`` itself when it is a file) with its stat, in
    the order of their names."""
    try:
        if not os.path.isdir(top):
            yield "", os.stat(top)
            return
    except OSError:
        return
    waiting = [""]
    while waiting:
        relative = waiting.pop()
        try:
            entries = sorted(os.scandir(os.path.join(top, relative)), key=_name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            name = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(name)
                else:
                    yield name, entry.stat()
            except OSError:
                continue  # a broken link: left out
        waiting += reversed(folders)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _repository_state(root: Path) -> tuple[object, ...]:
    """What a commit, a checkout or a change of the index touches in the git repository
    that holds ``root`` (the sitemap dates pages by their last commit), or () outside one."""
    for folder in (root, *root.parents):
        dot = folder / ".git"
        if dot.is_dir():
            git = dot
            break
        if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot.read_text("utf-8", "replace").strip()
            git = (folder / text.removeprefix("gitdir:").strip()).resolve()
            break
    else:
        return ()
    common = git
    if (git / "commondir").is_file():
        common = (git / (git / "commondir").read_text("utf-8", "replace").strip()).resolve()
    head = _read(git / "HEAD")
    files = [git / "HEAD", git / "index", common / "packed-refs"]
    if head.startswith("ref:"):
        files.append(common / head.removeprefix("ref:").strip())
    stats: list[tuple[int, ...] | None] = []
    for file in files:
        try:
            stats.append(file_version(os.stat(file)))
        except OSError:
            stats.append(None)
    return head, tuple(stats)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", "replace")
    except OSError:
        return ""
