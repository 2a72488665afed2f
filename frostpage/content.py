"""Files → pages, posts, tags and URLs: the site as plain data, with no Flask inside.

This module is the one truth for URLs. ``index.md`` → ``/``, ``about.md`` → ``/about/``,
``docs/intro.md`` → ``/docs/intro/``, ``docs/index.md`` → ``/docs/``; files under
``posts/`` are blog posts, listed newest first. Any other file of content/ (an image
beside its post) is published at its own path: ``docs/img/shot.png`` → ``/docs/img/shot.png``.
Routes, templates and the freezer all ask the ``Site`` built here; two sources that would
map to one URL are an error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import posixpath
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .config import Settings
from .errors import SiteError
from .frontmatter import split, validate
from .markup import PageRenderer, Rendered, plain_text
from .paths import folder_conflicts, output_file, url_problem

POSTS_SECTION = "posts"
# URLs the engine's own routes answer; a page may not take them.
RESERVED_URLS = {
    "/tags/": "the list of tags",
    "/404.html": "the not-found page",
    "/feed.xml": "the Atom feed",
    "/feed.json": "the JSON Feed",
    "/api/pages.json": "the list of pages",
    "/search.json": "the search index",
    "/sitemap.xml": "the sitemap",
    "/robots.txt": "the robots file",
    "/_redirects": "the redirects of the host",
    "/_headers": "the headers of the host",
    "/highlight.css": "the code highlighting styles",
    "/highlight-dark.css": "the code highlighting styles",
    "/manifest.webmanifest": "the web app manifest",
}
RESERVED_PREFIXES = {
    "/tags/": "tag pages",
    "/static/": "static files",
    "/posts/page/": "pages of the list of posts",
}
# /posts/2025/ lists the posts of 2025.
YEAR_URL = re.compile(r"^/posts/\d{4}/$")
WORDS_PER_MINUTE = 220


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
    draft: bool = False
    description: str | None = None
    template: str | None = None
    weight: int = 0
    aliases: tuple[str, ...] = ()
    image: str | None = None  # social preview, as written in the front matter
    is_post: bool = False
    key_lines: dict[str, int] = field(default_factory=dict)
    errors: list[SiteError] = field(default_factory=list)
    rendered: Rendered | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # Stored (PageCache) without its HTML, which has a cache of its own.
        return {**self.__dict__, "_rendered": None}

    @property
    def file(self) -> str:
        """The path an author recognises, for messages."""
        return f"content/{self.source}"

    @property
    def url_path(self) -> str:
        """The URL without its slashes, as the page route takes it ('' for the home page)."""
        return self.url.strip("/")

    @property
    def template_name(self) -> str:
        if self.template:
            return self.template
        if self.url == "/":
            return "index.html"
        return "post.html" if self.is_post else "page.html"

    def meta_line(self, key: str) -> int | None:
        """The file line of a front matter key, for messages."""
        return self.key_lines.get(key)

    def is_future(self, now: dt.datetime) -> bool:
        return self.date is not None and self.date > now


# The sources of the pages whose text or HTML was read, while a build writes one URL.
_reads: set[str] | None = None


def _recorded(name: str) -> property:
    """An attribute of Page whose reading is noted while ``recording_reads`` runs."""
    stored = "_" + name

    def read(page: Page) -> Any:
        if _reads is not None:
            _reads.add(page.source)
        return page.__dict__[stored]

    def write(page: Page, value: Any) -> None:
        page.__dict__[stored] = value

    return property(read, write)


# A page's content is its body and its HTML: the build learns, for each URL it writes, which
# pages' content went into it, whether a template, a feed or a hook read it.
Page.body = _recorded("body")  # type: ignore[assignment]
Page.rendered = _recorded("rendered")  # type: ignore[assignment]


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """The sources of the pages whose content is read inside the ``with`` block."""
    global _reads
    outer, _reads = _reads, set()
    try:
        yield _reads
    finally:
        reads, _reads = _reads, outer
        if outer is not None:
            outer |= reads


def parse_page(text: str, source: str, settings: Settings) -> Page:
    """Build a Page from the text of ``content/<source>``; problems land in ``page.errors``."""
    path = f"content/{source}"
    try:
        front = split(text, path)
    except SiteError as error:
        return Page(
            source, url_for_source(source), _title_from_name(source), text, 1, {}, errors=[error]
        )
    meta, errors = validate(front, path, settings.zone)
    body, title = front.body, meta.title
    if title is None:
        title, body = _title_from_heading(body)
    if title is None:
        title = _title_from_name(source)
    is_post = source.startswith(f"{POSTS_SECTION}/") and source != f"{POSTS_SECTION}/index.md"
    if (
        is_post
        and meta.date is None
        and not any(e.line == front.key_lines.get("date") for e in errors)
    ):
        errors.append(
            SiteError(path, 1, "a post needs a 'date'", "add a line such as 'date: 2025-01-31'")
        )
    return Page(
        source=source,
        url=url_for_source(source, meta.slug),
        title=title,
        body=body,
        body_line=front.body_line,
        meta=front.meta,
        date=meta.date,
        updated=meta.updated,
        tags=meta.tags,
        draft=meta.draft,
        description=meta.summary,
        template=meta.template,
        weight=meta.weight,
        aliases=meta.aliases,
        image=meta.image,
        is_post=is_post,
        key_lines=front.key_lines,
        errors=errors,
    )


def url_for_source(source: str, slug: str | None = None) -> str:
    """The URL of content file ``source``: every page URL ends in '/'."""
    parts = source[: -len(".md")].split("/")
    if parts[-1] == "index":
        parts.pop()
    elif slug:
        parts[-1] = slug
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
    stem = source.rsplit("/", 1)[-1][: -len(".md")]
    if stem == "index":
        stem = source.rsplit("/", 2)[-2] if "/" in source else "Home"
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Pagination:
    """One page of a list: its items and its neighbours' numbers (None at the ends)."""

    items: list[Page]
    number: int
    total: int
    previous: int | None
    next: int | None


def paginate(items: list[Page], per_page: int, number: int) -> Pagination | None:
    """Page ``number`` (from 1) of ``items``; None when there is no such page.

    An empty list still has its first page, so /posts/ exists before the first post.
    """
    total = max(1, -(-len(items) // per_page))
    if not 1 <= number <= total:
        return None
    start = (number - 1) * per_page
    return Pagination(
        items=items[start : start + per_page],
        number=number,
        total=total,
        previous=number - 1 if number > 1 else None,
        next=number + 1 if number < total else None,
    )


@dataclass
class Tag:
    name: str
    slug: str
    posts: list[Page]


@dataclass
class Site:
    """Every published page, in defined orders, with the URL map and what is wrong."""

    settings: Settings
    pages: list[Page]  # every page and post that has a URL, including the home page
    posts: list[Page]  # newest first
    tags: list[Tag]  # by name
    errors: list[SiteError]  # conflicts; page errors stay on their pages
    renderer: PageRenderer
    now: dt.datetime
    _post_index: dict[int, int] = field(init=False, repr=False)
    _tags_by_slug: dict[str, Tag] = field(init=False, repr=False)
    by_url: dict[str, Page] = field(init=False)
    by_source: dict[str, Page] = field(init=False)
    aliases: dict[str, Page] = field(init=False)  # old URL → the page it moved to
    files: frozenset[str] = frozenset()  # other files of content/, published as they are

    def __post_init__(self) -> None:
        self._post_index = {id(post): index for index, post in enumerate(self.posts)}
        self._tags_by_slug = {tag.slug: tag for tag in self.tags}
        self.by_url = {page.url: page for page in self.pages}
        self.by_source = {page.source: page for page in self.pages}
        self.aliases = {alias: page for page in self.pages for alias in page.aliases}

    @property
    def years(self) -> list[tuple[int, list[Page]]]:
        """Posts grouped by year, newest year first."""
        years: dict[int, list[Page]] = {}
        for post in self.posts:
            years.setdefault(post.date.year, []).append(post)
        return sorted(years.items(), reverse=True)

    def posts_of_year(self, year: int) -> list[Page]:
        return [post for post in self.posts if post.date.year == year]

    def is_scheduled(self, page: Page) -> bool:
        """A post dated in the future: shown in the preview, left out of the build."""
        return page.is_future(self.now)

    def reading_minutes(self, page: Page) -> int:
        words = len(self.render(page).text.split())
        return max(1, round(words / WORDS_PER_MINUTE))

    @property
    def home(self) -> Page | None:
        return self.by_url.get("/")

    @property
    def plain_pages(self) -> list[Page]:
        """Pages that are not posts nor list intros, by weight then title."""
        return [
            page for page in self.pages if not page.is_post and page.url not in ("/", "/posts/")
        ]

    @property
    def posts_intro(self) -> Page | None:
        """``posts/index.md``, shown above the list of posts when it exists."""
        return self.by_source.get(f"{POSTS_SECTION}/index.md")

    def tag(self, slug: str) -> Tag | None:
        return self._tags_by_slug.get(slug)

    def tags_of(self, page: Page) -> list[Tag]:
        """The page's tags, in the order its author wrote them."""
        found = (self._tags_by_slug.get(slugify(name) or "tag") for name in page.tags)
        return list({tag.slug: tag for tag in found if tag is not None}.values())

    def neighbours(self, post: Page) -> tuple[Page | None, Page | None]:
        """The newer and the older post next to ``post``."""
        index = self._post_index.get(id(post))
        if index is None:
            return None, None
        newer = self.posts[index - 1] if index > 0 else None
        older = self.posts[index + 1] if index + 1 < len(self.posts) else None
        return newer, older

    def resolve(self, source: str) -> str | None:
        """The URL of a content file ('docs/intro.md' → '/docs/intro/'), or None."""
        page = self.by_source.get(source)
        if page:
            return page.url
        return "/" + source if source in self.files else None

    def image_url(self, page: Page) -> str | None:
        """Where the page's ``image:`` is: a full URL, a site path, or a file beside the page."""
        beside = _image_beside(page)
        return "/" + beside if beside else page.image

    def nearest_source(self, missing: str) -> str | None:
        """The existing content file whose path is closest to ``missing``."""
        matches = difflib.get_close_matches(missing, list(self.by_source), n=1, cutoff=0.6)
        return matches[0] if matches else None

    def render(self, page: Page) -> Rendered:
        """The page's HTML, rendered once and kept until its source or its links change."""
        if page.rendered is None:
            page.rendered = self.renderer.render(
                page.body, page.source, page.body_line, self.resolve, self.nearest_source
            )
        return page.rendered

    def summary(self, page: Page) -> str:
        """Plain-text summary: front matter 'summary', else the rendered summary."""
        return page.description or plain_text(self.render(page).summary_html)

    def all_errors(self, rendered_before: set[str] | None = None) -> list[SiteError]:
        """Every error of the site: conflicts, front matter, and each page's Markdown (but
        for ``rendered_before``, known to render without one)."""
        errors = list(self.errors)
        for page in self.pages:
            if page.errors or page.source not in (rendered_before or ()):
                errors.extend(page.errors or self.render(page).errors)
        return errors


def build_site(
    pages: list[Page],
    settings: Settings,
    renderer: PageRenderer,
    include_drafts: bool,
    include_future: bool = True,
    now: dt.datetime | None = None,
    files: list[str] | None = None,
) -> Site:
    """Select what is published, order it, index it, and find URL conflicts.

    ``files`` are the other files of content/ (``paths.source_files``).
    """
    now = now or dt.datetime.now(dt.UTC)
    published = [
        page
        for page in pages
        if (include_drafts or not page.draft) and (include_future or not page.is_future(now))
    ]
    published.sort(key=lambda page: page.source)
    files = files or []
    errors = _conflicts(published) + _alias_conflicts(published) + _file_conflicts(files)
    errors += _folder_conflicts(published, files) + _missing_images(published, set(files))
    posts = sorted(
        (page for page in published if page.is_post and page.date),
        key=lambda page: (-page.date.timestamp(), page.title.casefold(), page.source),
    )
    # A post without a valid date has an error saying so: it stays a page of the site so
    # that the build reports it and the preview shows it.
    others = sorted(
        (page for page in published if not page.is_post or not page.date),
        key=lambda page: (page.weight, page.title.casefold(), page.source),
    )
    return Site(
        settings, others + posts, posts, _tags(posts), errors, renderer, now, files=frozenset(files)
    )


def _tags(posts: list[Page]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for post in posts:
        seen: set[str] = set()  # 'Python' and 'python' are one tag
        for name in post.tags:
            slug = slugify(name) or "tag"
            if slug not in seen:
                seen.add(slug)
                tags.setdefault(slug, Tag(name, slug, [])).posts.append(post)
    return sorted(tags.values(), key=lambda tag: (tag.name.casefold(), tag.slug))


def _conflicts(pages: list[Page]) -> list[SiteError]:
    errors: list[SiteError] = []
    owners: dict[str, Page] = {}
    for page in pages:
        problem = url_problem(page.url)
        if problem:
            where = "slug" if page.meta.get("slug") else None
            errors.append(
                SiteError(
                    page.file,
                    page.meta_line(where) if where else None,
                    f"its URL {page.url!r} {problem}",
                    "rename the file or set another 'slug'",
                )
            )
            continue
        reserved = _reserved(page.url)
        if reserved:
            errors.append(
                SiteError(
                    page.file,
                    None,
                    f"its URL {page.url} is reserved for {reserved}",
                    "rename the file or set another 'slug'",
                )
            )
            continue
        other = owners.setdefault(page.url, page)
        if other is not page:
            errors.append(
                SiteError(
                    page.file,
                    None,
                    f"its URL {page.url} is also the URL of {other.file}",
                    "rename one of the files or give one another 'slug'",
                )
            )
    return errors


def _reserved(url: str) -> str | None:
    """What the engine uses ``url`` for, if anything."""
    if YEAR_URL.match(url):
        return "the posts of that year"
    return RESERVED_URLS.get(url) or next(
        (what for prefix, what in RESERVED_PREFIXES.items() if url.startswith(prefix)), None
    )


def _alias_conflicts(pages: list[Page]) -> list[SiteError]:
    """An alias must be a free site URL: not a page's, not another alias, not reserved."""
    errors: list[SiteError] = []
    urls = {page.url: page for page in pages}
    seen: dict[str, Page] = {}
    for page in pages:
        for alias in page.aliases:
            line = page.meta_line("aliases")
            other = urls.get(alias) or seen.get(alias)
            if problem := url_problem(alias):
                pass  # reported as it is
            elif other is not None and other is not page:
                problem = f"is also the URL of {other.file}"
            elif other is page:
                problem = "is the page's own URL"
            elif _reserved(alias) or alias == "/":
                problem = "is a URL the site itself uses"
            else:
                seen[alias] = page
                continue
            errors.append(SiteError(page.file, line, f"alias {alias!r} {problem}"))
    return errors


def _folder_conflicts(pages: list[Page], files: list[str]) -> list[SiteError]:
    """A file of the build may not take the name of a folder the build needs:
    ``content/notes`` beside ``content/notes.md`` (whose page is ``notes/index.html``)."""
    sources: dict[str, str] = {}
    for page in pages:
        for url in (page.url, *page.aliases):
            if not url_problem(url):
                sources.setdefault(output_file(url), page.file)
    for name in files:
        if not url_problem("/" + name):
            sources.setdefault(output_file("/" + name), f"content/{name}")
    return [
        SiteError(
            sources[file],
            None,
            f"its output {file} would take the name of the folder that holds {other}"
            f" (from {sources[other]})",
            "rename or move one of them",
        )
        for file, other in folder_conflicts(sources)
    ]


def _file_conflicts(files: list[str]) -> list[SiteError]:
    """A file of content/ may not take the place of a page or of the engine's own URLs."""
    errors: list[SiteError] = []
    for name in files:
        url = "/" + name
        if problem := url_problem(url):
            problem = f"its URL {url!r} {problem}"
        elif name == "index.html" or name.endswith("/index.html"):
            problem = f"it would replace the page at {url.removesuffix('index.html')}"
        elif reserved := _reserved(url):
            problem = f"its URL {url} is reserved for {reserved}"
        else:
            continue
        errors.append(SiteError(f"content/{name}", None, problem, "rename or move the file"))
    return errors


def _image_beside(page: Page) -> str | None:
    """The content path of an ``image:`` written beside the page ('img/a.png' in
    'posts/a.md' → 'posts/img/a.png'); None for a full URL, a site path, or no image."""
    image = page.image
    if not image or "://" in image or image.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page.source), image))


def _missing_images(pages: list[Page], files: set[str]) -> list[SiteError]:
    """An ``image:`` written as a path beside the page must name a file of content/."""
    errors: list[SiteError] = []
    for page in pages:
        beside = _image_beside(page)
        if beside is None or beside in files:
            continue
        nearest = difflib.get_close_matches(beside, sorted(files), n=1)
        errors.append(
            SiteError(
                page.file,
                page.meta_line("image"),
                f"image '{page.image}' not found: no file content/{beside}",
                f"did you mean content/{nearest[0]}?"
                if nearest
                else "put the image beside the page, or write a URL",
            )
        )
    return errors


def invalidate_links(site: Site) -> None:
    """Forget the HTML of pages whose links to content files now resolve differently."""
    for page in site.pages:
        rendered = page.rendered
        if rendered and any(site.resolve(source) != url for source, url in rendered.links.items()):
            page.rendered = None
