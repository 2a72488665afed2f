"""content/ → pages: Flask-FlatPages finds the files, frostpage's parser reads each one.

Parsed pages are kept on disk (``cache.PageCache``), so a big site's preview starts without
reading every file's front matter again. A file that cannot be read or parsed becomes a
page whose error names it: nothing a file holds stops the others from loading.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

from flask import Flask
from flask_flatpages import FlatPages

from .cache import PageCache
from .config import Settings
from .errors import SiteError
from .page import BODY_ATTRIBUTES, Origin, Page, parse_page, url_for_source
from .parallel import in_workers
from .paths import MARKDOWN_SUFFIXES, escapes, file_version, link_problem


class _Unread(NamedTuple):
    """A file of content/ to read: its name under content/, its path, and its version."""

    source: str
    filename: str
    key: tuple[int, ...]


class ContentFiles(FlatPages):
    """Flask-FlatPages finds and caches the files; frostpage's own parser reads each one.

    FlatPages' parser guesses where front matter ends and can drop a body (its issues #83
    and #92), and it reads a file again only when the whole set is reset; here a file is
    re-read when its size or modification time changes, and not otherwise.
    """

    def __init__(
        self,
        app: Flask,
        settings: Settings,
        cache: PageCache,
        keep_bodies: bool = True,
        on_every_core: bool = False,
    ) -> None:
        self.settings = settings
        self.keep_bodies = keep_bodies  # else each body is read from its file when needed
        self.on_every_core = on_every_core  # a build's: files are read in forked workers
        self.project = Path(app.root_path)
        super().__init__(app)
        # content/ itself a link out of the project: reported, and none of it is read.
        self.elsewhere = escapes(Path(app.config["FLATPAGES_ROOT"]), self.project)
        self.cache = cache
        self._file_cache.update(cache.load())
        # The versions of its plain files taken just before (a build's snapshot), by their
        # names under content/, each used once.
        self.versions: dict[str, tuple[int, ...]] = {}
        self.parsed = 0  # files this app parsed (the others came from the cache)
        self._unsaved = 0  # of which, not yet in the cache
        self._cache_written = False

    def _load_file(
        self, path: str, filename: str, rel_path: str, is_link: bool | None = None
    ) -> Page | None:
        found = self._look(path, filename, rel_path, is_link)
        return self._kept(found, self._read(found)) if isinstance(found, _Unread) else found

    def _look(
        self, path: str, filename: str, rel_path: str, is_link: bool | None = None
    ) -> Page | _Unread | None:
        """The page of a file as the cache has it, or what reading it needs; None for a
        file that is no page (an editor's, a link out of the project, not a plain file)."""
        name = os.path.basename(filename)
        if name.startswith((".", "#", "~")):
            return None  # editors' lock and backup files
        source = path + os.path.splitext(filename)[1]
        if is_link is None:
            is_link = os.path.islink(filename)
        if self.elsewhere or (is_link and link_problem(Path(filename), self.project)):
            return None  # reported with the other links of content/; never read
        try:
            key = self.versions.pop(f"{rel_path}/{name}" if rel_path else name, None)
            if key is None:
                stat = os.stat(filename)
                if not S_ISREG(stat.st_mode):
                    return None  # reported with the other files of content/; never read
                key = file_version(stat)
        except OSError as error:
            return _broken_page(source, None, f"cannot be read: {error.strerror}")
        cached = self._file_cache.get(filename)
        if cached and cached[1] == key:
            return cached[0]
        return _Unread(source, filename, key)

    def _read(self, unread: _Unread) -> tuple[Page, bool]:
        """A file read and parsed, and whether it was (a page naming why not is not kept in
        the cache); changes nothing here, so that workers can do it."""
        source, filename, key = unread
        try:
            data = Path(filename).read_bytes()
        except OSError as error:
            return _broken_page(source, None, f"cannot be read: {error.strerror}"), False
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            hint = "save the file with the UTF-8 encoding"
            return _broken_page(source, line, "is not UTF-8 text", hint), False
        try:
            page = parse_page(text, source, self.settings)
        except Exception as error:  # a case no check foresaw: still the file's own error
            message = f"cannot be read: {type(error).__name__}: {error}"
            return _broken_page(source, None, message), False
        cached = self._file_cache.get(filename)
        page = _with_new_body(cached[0] if cached else None, page)
        body = page.body
        # Where its body can be read again: the end of the file's text, as it always is.
        page.origin = Origin(filename, key, len(text) - len(body)) if text.endswith(body) else None
        if not self.keep_bodies:
            page.forget_body()
        page.metadata_digest  # noqa: B018 (computed now, to be kept in the page cache)
        return page, True

    def _kept(self, unread: _Unread, read: tuple[Page, bool]) -> Page:
        """A file's page as ``_read`` gave it, kept in the cache when it was parsed."""
        page, parsed = read
        if parsed:
            self._file_cache[unread.filename] = (page, unread.key)
            self.parsed += 1
            self._unsaved += 1
        return page

    @cached_property
    def _pages(self) -> dict[str, Page | None]:
        """Every Markdown file of content/, by its path without suffix, as FlatPages walks
        them; but two files of one page (a.md and a.markdown) are an error naming both,
        where FlatPages raises ValueError."""
        pages: dict[str, Page | _Unread | None] = {}

        def walk(folder: str, prefix: str) -> None:
            """As os.walk goes (a folder's files, then its folders, by name; a link to a
            folder is not followed, one that cannot be read is passed over), knowing each
            file's links from the walk itself."""
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError:
                return
            folders = []
            for entry in entries:
                try:
                    is_folder = entry.is_dir()
                except OSError:
                    is_folder = False
                if is_folder:
                    if not entry.is_symlink():
                        folders.append(entry)
                    continue
                stem, suffix = os.path.splitext(entry.name)
                if suffix not in MARKDOWN_SUFFIXES:
                    continue
                key = prefix + stem
                if key in pages:
                    first = pages[key]
                    other = first.source if first else f"{key}.md"
                    pages[key] = _broken_page(
                        prefix + entry.name, None, f"content/{other} is the same page", "keep one"
                    )
                    continue
                pages[key] = self._look(key, entry.path, prefix.rstrip("/"), entry.is_symlink())
            for entry in folders:
                walk(entry.path, f"{prefix}{entry.name}/")

        walk(self.root, "")
        unread = {key: found for key, found in pages.items() if isinstance(found, _Unread)}
        # Files the cache has never seen are read on every core, in a build; one the cache
        # has an older page of, here: the page the model holds may be kept (_with_new_body).
        new = [key for key, found in unread.items() if found.filename not in self._file_cache]
        read: dict[str, tuple[Page, bool]] = {}
        if self.on_every_core:
            for part in in_workers(lambda keys: [(k, self._read(unread[k])) for k in keys], new):
                read.update(part)
        return {
            key: self._kept(found, read.get(key) or self._read(found))
            if isinstance(found, _Unread)
            else found
            for key, found in pages.items()
        }

    def update(self, paths: Iterable[Path]) -> bool:
        """Read again only these changed files of content/ (the watcher names them).

        False when that is not enough (a folder moved): then everything is walked again.
        """
        pages = self._pages
        root = Path(self.root).resolve()
        for path in paths:
            if path.is_dir() or (not path.exists() and not path.suffix):
                return False
            if path.suffix not in MARKDOWN_SUFFIXES:
                continue  # other files are looked for by the site's model
            try:
                relative = path.resolve().relative_to(root)
            except ValueError:
                return False
            key = relative.with_suffix("").as_posix()
            if path.is_file():
                folder = relative.parent.as_posix()
                pages[key] = self._load_file(key, str(path), "" if folder == "." else folder)
            else:
                pages.pop(key, None)
        return True

    def write_cache(self, in_background: bool) -> None:
        """Store the parsed pages: after a build that parsed more than one in twenty (fewer
        are parsed again next time, at less cost than writing every page), or once in the
        preview (in the background; a later edit costs one file's parse at the next start)."""
        if in_background and self._cache_written:
            return
        if not self._unsaved or (not in_background and self._unsaved * 20 < len(self._pages)):
            return
        current = {os.path.join(self.root, *page.source.split("/")) for page in self.all()}
        entries = {name: entry for name, entry in self._file_cache.items() if name in current}
        self._unsaved, self._cache_written = 0, True
        if in_background:
            threading.Thread(target=self.cache.save, args=(entries,), daemon=True).start()
        else:
            self.cache.save(entries)

    def all(self) -> list[Page]:
        return [page for page in self._pages.values() if page is not None]


def _with_new_body(old: Page | None, new: Page) -> Page:
    """The page as read again: when only its body changed (the usual save), the page the
    site model holds, with the new body and no rendering, so the model need not be made
    again; else the new page."""
    if old is None or _without_body(old) != _without_body(new):
        return new
    old.body, old.rendered = new.body, None
    return old


def _without_body(page: Page) -> dict[str, object]:
    return {name: value for name, value in vars(page).items() if name not in BODY_ATTRIBUTES}


def _broken_page(source: str, line: int | None, message: str, hint: str | None = None) -> Page:
    title = source.rsplit("/", 1)[-1]
    error = SiteError(f"content/{source}", line, message, hint)
    return Page(source, url_for_source(source), title, "", 1, {}, errors=[error])
