"""Where frostpage may write and read: confined by construction.

Every file a build writes is named by one function, ``output_file``, which maps a site URL
to a path under the output folder and refuses any URL that would land anywhere else; the
site model checks every URL it makes with ``url_problem`` first, so the author gets the
file and line. Source files are read only when they lie inside the project (``escapes``):
a symbolic link in content/, static/ or templates/ that leads out of it is refused.
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SiteError

# The author's folders, and frostpage's own cache beside them.
SOURCE_FOLDERS = ("content", "templates", "static", "site", "themes")
CACHE_FOLDER = ".frostpage-cache"
# What Jekyll, Hugo, Zola, Pelican and MkDocs read as Markdown: the pages of content/.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
# Characters no URL path of the site may hold: control characters (a newline would split a
# line of _redirects), and the backslash, a folder separator to some hosts...
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
# ...and those a URL reads as the start of a fragment, a query or an escape: a file named
# with them would be asked for by another name.
URL_MARKS = re.compile(r"[#?%]")
# The longest file name most file systems take (ext4, APFS, NTFS): each part of a URL is one.
LONGEST_NAME = 255
DOT_PART = re.compile(r"/\.{0,2}/")  # an empty, '.' or '..' part, between slashes


def url_problem(path: str) -> str | None:
    """Why the site path ``path`` ('/docs/intro/', decoded) cannot be a file of the build,
    or None when it can."""
    if not path.startswith("/"):
        return "must be a path on this site starting with '/', such as /old/post/"
    if FORBIDDEN.search(path):
        return "holds a control character or a backslash"
    if URL_MARKS.search(path):
        return "holds '#', '?' or '%', which a URL reads as a fragment, a query or an escape"
    inner = path[1:].removesuffix("/")
    if path != "/" and DOT_PART.search(f"/{inner}/"):
        return "has an empty, '.' or '..' part"
    # A part longer than the name a file may have has 64 characters at least (a character
    # is at most 4 bytes): a shorter path is not looked at part by part.
    if len(path) > LONGEST_NAME // 4 and any(
        len(part.encode()) > LONGEST_NAME for part in inner.split("/")
    ):
        return f"has a part longer than a file name may be ({LONGEST_NAME} bytes)"
    return None


def output_file(path: str) -> str:
    """The file of the build that holds the site path ``path``, relative to the output
    folder: '/' → 'index.html', '/a/' → 'a/index.html', '/feed.xml' → 'feed.xml'.

    Raises ValueError for a path that would not lie under the output folder.
    """
    problem = url_problem(path)
    if problem:
        raise ValueError(f"the URL {path!r} {problem}")
    relative = path[1:] + "index.html" if path.endswith("/") else path[1:]
    # Proof, whatever url_problem lets through: normalising changes nothing and stays inside.
    if posixpath.normpath(relative) != relative or relative.startswith(("/", "../")):
        raise ValueError(f"the URL {path!r} would be written outside the output folder")
    return unicodedata.normalize("NFC", relative)


def folder_conflicts(files: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs (file, other) where ``other`` must be a folder holding a file of the build, but
    ``file`` claims its name: ``notes`` (content/notes) beside ``notes/index.html``."""
    folders: dict[str, str] = {}
    for name in sorted(files):
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), name)
    return [(name, folders[name]) for name in sorted(files) if name in folders]


def escapes(path: Path, root: Path) -> bool:
    """Whether ``path``, once its symbolic links are followed, lies outside ``root`` (the
    project folder, resolved). A dangling or looping link does not escape: it fails later,
    where it is read, with its own message."""
    try:
        return _outside(path.resolve(strict=True), root)
    except (OSError, RuntimeError):
        return False


def _outside(resolved: Path, root: Path) -> bool:
    return resolved != root and root not in resolved.parents


def _link_target(path: Path) -> str:
    """Where a symbolic link points, for messages."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def file_version(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What tells a file from the one read before, without reading it: its inode, size,
    and modification and change times. No tool can set a change time back, so an edit that
    keeps the size and restores the modification time (``cp -p``, ``touch -r``) is seen."""
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


@dataclass
class SourceFiles:
    """The files of one source folder, and what is wrong with its symbolic links."""

    files: list[str] = field(default_factory=list)  # relative paths, sorted, hidden left out
    errors: list[SiteError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def source_files(
    root: Path, folder: str, *, skip_suffix: tuple[str, ...] | None = None
) -> SourceFiles:
    """Walk ``root/folder`` as a build reads it: a link that leaves the project, leads nowhere
    or loops is an error; a link to a folder inside it is not followed (a warning); a folder
    that cannot be read is an error, never silently skipped. Files ending in ``skip_suffix``
    are not listed (content/'s pages are read elsewhere), though their links are checked."""
    found = SourceFiles()
    top = root / folder
    if top.is_symlink() and (problem := link_problem(top, root)):
        found.errors.append(SiteError(f"{folder}/", None, *problem))
        return found  # the folder itself leads out of the project: nothing in it is read
    if not top.is_dir():
        return found

    def walk(directory: Path, relative: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            where = f"{folder}/{relative}".rstrip("/") + "/"
            found.errors.append(SiteError(where, None, f"cannot be read: {error.strerror}"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = f"{relative}{entry.name}"
            where = f"{folder}/{name}"
            if entry.is_symlink():
                problem = link_problem(Path(entry.path), root)
                if problem:
                    found.errors.append(SiteError(where, None, *problem))
                    continue
                if entry.is_dir():
                    found.warnings.append(f"{where}: a link to a folder is not followed; copy it")
                    continue
            if entry.is_dir(follow_symlinks=False):
                walk(Path(entry.path), name + "/")
            elif not entry.is_file():  # a pipe, a socket, a device: reading it may never end
                found.errors.append(SiteError(where, None, "is not a regular file", "remove it"))
            elif skip_suffix and name.endswith(skip_suffix):
                continue  # read, and reported if it cannot be, where it is parsed
            elif not os.access(entry.path, os.R_OK):
                found.errors.append(SiteError(where, None, "cannot be read: Permission denied"))
            elif folder == "static" and (wrong := url_problem(url := f"/static/{name}")):
                found.errors.append(SiteError(where, None, f"its URL {url!r} {wrong}", "rename it"))
            else:
                found.files.append(name)

    walk(top, "")
    return found


def link_problem(link: Path, root: Path) -> tuple[str, str] | None:
    """What is wrong with a symbolic link under the project, and what to do, or None."""
    target = _link_target(link)
    try:
        resolved = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"is a symbolic link that leads nowhere or in a loop (to {target})", "remove it"
    if _outside(resolved, root):
        return (
            f"is a symbolic link to {target}, outside the project: nothing there is published",
            "copy what you need into the project, and remove the link",
        )
    folder = link.parent.resolve()
    if link.is_dir() and (resolved == folder or resolved in folder.parents):
        return "is a symbolic link loop: it points to a folder that contains it", "remove it"
    return None
