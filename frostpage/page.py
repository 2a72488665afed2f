"""One Markdown file → one Page: its front matter, its body and its URL, with no Flask inside.

``index.md`` → ``/``, ``about.md`` → ``/about/``, ``docs/intro.md`` → ``/docs/intro/``,
``docs/index.md`` → ``/docs/``; files under ``posts/`` are blog posts. Every page URL ends
in '/', so ``/about/`` and ``/about/team/`` can both exist.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from markdown.extensions.toc import slugify_unicode

from .config import Settings
from .diagrams import MAY_DRAW
from .errors import SiteError, SiteErrors
from .frontmatter import parse_date, split, validate
from .languages import codes, place, url_prefix
from .markup import Rendered, text_digest
from .paths import MARKDOWN_SUFFIXES, file_version

if TYPE_CHECKING:
    from .sections import Section

POSTS_SECTION = "posts"
# Jekyll's 2016-03-10-some-post.md and Zola's 2016-03-10_some-post.md: a date, then the slug.
DATED_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})[-_](?P<slug>.+)")
# Jekyll's posts folder, dropped into content/ as it is: posts at Jekyll's own URLs.
JEKYLL_POSTS = "_posts/"
JEKYLL_PERMALINK = "/:categories/:year/:month/:day/:title:output_ext"
# A folder's own page: index.md (frostpage, Hugo's _index.md, Zola's _index.md) or README.md.
INDEX_STEMS = ("index", "_index", "readme")


def without_suffix(source: str) -> str:
    """'docs/intro.markdown' → 'docs/intro'."""
    for suffix in MARKDOWN_SUFFIXES:
        if source.endswith(suffix):
            return source[: -len(suffix)]
    return source


def is_index(source: str) -> bool:
    """Whether ``source`` is its folder's own page (index.md, _index.md or README.md)."""
    return without_suffix(source).rsplit("/", 1)[-1].lower() in INDEX_STEMS


@functools.lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """A stable, readable URL segment: lower case, words joined by '-', letters kept.

    Non-ASCII letters stay (``Café`` → ``café``) and are percent-encoded in links.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    slug = re.sub(r"[^\w.]+", "-", text).strip("-.")
    return slug


@dataclass(eq=False)
class Page:
    """One Markdown file: its front matter, its body and its place on the site.

    Pages compare by identity: two files are two pages, whatever they hold.
    """

    source: str  # path under content/, e.g. 'docs/intro.md'
    url: str  # site URL without the base path, e.g. '/docs/intro/'
    title: str
    body: str
    body_line: int
    meta: dict[str, Any]
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # categories, series…
    draft: bool = False
    description: str | None = None  # the summary, when the front matter gives one
    about: str | None = None  # its 'description': what search engines show, else the summary
    title_anchor: str | None = None  # the id of a title taken from the page's first heading
    template: str | None = None
    page_template: str | None = None  # a section page's: for the pages under it
    weight: int = 0
    aliases: tuple[str, ...] = ()
    image: str | None = None  # social preview, as written in the front matter
    is_post: bool = False
    language: str = ""  # its language's code ('' on a page made outside any site)
    key: str = ""  # what it translates: its path without the language, 'about.md'
    # A language of its name the site does not declare, and the page it would translate.
    undeclared: tuple[str, str] | None = None
    key_lines: dict[str, int] = field(default_factory=dict)
    errors: list[SiteError] = field(default_factory=list)
    # Keys of other generators' that frostpage does not use: (key, line, what to do).
    foreign_keys: tuple[tuple[str, int, str], ...] = ()
    rendered: Rendered | None = field(default=None, repr=False)
    origin: Origin | None = field(default=None, repr=False)  # where its body can be read

    def __getstate__(self) -> dict[str, Any]:
        # Stored (PageCache) without its HTML, which has a cache of its own, nor its place
        # among the sections, which the site model gives it, nor a body its file holds.
        self._note_body()
        state = {**self.__dict__, "_rendered": None}
        state.pop("_place", None)
        if self.origin is not None:
            state["_body"] = None
        return state

    @property
    def body_digest(self) -> str:
        """Names the body: the render cache and a rebuild know a page by it."""
        return self._note_body().digest or ""

    @property
    def may_draw(self) -> bool:
        """Whether the body holds what could make a diagram (a fence, a snippet, a shortcode)."""
        return bool(self._note_body().may_draw)

    def _note_body(self) -> Known:
        """What is known of the body without holding it."""
        known = _known(self)
        if known.digest is None:
            body = self.body
            known = known._replace(
                digest=text_digest(body), may_draw=any(mark in body for mark in MAY_DRAW)
            )
            self.__dict__["_known"] = known
        return known

    @property
    def metadata_digest(self) -> str:
        """Names all of the page but its body and errors: its front matter and place, which
        never change once it is parsed. Kept with the page in the page cache, so a build
        tells whether any page's front matter changed without going through every one."""
        known = _known(self)
        if known.metadata_digest is not None:
            return known.metadata_digest
        metadata = [
            (name, value)
            for name, value in vars(self).items()
            if name not in BODY_ATTRIBUTES and name != "errors"
        ]
        digest = hashlib.blake2b(
            repr(metadata).encode("utf-8", "surrogatepass"), digest_size=16
        ).hexdigest()
        self.__dict__["_known"] = known._replace(metadata_digest=digest)
        return digest

    def forget_body(self) -> None:
        """Keep only what is known of the body, to read it again from its file when asked:
        a build of a hundred thousand pages does not hold every page's Markdown."""
        if self.origin is not None:
            self._note_body()
            self.__dict__["_body"] = None

    # Its place among the sections (sections.Place), set by the site model: for templates.
    @property
    def section(self) -> Section | None:
        place = self.__dict__.get("_place")
        return place.section if place else None

    @property
    def parents(self) -> list[Section]:
        """The sections above the page, from the site's root down (for breadcrumbs)."""
        section = self.section
        if section is None:
            return []
        return section.parents if section.index is self else [*section.parents, section]

    @property
    def previous(self) -> Page | Section | None:
        place = self.__dict__.get("_place")
        return place.previous if place else None

    @property
    def next(self) -> Page | Section | None:
        place = self.__dict__.get("_place")
        return place.next if place else None

    @property
    def file(self) -> str:
        """The path an author recognises, for messages."""
        return f"content/{self.source}"

    @property
    def url_path(self) -> str:
        """The URL without its slashes, as the page route takes it ('' for the home page)."""
        return self.url.strip("/")

    def meta_line(self, key: str) -> int | None:
        """The file line of a front matter key, for messages."""
        return self.key_lines.get(key)

    @property
    def post_date(self) -> dt.datetime:
        """The date of a post: every post of a site has one (the model leaves out the others)."""
        if self.date is None:
            raise ValueError(f"{self.file} has no date")
        return self.date

    def is_future(self, now: dt.datetime) -> bool:
        return self.date is not None and self.date > now


# The sources of the pages whose text or HTML is read while a build writes one URL.
_reads: ContextVar[set[str] | None] = ContextVar("frostpage_page_reads", default=None)


def _recorded(name: str) -> property:
    """An attribute of Page whose reading is noted while ``recording_reads`` runs."""
    stored = "_" + name

    def read(page: Page) -> Any:
        reads = _reads.get()
        if reads is not None:
            reads.add(page.source)
        return page.__dict__[stored]

    def write(page: Page, value: Any) -> None:
        page.__dict__[stored] = value

    return property(read, write)


# What a page holds of its body and rendering, and its place: not its front matter.
BODY_ATTRIBUTES = frozenset({"_body", "_known", "_rendered", "_place"})


class Known(NamedTuple):
    """What a page knows besides its front matter: where its body can be read again, the
    body's digest and whether it may draw, and the digest of the rest. One attribute, so
    that a page's attributes fit the instance dictionaries CPython shares the keys of
    (under 30 keys): 1.3 KB less per page."""

    origin: Origin | None = None
    digest: str | None = None  # of the body; None until asked, and when it changes
    may_draw: bool | None = None
    metadata_digest: str | None = None


NOTHING_KNOWN = Known()


def _known(page: Page) -> Known:
    return page.__dict__.get("_known", NOTHING_KNOWN)


class Origin(NamedTuple):
    """Where a page's body is: its file, as it was when parsed, and where the body begins
    in its text (a tuple: the page cache loads one per page)."""

    path: str
    version: tuple[int, ...]  # paths.file_version
    at: int

    def read(self, page: Page) -> str:
        """The body, read again; an error (SiteErrors, as a build raises them, wherever the
        body is read) if the file changed since it was parsed."""
        try:
            with open(self.path, "rb") as file:
                version = file_version(os.fstat(file.fileno()))
                data = file.read()
        except OSError as error:
            problem = SiteError(page.file, None, f"cannot be read: {error.strerror}")
            raise SiteErrors([problem]) from None
        if version != self.version:
            changed = SiteError(page.file, None, "changed while the site was read", "build again")
            raise SiteErrors([changed])
        return data.decode("utf-8-sig").replace("\r\n", "\n")[self.at :]


def _read_body(page: Page) -> str:
    reads = _reads.get()
    if reads is not None:
        reads.add(page.source)
    body = page.__dict__["_body"]
    if body is None:
        assert page.origin is not None
        return page.origin.read(page)
    return body


def _write_body(page: Page, body: str) -> None:
    page.__dict__["_body"] = body
    known = page.__dict__.get("_known")
    if known is not None:
        page.__dict__["_known"] = known._replace(digest=None, may_draw=None)


def _read_origin(page: Page) -> Origin | None:
    return _known(page).origin


def _write_origin(page: Page, origin: Origin | None) -> None:
    page.__dict__["_known"] = _known(page)._replace(origin=origin)


# A page's content is its body and its HTML: the build learns, for each URL it writes, which
# pages' content went into it, whether a template, a feed or a hook read it.
Page.body = property(_read_body, _write_body)  # type: ignore[assignment]
Page.origin = property(_read_origin, _write_origin)  # type: ignore[assignment]
Page.rendered = _recorded("rendered")  # type: ignore[assignment]


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """The sources of the pages whose content is read inside the ``with`` block (and, when
    blocks nest, in the outer one too)."""
    reads: set[str] = set()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)
        outer = _reads.get()
        if outer is not None:
            outer |= reads


def parse_page(text: str, source: str, settings: Settings) -> Page:
    """Build a Page from the text of ``content/<source>``; problems land in ``page.errors``."""
    path = f"content/{source}"
    placed = place(source, settings)
    language, key = placed.language, placed.key
    try:
        front = split(text, path)
    except SiteError as error:
        url = url_prefix(language, settings) + url_for_source(key)
        return Page(
            source,
            url,
            _title_from_name(key),
            text,
            1,
            {},
            language=language,
            key=key,
            errors=[error],
        )
    meta, errors = validate(front, path, settings.zone, tuple(settings.taxonomies))
    if placed.problem:
        errors.append(SiteError(path, 1, *placed.problem))
    if meta.lang is not None and meta.lang.lower() != language:
        line = front.key_lines.get("lang")
        if meta.lang.lower() not in codes(settings):
            errors.append(
                SiteError(
                    path,
                    line,
                    f"'lang: {meta.lang}' is not a language of this site",
                    f"declare it with a table [languages.{meta.lang.lower()}] in site/config.toml",
                )
            )
        elif key != source:
            errors.append(
                SiteError(path, line, f"'lang: {meta.lang}' differs from the language of its name")
            )
        else:
            language = meta.lang.lower()
    prefix = url_prefix(language, settings)
    body, title, title_anchor = front.body, meta.title, None
    if title is None:
        title, body = _title_from_heading(body)
        # Links to the heading (intro.md#welcome, as MkDocs makes them) lead to the title.
        title_anchor = slugify_unicode(title, "-") if title else None
    if title is None:
        title = _title_from_name(key)
    jekyll = key.startswith(JEKYLL_POSTS)
    is_post = key.startswith((f"{POSTS_SECTION}/", JEKYLL_POSTS)) and not (
        is_index(key) and key.count("/") == 1
    )
    named = DATED_NAME.fullmatch(without_suffix(key).rsplit("/", 1)[-1])
    date = meta.date
    if named and date is None and "date" not in front.key_lines:
        date = parse_date(named["date"], settings.zone)  # Jekyll's and Zola's file names
    if is_post and date is None and not any(e.line == front.key_lines.get("date") for e in errors):
        errors.append(
            SiteError(path, 1, "a post needs a 'date'", "add a line such as 'date: 2025-01-31'")
        )
    url, aliases = prefix + url_for_source(key, meta.slug), meta.aliases
    written = meta.url if meta.url is not None or not jekyll else JEKYLL_PERMALINK
    if written is not None:
        url, aliases = _own_url(written, key, date, meta.terms.get("categories", ()), aliases)
        # As Hugo does, under the language's prefix; written with it, it is not doubled.
        if not url.startswith(prefix + "/"):
            url = prefix + url
    return Page(
        source=source,
        url=url,
        title=title,
        body=body,
        body_line=front.body_line,
        meta=front.meta,
        date=date,
        updated=meta.updated,
        tags=meta.tags,
        terms=meta.terms,
        draft=meta.draft,
        description=meta.summary,
        about=meta.description,
        title_anchor=title_anchor,
        template=meta.template,
        page_template=meta.page_template,
        weight=meta.weight,
        aliases=aliases,
        image=meta.image,
        is_post=is_post,
        language=language,
        key=meta.translation_key or key,
        undeclared=placed.undeclared,
        key_lines=front.key_lines,
        errors=errors,
        foreign_keys=meta.warnings,
    )


def _own_url(
    written: str,
    source: str,
    date: dt.datetime | None,
    categories: tuple[str, ...],
    aliases: tuple[str, ...],
) -> tuple[str, tuple[str, ...]]:
    """The URL a page's front matter gives it (Hugo's 'url', Jekyll's 'permalink', Zola's
    'path'), with Jekyll's placeholders filled in. A URL that names a file ('/a/b.html')
    becomes the folder URL '/a/b/', and the file's URL an alias of it, so old links work."""
    stem = url_for_source(source).rstrip("/").rsplit("/", 1)[-1]
    values = {
        "year": f"{date:%Y}" if date else "",
        "short_year": f"{date:%y}" if date else "",
        "month": f"{date:%m}" if date else "",
        "i_month": str(date.month) if date else "",
        "day": f"{date:%d}" if date else "",
        "i_day": str(date.day) if date else "",
        "title": stem,
        "slug": stem,
        "categories": "/".join(slugify(category) for category in categories),
        "output_ext": ".html",
    }
    url = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), written)
    url = re.sub(r"/{2,}", "/", url)
    last = url.rsplit("/", 1)[-1]
    if "." in last:
        return url.rsplit(".", 1)[0] + "/", (*aliases, url)
    return url.rstrip("/") + "/", aliases


def url_for_source(source: str, slug: str | None = None) -> str:
    """The URL of content file ``source``: every page URL ends in '/'. A dated file name
    (2016-03-10-some-post.md) gives its slug ('some-post'), as in Jekyll and Zola."""
    parts = without_suffix(source).split("/")
    if is_index(source):
        parts.pop()
    elif slug:
        parts[-1] = slug
    elif named := DATED_NAME.fullmatch(parts[-1]):
        parts[-1] = named["slug"]
    segments = [slugify(part) or part for part in parts]
    return "/" + "".join(segment + "/" for segment in segments)


def _title_from_heading(body: str) -> tuple[str | None, str]:
    """The first level-1 heading outside code, and the body to render.

    When that heading opens the body it is blanked (not removed, so line numbers stay
    right): the template shows the title as the page's one <h1>.
    """
    lines = body.split("\n")
    fence: str | None = None
    at_top = True
    for number, line in enumerate(lines):
        marker = re.match(r"\s*(```+|~~~+)", line)
        if marker:
            opened = marker.group(1)
            closes = fence and opened[0] == fence[0] and len(opened) >= len(fence)
            fence = None if closes else fence or opened
        elif not fence and (match := re.match(r"#\s+(.+?)(\s+#+)?\s*$", line)):
            if at_top:
                lines[number] = ""
            return re.sub(r"[*_`]", "", match.group(1)).strip(), "\n".join(lines)
        at_top = at_top and not line.strip()
    return None, body


def _title_from_name(source: str) -> str:
    stem = without_suffix(source).rsplit("/", 1)[-1]
    if named := DATED_NAME.fullmatch(stem):
        stem = named["slug"]
    if stem.lower() in INDEX_STEMS:
        return title_from_folder(source.rpartition("/")[0])
    return title_from_folder(stem)


def title_from_folder(folder: str) -> str:
    """'docs/getting_started' → 'Getting started'; content/ itself is 'Home'."""
    words = re.sub(r"[-_]+", " ", folder.rsplit("/", 1)[-1]).strip()
    return words[:1].upper() + words[1:] if words else "Home"


def image_beside(page: Page) -> str | None:
    """The content path of an ``image:`` written beside the page ('img/a.png' in
    'posts/a.md' → 'posts/img/a.png'); None for a full URL, a site path, or no image."""
    image = page.image
    if not image or "://" in image or image.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page.source), image))
