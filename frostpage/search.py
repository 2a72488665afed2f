"""Full-text search: an index of every page's words, in small files a browser fetches as a
query needs them.

``_search/index.json`` says where the words are: the site's words, sorted and cut into
chunks of about CHUNK_BYTES (``words/N.json``), each word with the pages that hold it and
a score (BM25, with a bonus for a word of the title). Each page has a small file
(``pages/N.json``: its title, URL, section and text), fetched only for the results shown,
for their excerpts. A page's file changes only when the page does (or pages come and go),
so a rebuild rewrites few of them.

The build writes the index into ``_search/`` after the freeze (and keeps the previous one
when no page changed); the preview keeps the same files in memory, made again after a save
that changed a page. Both read each page's rendered Markdown, not the written files.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import threading
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .markup import text_digest
from .model import Site
from .page import Page
from .portable import relative_url

FOLDER = "_search"
ENTRY = "index.json"
CHUNK_BYTES = 32_000  # a query fetches one chunk per word, or a few for a word's beginning
EXCERPT_TEXT = 30_000  # characters of a page kept for excerpts (its words are all indexed)
# Chinese and Japanese are written without spaces: each of their characters is a word (a
# query's characters must all be in a page); other scripts' words are runs of letters.
IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(f"[{IDEOGRAPHS}]|[^\\W{IDEOGRAPHS}]+")
# BM25's usual constants, and what a word of the title adds to its page's score.
K1, B, TITLE_BONUS = 1.2, 0.75, 2.0
IN_TITLE = 1 << 31  # added to a word's count in a page whose title has it


@dataclass(frozen=True)
class Words:
    """A page's text as the index needs it, small enough to keep for a hundred thousand
    pages: its distinct words on lines, how often each comes (packed), and its beginning,
    for excerpts. ``digest`` names the text: the same text, the same words."""

    digest: str
    lines: str
    counts: bytes
    excerpt: str


@dataclass(frozen=True)
class Document:
    url: str  # with the site's base path, as a link to the page is written
    title: str
    section: str
    words: Words


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without accents, as words are compared ('Café' and 'cafe' are one), and
    as search.js folds a query."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of a text, folded: each is found first, then folded (the few that are not
    ASCII take the long way)."""
    found = WORD.findall(text.lower())
    return found if text.isascii() else [fold(word) for word in found]


def words_of(text: str, digest: str | None = None) -> Words:
    """Count the words of ``text`` (whose ``text_digest`` may be known already)."""
    counted = Counter(words(text))
    return Words(
        digest or text_digest(text),
        "\n".join(counted),
        array("I", counted.values()).tobytes(),
        text[:EXCERPT_TEXT],
    )


def folder(site: Site) -> str:
    """Where a language's index is in the build: '_search', 'fr/_search'."""
    return site.language.prefix.lstrip("/") + "/" + FOLDER if site.language.prefix else FOLDER


def searchable(site: Site) -> list[Page]:
    """The pages a reader may find: every page and post, but the posts list's intro."""
    return [page for page in site.pages if page is not site.posts_intro and not page.errors]


def section_label(site: Site, page: Page) -> str:
    """Where a page is, shown under its title in the results: 'Docs › Guides', 'Blog'."""
    if page.is_post:
        return site.posts_intro.title if site.posts_intro else "Blog"
    return " › ".join(section.title for section in page.parents[1:])


def documents(site: Site, words_of_page: Callable[[Page], Words]) -> Iterator[Document]:
    """The language's pages as the index holds them, one at a time; a page's URL is from
    the site's root, or, in a portable build, relative to the index's folder (search.js
    reads it from there)."""
    base = site.settings.base_path

    def url_of(page: Page) -> str:
        if site.settings.relative_urls:
            return relative_url(page.url, folder(site))
        return base + page.url

    for page in searchable(site):
        yield Document(url_of(page), page.title, section_label(site, page), words_of_page(page))


def key_of(found: Iterable[Document]) -> str:
    """What an index is made of: the same key, the same index."""
    digest = hashlib.sha256()
    for document in found:
        for part in (document.url, document.title, document.section, document.words.digest):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def index_files(found: Iterable[Document]) -> Iterator[tuple[str, bytes]]:
    """The files of the index of ``found`` (names under ``_search/``), one by one as the
    documents come, so that neither they nor the index are ever all in memory: each page's
    file first, then the words', then the entry that names them."""
    # Each word → the pages that have it, with its count in each: page, count, page, count…
    # A word of the page's title has IN_TITLE added to its count.
    postings: dict[str, array[int]] = {}
    lengths = array("I")
    # The version names this index: a browser asks for words/3.json?v=<version>, so a
    # file it kept from another version is never taken for this one's.
    version = hashlib.sha256()

    def file(folder: str, number: int, document: object) -> tuple[str, bytes]:
        data = _json(document)
        version.update(data)
        return f"{folder}/{number}.json", data

    for number, d in enumerate(found):
        page = {"u": d.url, "t": d.title, "s": d.section, "x": d.words.excerpt}
        yield file("pages", number, page)
        times = array("I", d.words.counts)
        count = dict(zip(d.words.lines.split("\n"), times, strict=True)) if d.words.lines else {}
        for word in set(words(d.title)):
            count[word] = count.get(word, 0) | IN_TITLE
        for word, times_in_page in count.items():
            postings.setdefault(word, array("I")).extend((number, times_in_page))
        lengths.append(sum(times) or 1)
    total = len(lengths)
    average = sum(lengths) / total if total else 1
    norms = [K1 * (1 - B + B * length / average) for length in lengths]  # BM25's, per page
    del lengths
    chunks: list[tuple[str, int]] = []  # (its first word, its number)
    chunk: dict[str, list[int]] = {}
    size = 0
    for word in sorted(postings):
        pages = postings.pop(word)
        having = len(pages) // 2
        idf = math.log(1 + (total - having + 0.5) / (having + 0.5))
        flat: list[int] = []
        for number, counted in zip(pages[::2], pages[1::2], strict=True):
            tf = counted & ~IN_TITLE
            score = idf * tf * (K1 + 1) / (tf + norms[number])
            if counted & IN_TITLE:
                score += TITLE_BONUS * idf
            flat += [number, max(1, round(score * 100))]
        if size > CHUNK_BYTES:
            yield file("words", len(chunks), chunk)
            chunks.append((next(iter(chunk)), len(chunks)))
            chunk, size = {}, 0
        chunk[word] = flat
        size += len(word) + 6 * len(flat)
    if chunk:
        yield file("words", len(chunks), chunk)
        chunks.append((next(iter(chunk)), len(chunks)))
    entry = {"version": version.hexdigest()[:12], "words": chunks, "pages": total}
    yield ENTRY, _json(entry)


def _json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class PreviewIndex:
    """The preview's index, in memory: made on the first search, and again when a page
    changed since (the key of its documents differs)."""

    key: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    seen: tuple[int, ...] = ()  # the site and the renderings the index was checked against
    counted: dict[str, Words] = field(default_factory=dict)  # by the digest of the text
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def file(self, site: Site, name: str) -> bytes | None:
        with self._lock:
            if _renderings(site) != self.seen:  # a save changed a page, or the site
                counted: dict[str, Words] = {}

                def words_of_page(page: Page) -> Words:
                    rendered = site.render(page)
                    digest = rendered.text_digest
                    known = self.counted.get(digest) or words_of(rendered.text, digest)
                    counted[digest] = known
                    return known

                found = list(documents(site, words_of_page))
                key = key_of(found)
                if key != self.key:
                    self.files, self.key = dict(index_files(found)), key
                self.counted, self.seen = counted, _renderings(site)
            return self.files.get(name)


def _renderings(site: Site) -> tuple[int, ...]:
    """Which site and which renderings of its pages are in memory: cheap to compare."""
    return (id(site), *(id(page.__dict__.get("_rendered")) for page in site.pages))
