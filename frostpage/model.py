"""The site as plain data: every published page in defined orders, posts, tags, the URL
map and what is wrong. Routes, templates and the freezer all ask the ``Site`` built here.

Any other file of content/ (an image beside its post) is published at its own path:
``docs/img/shot.png`` → ``/docs/img/shot.png``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from . import diagrams, images, snippets
from .checks import consistency_errors
from .config import CONFIG_PATH, ImageSettings, NavLink, Settings
from .errors import SiteError
from .languages import Language, site_languages
from .markup import PageRenderer, Rendered, plain_text
from .page import POSTS_SECTION, Page, image_beside, slugify
from .sections import NavItem, Section, build_sections, places, section_nav, site_nav, walk
from .urls import UrlSpace, reserved, url_space

WORDS_PER_MINUTE = 220
RELATED_POSTS = 3  # listed under a post


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
class Shared:
    """What the languages of a site share: every page, the URL map and the other files."""

    pages: list[Page]  # every language's
    by_url: dict[str, Page]
    by_source: dict[str, Page]
    aliases: dict[str, Page]  # old URL → the page it moved to
    files: frozenset[str]  # other files of content/, published as they are
    translations: dict[str, dict[str, Page]]  # key → language → its page
    # A file of content/ → the name it is published under (an image's fingerprinted one in
    # a build), and back.
    published: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)  # language → its site, default first
    content: Path | None = None  # the folder of content/, whose images get copies
    image_settings: ImageSettings = field(default_factory=ImageSettings)
    # Whether a page keeps its HTML once rendered (the preview), or an outline, its HTML
    # being read from the render cache when a URL needs it (a build: flat memory).
    keep_html: bool = True
    listed_files: list[str] = field(default_factory=list, repr=False)  # ``files`` in order
    space: UrlSpace = field(default_factory=UrlSpace)  # the site's taxonomies and languages
    # The last rendering read from the render cache, with its page and body digest: a
    # page's template asks for its table of contents, then for its HTML.
    last_read: tuple[Page, str, Rendered] | None = field(default=None, repr=False)
    # Each page → whether it is dated after the model's time (``Site.is_scheduled``).
    scheduled: dict[Page, bool] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def conflicts(self) -> list[SiteError]:
        """The consistency checks' errors (``checks``), found when first asked: a rebuild
        whose inputs besides the pages' text are as the last build's knows there are none."""
        return consistency_errors(self.pages, self.listed_files, self.space)

    def known_consistent(self) -> None:
        """Skip the consistency checks: they read only what the build's fingerprint holds
        (every page's front matter and place, the names of the files, the settings), and
        the last build with the same fingerprint passed them."""
        self.__dict__["conflicts"] = []

    @functools.cached_property
    def copies(self) -> dict[str, images.Copy]:
        """Every resized copy and social card of the images of content/, by published name
        (an image Pillow cannot read has none: the pages that show it say so)."""
        if self.content is None:
            return {}
        found: list[images.Copy] = []
        for source in sorted(self.files):
            if images.is_image(source):
                with contextlib.suppress(images.UnreadableImage):
                    shown = images.picture(self.content, source, self.image_settings)
                    found += shown.copies if shown else ()
        found += filter(None, map(self.card, sorted(self.social_images)))
        return {copy.name: copy for copy in found}

    @functools.cached_property
    def has_diagrams(self) -> bool:
        """Whether a page of the site draws a diagram (then the build ships Mermaid): asked
        by every enumeration of the site's URLs, found once."""
        site = next(iter(self.sites.values()))
        return any(diagrams.has_diagrams(site, page) for page in self.pages if not page.errors)

    @property
    def social_images(self) -> set[str]:
        """The images of content/ that pages name in ``image:``."""
        return {name for page in self.pages if (name := image_beside(page)) in self.files}

    def card(self, source: str) -> images.Copy | None:
        """The social card of an image of content/ (None for one that cannot have one)."""
        if self.content is None or source not in self.files:
            return None
        return images.card(self.content, source, self.image_settings)


@dataclass
class Site:
    """One language of the site: its pages in defined orders, its posts, tags, sections and
    navigation; the URL map and the files are the whole site's (``shared``)."""

    settings: Settings  # the site's, with this language's own keys
    pages: list[Page]  # every page and post of this language that has a URL, its home too
    posts: list[Page]  # newest first
    tags: list[Tag]  # by name
    # The whole site's errors besides ``shared.conflicts``; page errors stay on their pages.
    errors: list[SiteError]
    renderer: PageRenderer
    now: dt.datetime
    language: Language
    shared: Shared
    _post_index: dict[int, int] = field(init=False, repr=False)
    _tags_by_slug: dict[str, Tag] = field(init=False, repr=False)
    unpublished: bool = field(init=False)
    # The site's other taxonomies (settings.taxonomies): name → its terms, by name.
    taxonomies: dict[str, list[Tag]] = field(init=False)
    _terms_by_slug: dict[tuple[str, str], Tag] = field(init=False, repr=False)
    sections: Section = field(init=False)  # content/ itself, with the sections under it
    made_sections: dict[str, Section] = field(init=False)  # URL → a section frostpage pages
    nav: list[NavItem] = field(init=False)  # the navigation tree
    _sidebars: dict[int, NavItem] = field(init=False, repr=False, default_factory=dict)
    _tag_members: dict[int, tuple[frozenset[int], list[int]]] = field(
        init=False, repr=False, default_factory=dict
    )
    _tag_pairs: dict[tuple[int, int], frozenset[int]] = field(
        init=False, repr=False, default_factory=dict
    )
    # endpoint → the values of its URLs in this language (urls.exists), listed when asked.
    known_urls: dict[str, set[frozenset[tuple[str, Any]]]] = field(
        init=False, repr=False, default_factory=dict
    )
    # Every URL of the site (urls.site_urls), listed once: the build and its sitemap ask.
    all_urls: list[tuple[str, dict[str, Any], dt.datetime | None, bool]] | None = field(
        init=False, repr=False, default=None
    )

    def __post_init__(self) -> None:
        self._post_index = {id(post): index for index, post in enumerate(self.posts)}
        self._tags_by_slug = {tag.slug: tag for tag in self.tags}
        self.taxonomies = {
            name: _tags(self.posts, taxonomy=name) for name in self.settings.taxonomies
        }
        self._terms_by_slug = {
            (name, term.slug): term for name, terms in self.taxonomies.items() for term in terms
        }
        # Drafts or scheduled posts shown (the preview): its feeds and API stay on this origin.
        self.unpublished = any(page.draft or self.is_scheduled(page) for page in self.shared.pages)
        self.sections = build_sections(self.pages, self._taken, self.language.prefix)
        found = places(self.sections)
        for page in self.pages:
            page.__dict__["_place"] = found.get(page)
        # Folders without an index page, whose section page frostpage makes.
        self.made_sections = {
            section.url: section
            for section in walk(self.sections)
            if section.index is None and section.url and section.url != self.home_url
        }
        intro = self.posts_intro
        blog = (
            NavItem(intro.title if intro else "Blog", self.home_url + f"{POSTS_SECTION}/")
            if self.posts
            else None
        )
        missing: list[NavLink] = []
        self.nav = site_nav(self.settings.nav, self.sections, self.resolve, blog, missing)
        self.errors += [
            SiteError(
                CONFIG_PATH,
                link.line,
                f"[[nav]] entry {link.title!r} names {link.url}, which is not a page",
                "name a file of content/ (as 'docs/intro.md'), or write its URL",
            )
            for link in missing
        ]

    @property
    def by_url(self) -> dict[str, Page]:
        """Every page of every language by its URL."""
        return self.shared.by_url

    @property
    def by_source(self) -> dict[str, Page]:
        return self.shared.by_source

    @property
    def aliases(self) -> dict[str, Page]:
        return self.shared.aliases

    @property
    def files(self) -> frozenset[str]:
        return self.shared.files

    @property
    def all_pages(self) -> list[Page]:
        """The pages of every language (``pages`` are this language's)."""
        return self.shared.pages

    @property
    def languages(self) -> list[Site]:
        """The site in each of its languages, the default one first."""
        return list(self.shared.sites.values())

    @property
    def main(self) -> Site:
        """The site in its default language, which holds what is the whole site's."""
        return next(iter(self.shared.sites.values()))

    def in_language(self, code: str) -> Site:
        return self.shared.sites.get(code, self)

    def translations(self, page: Page) -> dict[str, Page]:
        """The page in each language it is written in, itself included, language → page."""
        return self.shared.translations.get(page.key, {page.language: page})

    @property
    def home_url(self) -> str:
        """'/' ('/fr/' for French): where this language's home page is."""
        return self.language.prefix + "/"

    def _taken(self, url: str) -> bool:
        """Whether a URL is a page's, an alias', a file's or the engine's own."""
        return (
            url in self.by_url
            or url in self.aliases
            or url.strip("/") in self.files
            or reserved(url, self.url_space) is not None
        )

    def template_for(self, page: Page) -> str:
        """The template of a page: its own choice, else the nearest section's choice for
        the pages under it (``page_template``), else the theme's for its kind."""
        if page.template:
            return page.template
        if page.url == self.home_url:
            return "index.html"
        if page.is_post:
            return "post.html"
        section = page.section
        if section is None or section is self.sections:
            return "page.html"
        if section.index is page:
            return "section.html"
        for above in [section, *reversed(section.parents)]:
            if above.index is not None and above.index.page_template:
                return above.index.page_template
        return "doc.html"

    def sidebar_for(self, page: Page | Section) -> NavItem | None:
        """The entry of the navigation tree a page is under (its children are the sidebar),
        else its top-level section's tree; None for pages outside any section."""
        url = page.url or ""
        for item in self.nav:
            if item.children and item.contains(url):
                return item
        section = page if isinstance(page, Section) else page.section
        if section is None or section is self.sections:
            return None
        top = ([*section.parents, section])[1]
        if id(top) not in self._sidebars:
            self._sidebars[id(top)] = NavItem(top.title, top.url, section_nav(top))
        return self._sidebars[id(top)]

    @functools.cached_property
    def years(self) -> list[tuple[int, list[Page]]]:
        """Posts grouped by year, newest year first (the posts of a site never change: a
        change makes the site anew)."""
        years: dict[int, list[Page]] = {}
        for post in self.posts:
            years.setdefault(post.post_date.year, []).append(post)
        return sorted(years.items(), reverse=True)

    def posts_of_year(self, year: int) -> list[Page]:
        return [post for post in self.posts if post.post_date.year == year]

    def is_scheduled(self, page: Page) -> bool:
        """A post dated in the future: shown in the preview, left out of the build. Each
        page is compared once: a build asks of every page several times, and comparing
        dates in two time zones takes a microsecond."""
        known = self.shared.scheduled.get(page)
        if known is None:
            known = self.shared.scheduled[page] = page.is_future(self.now)
        return known

    def reading_minutes(self, page: Page) -> int:
        return max(1, round(self.outline(page).words / WORDS_PER_MINUTE))

    @property
    def home(self) -> Page | None:
        return self.by_url.get(self.home_url)

    @property
    def plain_pages(self) -> list[Page]:
        """Pages that are not posts nor list intros, by weight then title."""
        intros = (self.home_url, self.home_url + f"{POSTS_SECTION}/")
        return [page for page in self.pages if not page.is_post and page.url not in intros]

    @functools.cached_property
    def posts_intro(self) -> Page | None:
        """``posts/index.md`` (or ``posts.md``), shown above the list of posts (asked for
        each page the search index lists)."""
        return self.by_url.get(self.home_url + f"{POSTS_SECTION}/")

    @property
    def url_space(self) -> UrlSpace:
        """What the engine's URLs depend on: the site's taxonomies and languages' prefixes."""
        return url_space(self.settings)

    def tag(self, slug: str) -> Tag | None:
        return self._tags_by_slug.get(slug)

    def term(self, taxonomy: str, slug: str) -> Tag | None:
        return self._terms_by_slug.get((taxonomy, slug))

    def terms_of(self, page: Page, taxonomy: str) -> list[Tag]:
        """The page's terms of ``taxonomy`` ('categories'), in the order its author wrote them."""
        found = (
            self.term(taxonomy, slugify(name) or "term") for name in page.terms.get(taxonomy, ())
        )
        return list({term.slug: term for term in found if term is not None}.values())

    def tags_of(self, page: Page) -> list[Tag]:
        """The page's tags, in the order its author wrote them."""
        found = (self._tags_by_slug.get(slugify(name) or "tag") for name in page.tags)
        return list({tag.slug: tag for tag in found if tag is not None}.values())

    def related(self, post: Page, count: int = RELATED_POSTS) -> list[Page]:
        """The posts that share the most tags and terms with ``post``, then the newest, then
        by title: the same list on every build.

        Found level by level, from the posts in every group of ``post`` down to those in
        one, by intersecting the groups' sets of posts: counting every post of each group
        made a site of 100,000 posts, with tags of thousands, quadratic."""
        groups = [self.tags_of(post)] + [
            self.terms_of(post, name) for name in self.settings.taxonomies
        ]
        tags = [tag for group in groups for tag in group]
        members = [self._members(tag) for tag in tags]
        sets = [found for found, _ in members]
        pairs = {
            (a, b): self._shared(tags[a], tags[b]) for a, b in combinations(range(len(tags)), 2)
        }
        chosen: list[int] = []
        taken = {self._post_index.get(id(post), -1)}
        for level in range(len(sets), 0, -1):  # posts in at least ``level`` of the groups
            wanted = count - len(chosen)
            if wanted <= 0:
                break
            if level == 1:  # the newest of each group suffice
                heads = (order[: wanted + len(taken)] for _, order in members)
                found = set().union(*heads)
            else:
                found = set().union(
                    *(
                        pairs[some[0], some[1]].intersection(*(sets[i] for i in some[2:]))
                        for some in combinations(range(len(sets)), level)
                    )
                )
            found -= taken
            chosen += sorted(found)[:wanted]
            taken |= found  # fewer than wanted, or the list is full: all of them are placed
        return [self.posts[index] for index in chosen]

    def _members(self, tag: Tag) -> tuple[frozenset[int], list[int]]:
        """The places in ``posts`` of a tag's or term's posts, as a set and in order
        (newest first); computed once per tag."""
        found = self._tag_members.get(id(tag))
        if found is None:
            places = (self._post_index.get(id(other)) for other in tag.posts)
            order = sorted(place for place in places if place is not None)
            found = self._tag_members[id(tag)] = (frozenset(order), order)
        return found

    def _shared(self, first: Tag, second: Tag) -> frozenset[int]:
        """The places in ``posts`` of the posts in both of two tags or terms; computed once
        per pair, which thousands of posts may share."""
        key = (id(first), id(second)) if id(first) < id(second) else (id(second), id(first))
        found = self._tag_pairs.get(key)
        if found is None:
            found = self._tag_pairs[key] = self._members(first)[0] & self._members(second)[0]
        return found

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
            # Written in this language too: its translation (as Hugo's ref finds it).
            return self.translations(page).get(self.language.code, page).url
        return "/" + self.published_name(source) if source in self.files else None

    def published_name(self, source: str) -> str:
        """The name a file of content/ is published under (assets.published_names)."""
        return self.shared.published.get(source, source)

    def image_url(self, page: Page) -> str | None:
        """Where the page's ``image:`` is: a full URL, a site path, or a file beside the page
        (as its social card, when it can have one)."""
        beside = image_beside(page)
        if not beside:
            return page.image
        card = self.shared.card(beside)
        return "/" + (card.name if card else self.published_name(beside))

    def nearest_source(self, missing: str, linking: str | None = None) -> str | None:
        """The existing content file whose path is closest to ``missing``; never ``linking``,
        the page the link is on."""
        matches = difflib.get_close_matches(missing, list(self.by_source), n=2, cutoff=0.6)
        return next((match for match in matches if match != linking), None)

    def render(self, page: Page) -> Rendered:
        """The page's HTML, rendered once and kept until its source or its links change.

        A build keeps only an outline on the page (``Shared.keep_html``): its HTML is read
        from the render cache each time a URL needs it."""
        rendered = page.rendered
        if rendered is not None and not rendered.outline:
            return rendered
        digest = page.body_digest  # the body is read only when the cache has no rendering
        last = self.shared.last_read
        if rendered is not None and last and last[0] is page and last[1] == digest:
            return last[2]  # the outline's own rendering, read just before
        resolve = self.in_language(page.language).resolve  # links lead to translations
        full = self.renderer.cached(digest, page.source, page.body_line, resolve)
        if full is None:
            body, suggest = page.body, self.nearest_source
            full = self.renderer.render(body, page.source, page.body_line, resolve, suggest)
        self.shared.last_read = page, digest, full
        # Kept unless the page was saved again meanwhile (the preview).
        if rendered is None and page.body_digest == digest:
            page.rendered = full if self.shared.keep_html else full.without_html()
        return full

    def outline(self, page: Page) -> Rendered:
        """What rendering the page gave besides its HTML, text and table of contents (its
        summary, links, errors, warnings, words): known without reading the cache again."""
        return page.rendered or self.render(page)

    def summary(self, page: Page) -> str:
        """Plain-text summary: front matter 'summary', else the rendered summary."""
        return page.description or plain_text(self.outline(page).summary_html)

    def all_errors(self, rendered_before: set[str] | None = None) -> list[SiteError]:
        """Every error of the site: conflicts, front matter, and each page's Markdown (but
        for ``rendered_before``, known to render without one)."""
        errors = self.shared.conflicts + self.errors
        for page in self.all_pages:
            if page.errors or page.source not in (rendered_before or ()):
                errors.extend(page.errors or self.outline(page).errors)
        if self.settings.links.broken == "error":
            errors += self.broken_links(rendered_before)
        return errors

    def broken_links(self, rendered_before: set[str] | None = None) -> list[SiteError]:
        """Every link of a page's Markdown to a page that does not exist (but in
        ``rendered_before``, known to have none)."""
        return [
            error
            for page in self.all_pages
            if not page.errors and page.source not in (rendered_before or ())
            for error in self.outline(page).broken_links
        ]

    def markdown_warnings(self, rendered_before: set[str] | None = None) -> list[SiteError]:
        """What the pages' Markdown warns of (images without alt text), but for the pages
        in ``rendered_before``, known to have no warning."""
        return [
            warning
            for page in self.all_pages
            if not page.errors and page.source not in (rendered_before or ())
            for warning in self.outline(page).warnings
        ]


def build_site(
    pages: list[Page],
    settings: Settings,
    renderer: PageRenderer,
    include_drafts: bool,
    include_future: bool = True,
    now: dt.datetime | None = None,
    files: list[str] | None = None,
    file_names: dict[str, str] | None = None,
    content: Path | None = None,
) -> Site:
    """Select what is published, order it and index it (its URL conflicts are found when
    first asked: ``Shared.conflicts``).

    ``files`` are the other files of content/ (``paths.source_files``), ``file_names`` the
    names they are published under (fingerprinted images); ``content`` the folder of
    content/, for its images' copies.
    """
    now = now or dt.datetime.now(dt.UTC)
    scheduled = {page: page.is_future(now) for page in pages}
    published = [
        page
        for page in pages
        if (include_drafts or not page.draft) and (include_future or not scheduled[page])
    ]
    published.sort(key=lambda page: page.source)
    files = files or []
    errors: list[SiteError] = []
    translations: dict[str, dict[str, Page]] = {}
    for page in published:
        if not page.key:  # a file that could not be read: its own error says so
            continue
        other = translations.setdefault(page.key, {}).setdefault(page.language, page)
        if other is not page:
            errors.append(
                SiteError(
                    page.file,
                    page.meta_line("translation_key") or page.meta_line("translationKey"),
                    f"it is the {page.language!r} version of {page.key}, as {other.file} is",
                    "remove one of them, or give one another 'translation_key'",
                )
            )
    shared = Shared(
        pages=published,
        by_url={page.url: page for page in published},
        by_source={page.source: page for page in published},
        aliases={alias: page for page in published for alias in page.aliases},
        files=frozenset(files),
        translations={key: found for key, found in translations.items() if len(found) > 1},
        published=file_names or {},
        sources={name: source for source, name in (file_names or {}).items()},
        content=content,
        image_settings=settings.images,
        listed_files=files,
        space=url_space(settings),
        scheduled=scheduled,
    )
    for language in site_languages(settings):
        own = [page for page in published if page.language == language.code]
        posts = sorted(
            (page for page in own if page.is_post and page.date),
            key=lambda page: (-page.post_date.timestamp(), page.title.casefold(), page.source),
        )
        # A post without a valid date has an error saying so: it stays a page of the site so
        # that the build reports it and the preview shows it.
        others = sorted(
            (page for page in own if not page.is_post or not page.date),
            key=lambda page: (page.weight, page.title.casefold(), page.source),
        )
        shared.sites[language.code] = Site(
            language.settings,
            others + posts,
            posts,
            _tags(posts),
            errors,
            renderer,
            now,
            language,
            shared,
        )
    return shared.sites[settings.language]


def _tags(posts: list[Page], taxonomy: str | None = None) -> list[Tag]:
    """The posts' tags (or their terms of ``taxonomy``), each with its posts."""
    tags: dict[str, Tag] = {}
    slugs: dict[str, str] = {}  # each name's
    for post in posts:
        for name in post.terms.get(taxonomy, ()) if taxonomy else post.tags:
            slug = slugs.get(name)
            if slug is None:
                slug = slugs[name] = slugify(name) or ("term" if taxonomy else "tag")
            tag = tags.get(slug)
            if tag is None:  # a Tag for each tag, not for each post's tag
                tags[slug] = Tag(name, slug, [post])
            elif tag.posts[-1] is not post:  # 'Python' and 'python' are one tag
                tag.posts.append(post)
    return sorted(tags.values(), key=lambda tag: (tag.name.casefold(), tag.slug))


def forget_stale_html(site: Site, root: Path, rebuilt: bool) -> None:
    """Forget the HTML of pages whose included files (snippets, shortcode templates) or
    images changed, and, when the model was ``rebuilt``, of those whose links to content
    files now resolve differently (links move only when pages or files do)."""
    for page in site.all_pages:
        rendered = page.rendered
        resolve = site.in_language(page.language).resolve
        if rendered and (
            (rendered.reads and not snippets.unchanged(root, rendered.reads))
            or (rendered.images and not images.unchanged(root / "content", rendered.images))
            or (rebuilt and any(resolve(s) != url for s, url in rendered.links.items()))
        ):
            page.rendered = None
            site.shared.__dict__.pop("has_diagrams", None)  # found again from the new HTML
