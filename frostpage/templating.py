"""What templates call: the site's context, a page's HTML and TOC, and its URLs.

Every URL goes through ``url_for``, so the site's base path is always applied; the answers
are remembered while the app runs, since every page asks for the same links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

from flask import current_app, g, request, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from . import i18n
from .config import Settings
from .diagrams import LOADER, has_diagrams
from .frontmatter import singular
from .languages import Language
from .model import Tag
from .page import Page, image_beside
from .sections import NavItem, Section
from .state import current_language, current_site, site_state
from .urls import code_stylesheets, versions

# Where a request keeps url_for's answers for its base path and language (flask.g).
URLS = "frostpage_urls"

# The functions templates may call by name.
HELPERS = (
    "page_url",
    "social_image",
    "social_image_size",
    "tag_url",
    "site_link",
    "absolute_url",
    "asset_url",
    "diagram_script",
    "content_of",
    "toc_of",
    "summary_of",
    "tags_of",
    "terms_of",
    "term_url",
    "taxonomy_title",
    "taxonomy_names",
    "neighbours",
    "related_posts",
    "reading_minutes",
    "is_scheduled",
    "language_links",
    "translated",
    "structured_data",
    "code_stylesheet_url",
    "alternate_links",
)


def template_context() -> dict[str, Any]:
    state = site_state(current_app)
    site = current_site()
    return {
        "site": site,
        "config": site.settings,
        "language": site.language,
        "data": state.data,
        "dev": current_app.config["FROSTPAGE_DEV"],
    }


@dataclass(frozen=True)
class LanguageLink:
    """A language of the site as the switcher shows it, with where it leads from the page
    being written: the same page in that language, else that language's home."""

    language: Language
    url: str
    current: bool  # the page's own language
    translated: bool  # leads to the same page (not to the home page)


def language_links() -> list[LanguageLink]:
    """The languages, for a language switcher (none on a site of one language)."""
    site = current_site()
    if len(site.languages) < 2:
        return []
    found = _versions()
    links = []
    for other in site.languages:
        code = other.language.code
        endpoint, values = found.get(code, ("home", {"lang": code}))
        url = remembered_url_for(endpoint, **values)
        links.append(LanguageLink(other.language, url, other is site, code in found))
    return links


def alternate_links() -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of each language's version of the page being written, and
    'x-default' for the default language's: none for a page in one language only."""
    found = _versions()
    if len(found) < 2:
        return []
    links = [(code, absolute_url(remembered_url_for(e, **v))) for code, (e, v) in found.items()]
    default = current_site().main.language.code
    fallback = dict(links).get(default)
    return links + ([("x-default", fallback)] if fallback else [])


def _versions() -> dict[str, tuple[str, dict[str, Any]]]:
    if request.endpoint is None or len(current_site().languages) < 2:
        return {}
    return versions(current_site(), request.endpoint, request.view_args or {})


def content_of(page: Page) -> Markup:
    """The page's body as HTML."""
    return Markup(current_site().render(page).html)


def toc_of(page: Page) -> Markup:
    """The page's table of contents as a nested list ('' when it has no headings)."""
    return Markup(current_site().render(page).toc_html)


def summary_of(page: Page) -> str:
    return current_site().summary(page)


def tags_of(page: Page) -> list[Tag]:
    return current_site().tags_of(page)


def terms_of(page: Page, taxonomy: str) -> list[Tag]:
    return current_site().terms_of(page, taxonomy)


def term_url(taxonomy: str, term: Tag) -> str:
    return remembered_url_for("term", taxonomy=taxonomy, slug=term.slug)


def taxonomy_names() -> list[str]:
    """The site's taxonomies besides tags (for macros, which see no ``config``)."""
    return current_site().settings.taxonomies


def taxonomy_title(taxonomy: str, one: bool = False) -> str:
    """'categories' → 'Categories' (or 'Category', ``one``), for headings, in the page's
    language where a catalogue has it."""
    name = singular(taxonomy) if one else taxonomy
    return translated(name.replace("-", " ").capitalize())


def translated(text: str) -> str:
    """A title in the page's language where a catalogue has it ('Blog' → 'المدونة'):
    looked up as it is, never read as a format, unlike ``_()``."""
    return i18n.lookup(text)


def neighbours(post: Page) -> tuple[Page | None, Page | None]:
    return current_site().neighbours(post)


def related_posts(post: Page) -> list[Page]:
    """Up to three posts sharing the most tags and terms with ``post``."""
    return current_site().related(post)


def reading_minutes(page: Page) -> int:
    return current_site().reading_minutes(page)


def is_scheduled(page: Page) -> bool:
    return current_site().is_scheduled(page)


def remembered_url_for(endpoint: str, **values: Any) -> str:
    """url_for, remembered: every page asks for the same links (nav, feeds, lists, tags),
    and the URL map and base path do not change while the app runs. A request finds the
    answers for its base path and language once (a page asks for dozens)."""
    for name in values:
        if name.startswith("_"):
            return url_for(endpoint, **values)  # _external and the like depend on the request
    urls = g.get(URLS)
    if urls is None:
        place = (request.script_root, current_language())
        urls = site_state(current_app).urls.setdefault(place, {})
        setattr(g, URLS, urls)
    key = (endpoint, *sorted(values.items()))
    try:
        return urls[key]
    except KeyError:
        urls[key] = url = url_for(endpoint, **values)
        return url
    except TypeError:  # a list of values cannot be a key: asked each time
        return url_for(endpoint, **values)


def page_url(page: Page | Section | NavItem, _external: bool = False) -> str:
    """The URL of a page, post, section or entry of the navigation, through url_for, so the
    base path is always applied (another site's URL stays as it is)."""
    if isinstance(page, NavItem):
        url = page.url or ""
        if not (url.startswith("/") and url.endswith("/")) or "?" in url:
            return site_link(url)  # another site's, a file's, or as written with a #fragment
        path = url.strip("/")
        return remembered_url_for("page", path=path) if path else remembered_url_for("home")
    if isinstance(page, Section):
        if page.index is None:
            path = (page.url or "").strip("/")
            url = remembered_url_for("page", path=path) if path else remembered_url_for("home")
            return absolute_url(url) if _external else url
        page = page.index
    if page.url == "/":
        url = remembered_url_for("home", lang="")
    else:  # the page's URL is whole: the language's prefix is in it
        url = remembered_url_for("page", path=page.url_path)
    return absolute_url(url) if _external else url


def social_image(page: Page | None) -> str | None:
    """The absolute URL of a page's ``image:`` for link previews (Open Graph), if it has one."""
    url = current_site().image_url(page) if page else None
    if url is None or "://" in url:
        return url
    return absolute_url(site_link(quote(url)))


def social_image_size(page: Page | None) -> tuple[int, int] | None:
    """The width and height of the page's social card (its ``image:`` beside it, resized
    to 1200×630), for Open Graph; None for any other image."""
    beside = image_beside(page) if page else None
    card = current_site().shared.card(beside) if beside else None
    return (card.width, card.height) if card else None


def structured_data(
    page: Page | None = None, section: Section | None = None, breadcrumbs: bool = False
) -> Markup:
    """schema.org's description of the page for search engines, as JSON-LD: a BlogPosting
    for a post, the WebSite on the home page, and a BreadcrumbList on a page that shows
    breadcrumbs (``breadcrumbs``: the documentation layout's); '' on other pages."""
    site = current_site()
    settings = site.settings
    found: list[dict[str, Any]] = []
    if request.endpoint == "home":
        found.append(
            {
                "@type": "WebSite",
                "name": settings.title,
                "url": absolute_url(remembered_url_for("home")),
                "inLanguage": site.language.code,
                **({"description": settings.description} if settings.description else {}),
            }
        )
    if page is not None and page.is_post and page.date:
        url = page_url(page, _external=True)
        image = social_image(page)
        post: dict[str, Any] = {
            "@type": "BlogPosting",
            "headline": page.title,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": page.date.isoformat(),
            "dateModified": (page.updated or page.date).isoformat(),
            "inLanguage": page.language or site.language.code,
            "description": page.about or site.summary(page),
        }
        if settings.author:
            post["author"] = {"@type": "Person", "name": settings.author}
        if image:
            post["image"] = [image]
        tags = [tag.name for tag in site.tags_of(page)]
        if tags:
            post["keywords"] = tags
        found.append(post)
    current = page or section
    if breadcrumbs and current is not None and current.parents:
        trail = [
            (item.title, page_url(item, _external=True)) for item in current.parents if item.url
        ]
        trail.append((current.title, absolute_url(request.script_root + request.path)))
        found.append(
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": number, "name": name, "item": url}
                    for number, (name, url) in enumerate(trail, start=1)
                ],
            }
        )
    if not found:
        return Markup("")
    document = (
        {"@context": "https://schema.org", **found[0]}
        if len(found) == 1
        else {
            "@context": "https://schema.org",
            "@graph": found,
        }
    )
    return Markup('<script type="application/ld+json">{}</script>').format(
        Markup(htmlsafe_json_dumps(document, sort_keys=True))
    )


def tag_url(tag: Tag) -> str:
    return remembered_url_for("tag", slug=tag.slug)


def site_link(url: str) -> str:
    """A root-relative link from the config ('/docs/') with the site's base path."""
    return request.script_root + url if url.startswith("/") else url


def code_stylesheet_url(scheme: str = "light") -> str:
    """The URL of the code stylesheet of a scheme ('light' or 'dark'): fingerprinted in the
    build, as the files of static/ are, plain in the preview."""
    endpoint = "highlight_css" if scheme == "light" else "highlight_dark_css"
    if site_state(current_app).dev:
        return remembered_url_for(endpoint)
    return remembered_url_for(endpoint, version=code_stylesheets(current_site())[scheme][1])


def asset_url(filename: str) -> str:
    """A static file's URL: fingerprinted in the build (cacheable forever), plain in preview."""
    state = site_state(current_app)
    if not state.dev:
        fingerprinted = state.assets.fingerprinted(filename)
        if fingerprinted is not None:
            state.fingerprinted_used.add(fingerprinted)
            return remembered_url_for("static", filename=fingerprinted)
    return remembered_url_for("static", filename=filename)


def diagram_script(page: Page | None) -> Markup:
    """The script that draws a page's Mermaid diagrams, for its <head>; nothing on a page
    without one."""
    if page is None or not has_diagrams(current_site(), page):
        return Markup("")
    src = remembered_url_for("diagrams", name=LOADER)
    return Markup('<script type="module" src="{}"></script>').format(src)


def absolute_url(url: str) -> str:
    """``/blog/about/`` → ``https://example.org/blog/about/`` using the configured base URL."""
    return absolute_urls(current_site().settings)(url)


def absolute_urls(settings: Settings) -> Callable[[str], str]:
    """absolute_url for the site of ``settings``, for many URLs. A site path is put after
    the base URL as it is: read as a reference, ``/notes:1/`` would be a URL of the
    scheme "notes"."""
    base_url, base_path = settings.base_url, settings.base_path
    under_base = base_path + "/"

    def absolute(url: str) -> str:
        if not url.startswith("/"):
            return urljoin(base_url, url)  # another site's, or relative to the base
        path = url[len(base_path) :] if url.startswith(under_base) else url
        return base_url + path.lstrip("/")

    return absolute


def format_date(value: dt.datetime | None, format: str | None = None) -> str:
    """A date as the page's language writes it: ``format``, else the language's
    date_format (see i18n.format_date)."""
    if value is None:
        return ""
    settings = current_site().settings
    return i18n.format_date(value, format or settings.date_format, settings.language)


def iso_date(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""
