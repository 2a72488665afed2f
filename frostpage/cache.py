"""Persistent caches: a rebuild never renders an unchanged page's Markdown again, nor counts
its words for the search index again (``WordsCache``), and the preview of a big site starts
without parsing every file again (``PageCache``).

Renderings live in one SQLite file under ``.frostpage-cache/``, keyed by the digest of the
page's body, its source path, the Markdown settings, and the code that renders
(frostpage's version and renderer, Python-Markdown's and Pygments' versions). An entry is
used only if every ``.md`` link it resolved still resolves to the same URL. A cache that
cannot be read, or was written by another version, is thrown away and rebuilt, never
trusted.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import pickle
import sqlite3
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from . import frontmatter, images, languages, markup, page, search, snippets
from .config import Settings
from .errors import SiteError
from .markup import Rendered, Renderer, Resolver, Suggester
from .page import Page
from .version import VERSION

SCHEMA = 6


# The libraries whose code shapes the HTML of a page's Markdown.
RENDERING_LIBRARIES = ("markdown", "pygments", "pymdown-extensions", "latex2mathml", "pillow")


def renderer_fingerprint() -> str:
    """Changes whenever the HTML of an unchanged page could: an edit of frostpage's code or
    built-in shortcodes (even without a new version number), or an upgrade of a library
    that renders."""
    digest = hashlib.sha256(VERSION.encode())
    for library in RENDERING_LIBRARIES:
        digest.update(f"{library} {importlib.metadata.version(library)}\n".encode())
    package = Path(markup.__file__).parent
    for path in sorted([*package.glob("*.py"), *(package / "shortcodes").iterdir()]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class CachedRenderer:
    """A Renderer that first looks in the cache, and stores what it renders."""

    def __init__(self, renderer: Renderer, folder: Path) -> None:
        self.renderer = renderer
        self.settings = renderer.settings
        self.base_path = renderer.base_path
        self.path = folder / "render.sqlite"
        self._lock = threading.Lock()
        self._salt = json.dumps(
            [
                renderer_fingerprint(),
                SCHEMA,
                asdict(renderer.settings),
                asdict(renderer.images),
                images.writable_formats(renderer.images.formats),
                renderer.base_path,
            ],
            sort_keys=True,
        )
        self._database: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0

    def forked(self) -> None:
        """In a forked worker: a connection must not be shared across processes."""
        self._database = None
        self._lock = threading.Lock()

    def render(
        self,
        body: str,
        source: str,
        body_line: int,
        resolve: Resolver,
        suggest: Suggester | None = None,
    ) -> Rendered:
        """Render ``body`` and keep the rendering; the site model asks ``cached`` first."""
        self.misses += 1
        rendered = self.renderer.render(body, source, body_line, resolve, suggest)
        if rendered.clean:
            self.store([(self.key(markup.text_digest(body), source, body_line), rendered)])
        return rendered

    def cached(
        self, digest: str, source: str, body_line: int, resolve: Resolver
    ) -> Rendered | None:
        """The stored rendering of the body whose ``text_digest`` is ``digest``, if there is
        one, its links still lead where they did and the files it included are as they were."""
        cached = self._get(self.key(digest, source, body_line))
        if (
            cached is not None
            and all(resolve(target) == url for target, url in cached.links.items())
            and snippets.unchanged(self.renderer.root, cached.reads)
            and images.unchanged(self.renderer.root / "content", cached.images)
        ):
            self.hits += 1
            return cached
        return None

    def key(self, digest: str, source: str, body_line: int) -> str:
        text = f"{self._salt}\0{source}\0{body_line}\0{digest}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def store(self, renderings: list[tuple[str, Rendered]]) -> set[str]:
        """Keep these renderings, in one transaction (a commit waits on the disk), from
        whichever process rendered them; return the keys kept (none when the cache could
        not take them: a text that is not valid Unicode is rendered again next time)."""
        kept: set[str] = set()
        with self._lock:
            database = self._open()
            if database is None:
                return kept
            try:
                for key, rendered in renderings:
                    try:
                        database.execute(
                            "INSERT OR REPLACE INTO pages VALUES (?, ?)", (key, _stored(rendered))
                        )
                        kept.add(key)
                    except orjson.JSONEncodeError:
                        pass  # text that is not valid Unicode (a lone surrogate)
                database.commit()
            except sqlite3.Error:
                self._discard()
                return set()
        return kept

    def _get(self, key: str) -> Rendered | None:
        with self._lock:
            database = self._open()
            if database is None:
                return None
            try:
                row = database.execute("SELECT value FROM pages WHERE key = ?", (key,)).fetchone()
                if row is None:
                    return None
                value = orjson.loads(row[0])  # a URL's page, for each URL written
                return Rendered(
                    html=value["html"],
                    toc_html=value["toc_html"],
                    toc=value["toc"],
                    summary_html=value["summary_html"],
                    text=value["text"],
                    words=value["words"],
                    errors=[],
                    links=value["links"],
                    reads=value["reads"],
                    images=value["images"],
                    warnings=[SiteError(*warning) for warning in value["warnings"]],
                )
            except (sqlite3.Error, ValueError, KeyError, TypeError):
                self._discard()
                return None

    def _open(self) -> sqlite3.Connection | None:
        """The database, created when missing; a broken or foreign one is replaced."""
        if self._database is not None:
            return self._database
        for _ in range(2):
            try:
                self._database = _salted(self.path, RENDERINGS_TABLE, self._salt)
                return self._database
            except (sqlite3.Error, OSError):
                self._discard()
        return None

    def _discard(self) -> None:
        """Forget the cache file entirely: the next render starts a fresh one."""
        _remove(self.path, self._database)
        self._database = None


class PageCache:
    """Parsed pages on disk, so that the preview of a big site starts without reading the
    front matter of every file again.

    One pickle file, stamped with the code that parses (frostpage's version, the front
    matter and page modules) and the site's settings; an entry is used only while its
    file has the same ``paths.file_version`` (inode, size, modification and change times).
    A file that cannot be read or was written by other code is ignored and replaced, never
    trusted.
    """

    def __init__(self, folder: Path, settings: Settings) -> None:
        self.path = folder / "pages.pickle"
        code = b"".join(
            Path(module.__file__ or "").read_bytes() for module in (frontmatter, languages, page)
        )
        self.stamp = hashlib.sha256(f"{VERSION} {SCHEMA} {settings!r}".encode() + code).hexdigest()

    def load(self) -> dict[str, tuple[Page, tuple[int, ...]]]:
        """filename → (page, its file's ``file_version``), or nothing when the file is not ours."""
        try:
            with self.path.open("rb") as file:
                stamp, entries = pickle.load(file)
        except Exception:  # a missing, truncated or foreign file: start afresh
            return {}
        return entries if stamp == self.stamp and isinstance(entries, dict) else {}

    def save(self, entries: dict[str, tuple[Page, tuple[int, ...]]]) -> None:
        """Write the pages that parsed without error (a broken one is cheap to read again)."""
        kept = {name: entry for name, entry in entries.items() if not entry[0].errors}
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as file:
                pickle.dump((self.stamp, kept), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, self.path)
        except OSError:
            partial.unlink(missing_ok=True)  # a cache that cannot be written is only slower


class WordsCache:
    """Each page's words for the search index (``search.Words``), kept between builds, so
    that a rebuild neither reads an unchanged page's rendering again nor counts its words,
    and no build holds every page's text at once.

    One SQLite file: a row per page, with the key its words were made under (the build's
    inputs and the page's content key), the digest of its text, and its words. A file
    written by other code, or that cannot be read, is emptied and filled again.

    A page's words replaced by those of its new text are kept in ``replaced`` (by the
    digest of its former text), to patch the search index: up to ``search.PATCHED_PAGES``
    pages, beyond which the index is made anew.
    """

    def __init__(self, path: Path, stamp: str) -> None:
        self.path = path
        self.stamp = stamp
        self._database: sqlite3.Connection | None = None
        self._gone = False  # a file that could not be read: no words are kept this build
        self.replaced: dict[str, search.Words] = {}

    @functools.cached_property
    def keys(self) -> dict[str, tuple[str, str]]:
        """source → key, digest of every row, read at once: for a build that lists every
        page's words (a rebuild asks ``known`` of the few pages that changed)."""
        rows = self._query("SELECT source, key, digest FROM words") or []
        return {source: (key, digest) for source, key, digest in rows}

    def known(self, source: str) -> tuple[str, str] | None:
        """The key and digest of the words kept for ``source``, if any."""
        if "keys" in self.__dict__:
            return self.keys.get(source)
        rows = self._query("SELECT key, digest FROM words WHERE source = ?", (source,))
        return rows[0] if rows else None

    def get(self, source: str) -> tuple[str, search.Words] | None:
        """The key and words kept for ``source``, if any."""
        rows = self._query(
            "SELECT key, digest, lines, counts, excerpt FROM words WHERE source = ?", (source,)
        )
        return (rows[0][0], search.Words(*rows[0][1:])) if rows else None

    def with_digest(self, digest: str) -> search.Words | None:
        """Words of a text whose digest is ``digest``: replaced in this build, or another
        page's (the file is gone through: only when the words a patch needs are missing)."""
        if digest in self.replaced:
            return self.replaced[digest]
        rows = self._query(
            "SELECT digest, lines, counts, excerpt FROM words WHERE digest = ? LIMIT 1", (digest,)
        )
        return search.Words(*rows[0]) if rows else None

    def put(self, source: str, key: str, words: search.Words) -> None:
        """Keep a page's words, in the transaction ``close`` commits."""
        self.took(self.store([(source, key, words)], commit=False))

    def store(self, rows: list[tuple[str, str, search.Words]], commit: bool = True) -> Stored:
        """Keep these pages' words (source, key, words), from whichever process counted
        them, in one transaction; return what the build's process must learn of it
        (``took``): the rows kept, and the words of a former text each replaced."""
        stored = Stored({}, {})
        digests = {source: words.digest for source, _, words in rows}
        if "keys" in self.__dict__:  # read at once: no query for each page
            before = [(source, self.keys[source][1]) for source in digests if source in self.keys]
        else:
            before = self._rows("source, digest", list(digests))
        changed = [source for source, digest in before if digests[source] != digest]
        for words in self._rows("digest, lines, counts, excerpt", changed):
            stored.replaced[words[0]] = search.Words(*words)
        if self._database is None:
            return stored
        try:
            for source, key, words in rows:
                try:
                    self._database.execute(
                        "INSERT OR REPLACE INTO words VALUES (?, ?, ?, ?, ?, ?)",
                        (source, key, words.digest, words.lines, words.counts, words.excerpt),
                    )
                except UnicodeEncodeError:
                    continue  # text that is not valid Unicode: counted again next time
                stored.kept[source] = (key, words.digest)
            if commit:
                self._database.commit()
        except sqlite3.Error:
            self._discard()
            return Stored({}, {})
        return stored

    def took(self, stored: Stored) -> None:
        """What ``store`` kept (here or in a worker): the rows, and up to
        ``search.PATCHED_PAGES`` replaced words, for patching the index."""
        if "keys" in self.__dict__:
            self.keys.update(stored.kept)
        for digest, words in stored.replaced.items():
            if len(self.replaced) < search.PATCHED_PAGES:
                self.replaced.setdefault(digest, words)

    def ready(self) -> None:
        """Open the file (made, or emptied for other code) before workers are forked, so
        that none of them empties it again."""
        self._query("SELECT 1")

    def forked(self) -> None:
        """In a forked worker: a connection must not be shared across processes."""
        self._database = None

    def close(self, sources: set[str] | None = None) -> None:
        """Keep what was put; forget the rows of pages other than ``sources``, if given."""
        if self._database is None:  # never opened, or closed
            return
        try:
            if sources is not None:
                self._database.executemany(
                    "DELETE FROM words WHERE source = ?",
                    [(source,) for source in self.keys if source not in sources],
                )
            self._database.commit()
            self._database.close()
            self._database = None
        except sqlite3.Error:
            self._discard()

    def _rows(self, columns: str, sources: list[str]) -> list[Any]:
        """These columns of the rows of ``sources`` (none asked: no query)."""
        if not sources:
            return []
        marks = ", ".join("?" * len(sources))
        return self._query(f"SELECT {columns} FROM words WHERE source IN ({marks})", sources) or []

    def _query(self, sql: str, parameters: tuple[str, ...] | list[str] = ()) -> list[Any] | None:
        """The rows of a query, or None (no file, or one that cannot be read: forgotten).
        The file is opened by the first query (a build that renders no page and keeps its
        index makes none); one that cannot be read is made afresh, once."""
        for _ in range(2):
            if self._gone:
                return None
            try:
                if self._database is None:
                    self._database = _salted(self.path, WORDS_TABLE, self.stamp)
                return self._database.execute(sql, parameters).fetchall()
            except (sqlite3.Error, OSError):
                _remove(self.path, self._database)
                self._database = None
        self._discard()  # with no cache, every page's words are counted
        return None

    def _discard(self) -> None:
        _remove(self.path, self._database)
        self._database = None
        self._gone = True
        self.keys = {}


class Stored(NamedTuple):
    """What ``WordsCache.store`` kept: source → (key, digest), and the words of the former
    texts it replaced, by digest."""

    kept: dict[str, tuple[str, str]]
    replaced: dict[str, search.Words]


RENDERINGS_TABLE = "pages (key TEXT PRIMARY KEY, value BLOB)"
WORDS_TABLE = (
    "words (source TEXT PRIMARY KEY, key TEXT, digest TEXT, lines TEXT, counts BLOB, excerpt TEXT)"
)


def _stored(rendered: Rendered) -> bytes:
    """A rendering as the cache keeps it: JSON in UTF-8."""
    return orjson.dumps(
        {
            "html": rendered.html,
            "toc_html": rendered.toc_html,
            "toc": rendered.toc,
            "summary_html": rendered.summary_html,
            "text": rendered.text,
            "words": rendered.words,
            "links": rendered.links,
            "reads": rendered.reads,
            "images": rendered.images,
            "warnings": [
                [warning.path, warning.line, warning.message, warning.hint]
                for warning in rendered.warnings
            ],
        }
    )


def _salted(path: Path, table: str, salt: str) -> sqlite3.Connection:
    """The SQLite file at ``path`` with ``table`` (its name and columns), emptied when it
    was filled by other code or settings (another ``salt``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    database = sqlite3.connect(path, check_same_thread=False, timeout=10)
    database.execute("CREATE TABLE IF NOT EXISTS meta (salt TEXT)")
    database.execute(f"CREATE TABLE IF NOT EXISTS {table}")
    row = database.execute("SELECT salt FROM meta").fetchone()
    if row is None or row[0] != salt:
        database.execute(f"DELETE FROM {table.split()[0]}")
        database.execute("DELETE FROM meta")
        database.execute("INSERT INTO meta VALUES (?)", (salt,))
        database.commit()
    return database


def _remove(path: Path, database: sqlite3.Connection | None) -> None:
    """Forget a cache file entirely: the next use starts a fresh one."""
    if database is not None:
        database.close()
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
