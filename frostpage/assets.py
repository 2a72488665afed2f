"""Fingerprinted files: ``css/site.css`` → ``css/site.3f2a91c4e0.css`` in the build.

A fingerprinted name changes whenever the file's bytes change, so hosts may cache it
forever. Files of static/ keep their plain name too, for anything that links to them
directly; images beside pages (``content/posts/img/a.png``) are published under their
fingerprinted name only, as the pages that show them link them.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from werkzeug.security import safe_join

from .paths import escapes, file_version

FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{10})(?P<suffix>\.[^./]+)$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
_digests: dict[Path, tuple[tuple[int, ...], str]] = {}  # content images', by path


def fingerprinted_name(filename: str, digest: str) -> str:
    """``css/site.css`` and a digest → ``css/site.<digest>.css``."""
    folder, _, name = filename.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    new_name = f"{stem}.{digest}.{suffix}" if dot and stem else f"{name}.{digest}"
    return f"{folder}/{new_name}" if folder else new_name


def file_digest(path: Path) -> str:
    """The first ten hex digits of the file's SHA-256, read once per version of the file."""
    version = file_version(path.stat())
    cached = _digests.get(path)
    if cached and cached[0] == version:
        return cached[1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    _digests[path] = (version, digest)
    return digest


def published_names(content: Path, files: list[str], fingerprint: bool) -> dict[str, str]:
    """The name each file of content/ is published under: an image's fingerprinted one in
    a build (``fingerprint``), else its own."""
    return {
        name: fingerprinted_name(name, file_digest(content / name))
        if fingerprint and name.lower().endswith(IMAGE_SUFFIXES)
        else name
        for name in files
    }


class Assets:
    """The files of static/ (the site's, over its themes'), with their digests computed
    once per version of each file."""

    def __init__(self, folders: list[Path], unchanging: bool = False) -> None:
        # The site's folder first, then its themes': each holds a static/ (a file whose
        # links lead out of the folder that holds it is not served).
        self.folders = folders
        # In a build, whose inputs do not change while it runs, each name's digest is found
        # once (every page asks for the same stylesheets and scripts); the preview looks.
        self._digests: dict[str, str | None] | None = {} if unchanging else None

    def path(self, filename: str) -> Path | None:
        """The file for ``filename`` in the first static/ that has it, or None (never a
        path outside them)."""
        if any(part.startswith(".") for part in filename.split("/")):
            return None
        for folder in self.folders:
            joined = safe_join(str(folder / "static"), filename)
            if joined and os.path.isfile(joined) and not escapes(Path(joined), folder):
                return Path(joined)
        return None

    def files(self) -> list[str]:
        """Every file name of the static/ folders, each once (the first folder's wins)."""
        names: set[str] = set()
        for folder in self.folders:
            static = folder / "static"
            for directory, folders, files in os.walk(static):
                folders[:] = [name for name in folders if not name.startswith(".")]
                relative = Path(directory).relative_to(static)
                names.update(
                    (relative / name).as_posix() for name in files if not name.startswith(".")
                )
        return sorted(name for name in names if self.path(name))

    def digest(self, filename: str) -> str | None:
        if self._digests is not None and filename in self._digests:
            return self._digests[filename]
        path = self.path(filename)
        digest = file_digest(path) if path is not None else None
        if self._digests is not None:
            self._digests[filename] = digest
        return digest

    def fingerprinted(self, filename: str) -> str | None:
        """``css/site.css`` → ``css/site.<digest>.css``; None if there is no such file."""
        digest = self.digest(filename)
        return fingerprinted_name(filename, digest) if digest is not None else None

    def original(self, requested: str) -> str | None:
        """The plain name behind a fingerprinted one, if the digest is the file's current one."""
        match = FINGERPRINTED.match(requested)
        if not match:
            return None
        original = match.group("stem") + match.group("suffix")
        return original if self.digest(original) == match.group("digest") else None
