"""Full-text search: an index of every page's words, in small files a browser fetches as a
query needs them.

``_search/index.json`` says where the words are: the site's words, sorted (as search.js
compares them) and cut into chunks of about CHUNK_BYTES (``words/<name>.json``), each word
with the pages that hold it and each page's share of its score (BM25 but for the word's
rarity, which search.js works out from the number of pages that have it; a word of the
title adds a bonus). Each page has a small file (``pages/N.json``: its title, URL, section
and text), fetched only for the results shown, for their excerpts.

A page's edit changes its own file and the chunks that hold its words, and no other: the
other pages' shares depend on their average length only to two digits, and a chunk ends
after a word picked by its hash, not after so many bytes. So a rebuild patches the index
(``patched_files``) into the same bytes a full pass makes (``index_files``).

The build writes the index into ``_search/`` after the freeze (and keeps the previous one
when no page changed); the preview keeps the same files in memory, patched after a save
that changed a page. Both read each page's rendered Markdown, not the written files.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
import threading
import unicodedata
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import orjson

from .markup import text_digest
from .model import Site
from .page import Page
from .portable import relative_url

FOLDER = "_search"
ENTRY = "index.json"
CHUNK_BYTES = 32_000  # a query fetches one chunk per word, or a few for a word's beginning
MOST_CHUNK_BYTES = 4 * CHUNK_BYTES
PATCHED_PAGES = 1_000  # a rebuild with more changed pages makes its index anew
EXCERPT_TEXT = 30_000  # characters of a page kept for excerpts (its words are all indexed)
# Chinese and Japanese are written without spaces: each of their characters is a word (a
# query's characters must all be in a page). So are Thai, Lao, Burmese and Khmer: a run of
# their letters is cut into its overlapping pairs (a query's pairs must all be in a page).
# Other scripts' words are runs of letters.
IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
SPACELESS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff"
WORD = re.compile(f"[^\\W{IDEOGRAPHS}{SPACELESS}]+|[{IDEOGRAPHS}]|(?:(?=\\w)[{SPACELESS}])+")
# Where a text has neither, a word is a run of word characters: found twice as fast.
PLAIN_WORD, HAS_EITHER = re.compile(r"\w+"), re.compile(f"[{IDEOGRAPHS}{SPACELESS}]")
PAIRED = re.compile(f"[{SPACELESS}]{{2}}")
SPACELESS_SPAN = re.compile(f"[{SPACELESS[0]}-{SPACELESS[-1]}]")  # one range: 4 × faster
# Unicode puts its marks (accents, vowel signs) in planes 0, 1 and 14: 2 and 3 hold
# ideographs, 15 and 16 are for private use. Looking at these takes a tenth of the time.
MARK_PLANES = (range(0x20000), range(0xE0000, 0xF0000))
BEYOND_PLANE_0 = re.compile("[\U00010000-\U0010ffff]")
# BM25's usual constants, and what a word of the title adds to its page's score.
K1, B, TITLE_BONUS = 1.2, 0.75, 2.0
IN_TITLE = 1 << 31  # added to a word's count in a page whose title has it
CODE = Path(__file__).read_bytes()  # what shapes the files: a new version, a new index


@dataclass(frozen=True)
class Words:
    """A page's text as the index needs it, small enough to keep for a hundred thousand
    pages: its distinct words on lines, how often each comes (packed), and its beginning,
    for excerpts. ``digest`` names the text: the same text, the same words."""

    digest: str
    lines: str
    counts: bytes
    excerpt: str


# A page as the index lists it, but its words: URL, title, section, digest of its text.
DocumentKey = tuple[str, str, str, str]


class Document(NamedTuple):
    """A page as the index lists it (a tuple: a build makes one for each of a hundred
    thousand pages, to compare them with the last index's)."""

    url: str  # with the site's base path, as a link to the page is written
    title: str
    section: str
    digest: str  # of its text: the same digest, the same words
    words: Callable[[], Words]  # read only when the index needs them

    @property
    def key(self) -> DocumentKey:
        """All the index holds of a page, but its words, which its digest names."""
        return self[:4]


@dataclass
class Made:
    """What a build keeps of the index it made, to patch it next time rather than make
    it again: each page's key and length, and each words file's first word and name."""

    documents: list[DocumentKey]
    lengths: array[int]
    chunks: list[tuple[str, str]]

    def names(self) -> list[str]:
        """Every file of the index, under ``_search/``."""
        pages = [f"pages/{number}.json" for number in range(len(self.documents))]
        return [*pages, *(f"words/{name}.json" for _, name in self.chunks), ENTRY]


# A page, with its key in the last index when it is listed there as it is now (same place,
# URL, title and section) → the digest of its text, and how to have its words (when the
# index needs them).
WordsOfPage = Callable[[Page, DocumentKey | None], tuple[str, Callable[[], Words]]]


def fold(text: str) -> str:
    """Lower case without accents, exactly as search.js folds a query: decomposed (NFKD),
    without its marks (Unicode's category M), then lower case. 'Café' and 'cafe' are one
    word, and so are a Hindi word and its query, whose vowel signs are marks too."""
    if text.isascii():
        return text.lower()
    in_plane_0, beyond = _marks()
    folded = in_plane_0.sub("", unicodedata.normalize("NFKD", text))
    if BEYOND_PLANE_0.search(folded):
        folded = beyond.sub("", folded)
    return folded.lower()


@functools.cache
def _marks() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every mark, as search.js's /\\p{M}/ finds them (the re module has no \\p{M}): those
    of the first 65,536 code points, and those beyond. The re module finds a character of
    the first in a class of them in one step, and one beyond range by range, ten times
    slower: ``fold`` uses the second class only on a text that needs it."""
    ranges: list[list[int]] = []
    for code in itertools.chain(*MARK_PLANES):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])

    def one_of(found: list[list[int]]) -> re.Pattern[str]:
        return re.compile(
            "[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in found) + "]+"
        )

    return one_of([r for r in ranges if r[1] <= 0xFFFF]), one_of(
        [r for r in ranges if r[0] > 0xFFFF]
    )


def words(text: str) -> list[str]:
    """The words of a text, folded as a whole first, as search.js cuts a query (Python's
    word characters are Unicode's letters, digits and _, as search.js's WORD has them, with
    the marks, which folding removed); a run of Thai, Lao, Burmese or Khmer gives its pairs."""
    folded = fold(text)
    if not HAS_EITHER.search(folded):
        return PLAIN_WORD.findall(folded)
    found = WORD.findall(folded)
    if not SPACELESS_SPAN.search(folded):
        return found
    return [piece for word in found for piece in _pieces(word)]


def _pieces(word: str) -> list[str]:
    """A run of Thai, Lao, Burmese or Khmer letters: its pairs of letters; another word:
    itself."""
    if PAIRED.match(word):
        return [word[at : at + 2] for at in range(len(word) - 1)]
    return [word]


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


def section_label(site: Site, page: Page, blog: str = "Blog") -> str:
    """Where a page is, shown under its title in the results: 'Docs › Guides', or for a
    post the posts page's title, else ``blog`` (the word in the site's language)."""
    if page.is_post:
        return site.posts_intro.title if site.posts_intro else blog
    return " › ".join(section.title for section in page.parents[1:])


def documents(
    site: Site,
    words_of_page: WordsOfPage,
    blog: str = "Blog",
    before: Made | None = None,
    same_pages: bool = False,
) -> Iterator[Document]:
    """The language's pages as the index holds them, one at a time (``words_of_page``
    gives a page's text digest, and how to have its words; ``blog`` is what the posts are
    called in the language; ``before``, the last index); a page's URL is from the site's
    root, or, in a portable build, relative to the index's folder (search.js reads it
    from there). With ``same_pages``, every page's front matter and place and the settings
    are as when ``before`` was made: each page is listed as it was but for its text, its
    URL and section not worked out again (a hundred thousand took half a second)."""
    base = site.settings.base_path

    def url_of(page: Page) -> str:
        if site.settings.relative_urls:
            return relative_url(page.url, folder(site))
        return base + page.url

    listed = before.documents if before else []
    pages = searchable(site)
    if same_pages and len(listed) == len(pages):
        for page, key in zip(pages, listed, strict=True):
            yield Document(*key[:3], *words_of_page(page, key))
        return
    for number, page in enumerate(pages):
        url, section = url_of(page), section_label(site, page, blog)
        was = listed[number] if number < len(listed) else None
        same = was is not None and was[:3] == (url, page.title, section)
        digest, words_of_it = words_of_page(page, was if same else None)
        yield Document(url, page.title, section, digest, words_of_it)


def key_of(keys: Iterable[DocumentKey]) -> str:
    """What an index is made of, from its documents' keys: the same key, the same index."""
    digest = hashlib.sha256(CODE)
    parts = [part for key in keys for part in key]
    if parts:  # each part followed by NUL, in one string: hashed at once, not part by part
        digest.update(("\0".join(parts) + "\0").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def index_files(found: Iterable[Document], made: list[Made]) -> Iterator[tuple[str, bytes]]:
    """The files of the index of ``found`` (names under ``_search/``), one by one as the
    documents come, so that neither they nor the index are ever all in memory: each page's
    file first, then the words', then the entry that names them. What the next build
    needs to patch the index is put in ``made``."""
    # Each word → the pages that have it, with its count in each: page, count, page, count…
    # A word of the page's title has IN_TITLE added to its count.
    postings: dict[str, array[int]] = {}
    lengths = array("I")
    keys = []
    for number, document in enumerate(found):
        keys.append(document.key)
        words_of_it = document.words()
        yield _page_file(number, document, words_of_it)
        for word, counted in _counts(words_of_it, document.title).items():
            pages = postings.get(word)
            if pages is None:
                pages = postings[word] = array("I")
            pages.append(number)
            pages.append(counted)
        lengths.append(_length(words_of_it))
    scores = _Scores(_average(lengths))
    chunks: list[tuple[str, str]] = []
    taken: set[str] = set()
    cutter = _Cutter()

    def close(chunk: list[tuple[str, list[int]]]) -> tuple[str, bytes]:
        name = _name(chunk[0][0])
        if name in taken:  # two first words of the same hash (hardly ever)
            name += f"-{len(chunks)}"
        taken.add(name)
        chunks.append((chunk[0][0], name))
        return f"words/{name}.json", _json(dict(chunk))

    for word in sorted(postings, key=_in_js_order):
        pages = postings.pop(word)
        numbers = pages[::2]
        # page, score, page, score…: each score looked up by the page's count and length.
        flat = [0] * len(pages)
        flat[::2] = numbers
        counted_and_length = zip(pages[1::2], map(lengths.__getitem__, numbers), strict=True)
        flat[1::2] = map(scores.__getitem__, counted_and_length)
        if chunk := cutter.add(word, flat):
            yield close(chunk)
    if chunk := cutter.rest():
        yield close(chunk)
    made.append(Made(keys, lengths, chunks))
    yield ENTRY, _entry(keys, chunks)


def updated_files(
    found: Iterable[Document],
    before: Made | None,
    read: Callable[[str], bytes],
    words_before: Callable[[str], Words | None],
    made: list[Made],
) -> Iterable[tuple[str, bytes]]:
    """The files of the index of ``found``: those that differ from the index ``before``'s
    when it can be patched (``patched_files``), else all, one by one (``index_files``)."""
    if before is None:
        return index_files(found, made)
    listed = list(found)
    patched = patched_files(listed, before, read, words_before, made)
    return index_files(listed, made) if patched is None else patched


def patched_files(
    found: list[Document],
    before: Made,
    read: Callable[[str], bytes],
    words_before: Callable[[str], Words | None],
    made: list[Made],
) -> list[tuple[str, bytes]] | None:
    """The files of the index of ``found`` that differ from those of the index ``before``
    (whose files ``read`` gives, by name): the same bytes ``index_files`` would make, got
    by reading and writing only the files that hold a word of a changed page. None when
    that is not so or not worth it: pages came or went, their average length moved, a
    changed page's former words are unknown (``words_before`` gives them by digest), or
    too many pages changed."""
    if len(found) != len(before.documents) or not before.chunks:
        return None
    changed = [n for n, document in enumerate(found) if document.key != before.documents[n]]
    if len(changed) > PATCHED_PAGES:
        return None
    lengths = array("I", before.lengths)
    counts: dict[int, dict[str, int]] = {}
    formerly: dict[int, dict[str, int]] = {}
    files = []
    for number in changed:
        _, title, _, digest = before.documents[number]
        former = words_before(digest)
        if former is None:
            return None
        formerly[number] = _counts(former, title)
        document = found[number]
        words_of_it = document.words()
        files.append(_page_file(number, document, words_of_it))
        counts[number] = _counts(words_of_it, document.title)
        lengths[number] = _length(words_of_it)
    average = _average(lengths)
    if average != _average(before.lengths):
        return None
    scores = _Scores(average)
    # The words whose page list changes: a word a changed page gained or lost, or whose
    # score in it moved (an edit that adds a sentence leaves most scores as they were).
    affected: set[str] = set()
    for number in changed:
        old, new = formerly[number], counts[number]
        length_before, length = before.lengths[number], lengths[number]
        for word in old.keys() | new.keys():
            was, now = old.get(word), new.get(word)
            if was is None or now is None or scores[was, length_before] != scores[now, length]:
                affected.add(word)
    firsts = [_in_js_order(first) for first, _ in before.chunks]
    touched: dict[int, list[str]] = {}
    for word in affected:
        at = bisect.bisect_right(firsts, _in_js_order(word)) - 1
        touched.setdefault(max(0, at), []).append(word)

    def chunk(at: int) -> dict[str, list[int]]:
        """The words file ``at`` of the index before, with the changed words made anew."""
        held = orjson.loads(read(f"words/{before.chunks[at][1]}.json"))
        for word in touched.get(at, ()):
            flat = held.pop(word, [])
            pages = flat[::2]  # in order: each changed page's place is found by bisection
            for number in changed:
                place = bisect.bisect_left(pages, number)
                there = place < len(pages) and pages[place] == number
                counted = counts[number].get(word)
                if counted is None and there:
                    del pages[place], flat[2 * place : 2 * place + 2]
                elif counted is not None:
                    score = scores[counted, lengths[number]]
                    if there:
                        flat[2 * place + 1] = score
                    else:
                        pages.insert(place, number)
                        flat[2 * place : 2 * place] = [number, score]
            if flat:
                held[word] = flat
        return {word: held[word] for word in sorted(held, key=_in_js_order)}

    # Runs of files with a changed word are cut again, each from the end of the file
    # before it (a word the change left as it was ends it, as in a full pass) to where the
    # cuts meet those of the index before.
    chunks: list[tuple[str, str]] = []

    def close(cut: list[tuple[str, list[int]]] | None) -> None:
        if cut:
            chunks.append((cut[0][0], _name(cut[0][0])))
            files.append((f"words/{chunks[-1][1]}.json", _json(dict(cut))))

    done = 0
    for start in sorted(touched):
        if start < done:
            continue  # in the run before
        chunks += before.chunks[done:start]
        cutter, at = _Cutter(), start
        while True:
            for word, flat in chunk(at).items():
                close(cutter.add(word, flat))
            at += 1
            if at == len(before.chunks):
                close(cutter.rest())
                break
            if not cutter.size and at not in touched:
                break
        done = at
    chunks += before.chunks[done:]
    names = {name for _, name in chunks}
    if len(names) < len(chunks) or any("-" in name for name in names):
        return None  # two first words of the same hash: a full pass names their files
    keys = [document.key for document in found]
    made.append(Made(keys, lengths, chunks))
    return [*files, (ENTRY, _entry(keys, chunks))]


def _in_js_order(word: str) -> bytes:
    """A key that sorts words as search.js compares them, by UTF-16 code units: there a
    character beyond the first 65,536 (two units from D800) comes before one from E000 to
    FFFF (such as 﨑), and search.js looks for a word in the file whose first word is the
    last before it."""
    return word.encode("utf-16-be", "surrogatepass")


def _counts(words_of_it: Words, title: str) -> dict[str, int]:
    """Each word of a page → how often it comes, with IN_TITLE added for a word of its title."""
    lines = words_of_it.lines
    count = (
        dict(zip(lines.split("\n"), array("I", words_of_it.counts), strict=True)) if lines else {}
    )
    for word in set(words(title)):
        count[word] = count.get(word, 0) | IN_TITLE
    return count


def _length(words_of_it: Words) -> int:
    return sum(array("I", words_of_it.counts)) or 1


def _average(lengths: array[int]) -> float:
    """The pages' average length, to two digits: a page's edit seldom moves it, so the
    scores of the other pages stay as they were."""
    return float(f"{sum(lengths) / len(lengths):.2g}") if lengths else 1.0


def _norm(length: int, average: float) -> float:
    """BM25's part of a page's score that comes from its length."""
    return K1 * (1 - B + B * length / average)


def _score(counted: int, norm: float) -> int:
    """A page's score for a word, as BM25 has it but for the word's rarity (its ``idf``,
    which search.js multiplies in, from how many pages have the word), in hundredths."""
    tf = counted & ~IN_TITLE
    score = tf * (K1 + 1) / (tf + norm) + (TITLE_BONUS if counted & IN_TITLE else 0)
    return max(1, round(score * 100))


class _Scores(dict[tuple[int, int], int]):
    """A page's score for a word, by the word's count in it and the page's length: worked
    out once for each pair of them (about 61,000 on make bench's 100,000 pages), not for
    each word of each page (thirteen million)."""

    def __init__(self, average: float) -> None:
        super().__init__()
        self.average = average

    def __missing__(self, key: tuple[int, int]) -> int:
        counted, length = key
        score = self[key] = _score(counted, _norm(length, self.average))
        return score


class _Cutter:
    """Cuts the sorted words into files of about CHUNK_BYTES: after a word picked by its
    own hash, with odds in proportion to its size. Where the cuts fall depends on the
    words near them, not on all the words before, so a changed word moves few files."""

    def __init__(self) -> None:
        self.chunk: list[tuple[str, list[int]]] = []
        self.size = 0

    def add(self, word: str, flat: list[int]) -> list[tuple[str, list[int]]] | None:
        """Take ``word``; the file it ends, if it ends one."""
        self.chunk.append((word, flat))
        own = len(word) + 4 + 5 * len(flat)
        self.size += own
        picked = zlib.crc32(word.encode("utf-8", "surrogatepass")) < own * 2**32 // CHUNK_BYTES
        return self.rest() if picked or self.size >= MOST_CHUNK_BYTES else None

    def rest(self) -> list[tuple[str, list[int]]] | None:
        chunk, self.chunk, self.size = self.chunk, [], 0
        return chunk or None


def _name(first: str) -> str:
    """A words file's name, from its first word: a file keeps its name while that word
    begins it."""
    return hashlib.blake2b(first.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def _page_file(number: int, document: Document, words_of_it: Words) -> tuple[str, bytes]:
    page = {"u": document.url, "t": document.title, "s": document.section}
    return f"pages/{number}.json", _json({**page, "x": words_of_it.excerpt})


def _entry(keys: list[DocumentKey], chunks: list[tuple[str, str]]) -> bytes:
    """The table of the index. Its version names the index: a browser asks for
    words/ab12.json?v=<version>, so a file it kept from another version is never taken."""
    return _json({"version": key_of(keys)[:12], "words": chunks, "pages": len(keys)})


def _json(document: object) -> bytes:
    """Compact JSON in UTF-8, as ``json.dumps(document, ensure_ascii=False,
    separators=(",", ":"))`` writes it, several times faster."""
    return orjson.dumps(document)


@dataclass
class PreviewIndex:
    """The preview's index, in memory: made on the first search, and patched (or made
    again) when a page changed since (the key of its documents differs)."""

    key: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    made: Made | None = None
    seen: tuple[int, ...] = ()  # the site and the renderings the index was checked against
    counted: dict[str, Words] = field(default_factory=dict)  # by the digest of the text
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def file(self, site: Site, name: str, blog: str = "Blog") -> bytes | None:
        with self._lock:
            if _renderings(site) != self.seen:  # a save changed a page, or the site
                counted: dict[str, Words] = {}

                def words_of_page(page: Page, _: object) -> tuple[str, Callable[[], Words]]:
                    rendered = site.render(page)
                    digest = rendered.text_digest
                    known = self.counted.get(digest) or words_of(rendered.text, digest)
                    counted[digest] = known
                    return digest, lambda: known

                found = list(documents(site, words_of_page, blog))
                key = key_of(document.key for document in found)
                if key != self.key:
                    self._make(found, lambda digest: self.counted.get(digest))
                    self.key = key
                self.counted, self.seen = counted, _renderings(site)
            return self.files.get(name)

    def _make(self, found: list[Document], words_before: Callable[[str], Words | None]) -> None:
        made: list[Made] = []
        files = dict(updated_files(found, self.made, self.files.__getitem__, words_before, made))
        self.files = {name: files.get(name) or self.files[name] for name in made[0].names()}
        self.made = made[0]


def _renderings(site: Site) -> tuple[int, ...]:
    """Which site and which renderings of its pages are in memory: cheap to compare."""
    return (id(site), *(id(page.__dict__.get("_rendered")) for page in site.pages))
