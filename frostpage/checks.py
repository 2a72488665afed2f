"""Consistency checks of the site model: two sources never share a URL, no URL is the
engine's own or leaves the output folder, and what the front matter names exists.

Each check returns every error it finds, with the file (and line) to fix.
"""

from __future__ import annotations

import contextlib
import difflib

from .errors import SiteError
from .page import Page, image_beside
from .paths import folder_conflicts, output_file, url_problem
from .urls import PLAIN, UrlSpace, reserved

URL_KEYS = ("url", "permalink", "path")  # the keys that write a page's URL


def consistency_errors(
    pages: list[Page], files: list[str], space: UrlSpace = PLAIN
) -> list[SiteError]:
    """Every conflict of ``pages`` (published) and ``files`` (the other files of content/);
    ``space`` holds the site's taxonomies and languages, whose URLs are the engine's."""
    return (
        _conflicts(pages, space)
        + _alias_conflicts(pages, space)
        + _file_conflicts(files, space)
        + _folder_conflicts(pages, files)
        + _missing_images(pages, set(files))
        + _undeclared_translations(pages)
    )


def _conflicts(pages: list[Page], space: UrlSpace) -> list[SiteError]:
    errors: list[SiteError] = []
    owners: dict[str, Page] = {}
    for page in pages:
        route = reserved(page.url, space)
        if problem := url_problem(page.url):
            key = _url_key(page)
            line = page.meta_line(key) if key else None
            hint = f"write another '{key}'" if key else "rename the file"
            errors.append(SiteError(page.file, line, f"its URL {page.url!r} {problem}", hint))
        elif (prefix := _prefix_of(page.url, space)) and prefix != page.language:
            errors.append(
                SiteError(
                    page.file,
                    page.meta_line(next((k for k in URL_KEYS if k in page.meta), "")),
                    f"its URL {page.url} is under /{prefix}/, where the pages in {prefix!r} are",
                    f"write its URL without /{prefix}/, or make it a translation into {prefix!r}",
                )
            )
        elif route and not route.intro:
            errors.append(
                SiteError(
                    page.file,
                    None,
                    f"its URL {page.url} is reserved for {route.what}",
                    "rename the file or set another 'slug'",
                )
            )
        elif (other := owners.setdefault(page.url, page)) is not page:
            errors.append(_shared_url(page, other))
    return errors


def _shared_url(page: Page, other: Page) -> SiteError:
    """Two pages at one URL: the error is the one's that wrote its URL in its front matter,
    at that line, when the other's comes from its file's name; else the later one's."""
    if _url_key(other) and not _url_key(page):
        page, other = other, page
    key = _url_key(page)
    line = page.meta_line(key) if key else None
    hint = f"write another '{key}'" if key else "rename one of the files or give one another 'slug'"
    return SiteError(page.file, line, f"its URL {page.url} is also the URL of {other.file}", hint)


def _url_key(page: Page) -> str | None:
    """The key of the front matter that makes the page's URL, if one does."""
    return next((key for key in (*URL_KEYS, "slug") if key in page.meta), None)


def _prefix_of(url: str, space: UrlSpace) -> str | None:
    """The language whose prefix ``url`` is under ('/fr/about/' → 'fr'), if any."""
    first = url.strip("/").partition("/")[0]
    return first if first in space.languages else None


def _alias_conflicts(pages: list[Page], space: UrlSpace) -> list[SiteError]:
    """An alias must be a free site URL: not a page's, not another alias, not reserved."""
    errors: list[SiteError] = []
    urls = {page.url: page for page in pages}
    seen: dict[str, Page] = {}
    for page in pages:
        for alias in page.aliases:
            other = urls.get(alias) or seen.get(alias)
            problem = _alias_problem(alias, page, other, space)
            if problem:
                line = page.meta_line("aliases")
                errors.append(SiteError(page.file, line, f"alias {alias!r} {problem}"))
            else:
                seen[alias] = page
    return errors


def _alias_problem(alias: str, page: Page, other: Page | None, space: UrlSpace) -> str | None:
    """Why ``alias`` of ``page`` cannot be, given ``other``, the page already at that URL."""
    if problem := url_problem(alias):
        return problem
    if route := reserved(alias, space):
        return f"is reserved for {route.what}"
    if other is page:
        return "is the page's own URL"
    return f"is also the URL of {other.file}" if other is not None else None


def _folder_conflicts(pages: list[Page], files: list[str]) -> list[SiteError]:
    """A file of the build may not take the name of a folder the build needs:
    ``content/notes`` beside ``content/notes.md`` (whose page is ``notes/index.html``)."""
    sources: dict[str, str] = {}
    for page in pages:
        for url in (page.url, *page.aliases):
            with contextlib.suppress(ValueError):  # a URL that cannot be: its own error
                sources.setdefault(output_file(url), page.file)
    for name in files:
        with contextlib.suppress(ValueError):
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


def _file_conflicts(files: list[str], space: UrlSpace) -> list[SiteError]:
    """A file of content/ may not take the place of a page or of the engine's own URLs."""
    errors: list[SiteError] = []
    for name in files:
        url = "/" + name
        if problem := url_problem(url):
            problem = f"its URL {url!r} {problem}"
        elif name == "index.html" or name.endswith("/index.html"):
            problem = f"it would replace the page at {url.removesuffix('index.html')}"
        elif route := reserved(url, space):
            problem = f"its URL {url} is reserved for {route.what}"
        else:
            continue
        errors.append(SiteError(f"content/{name}", None, problem, "rename or move the file"))
    return errors


def _undeclared_translations(pages: list[Page]) -> list[SiteError]:
    """'about.de.md' beside 'about.md' is a translation into German, which the site must
    declare ('how.to.md' beside no 'how.md' is a page like any other)."""
    sources = {page.source for page in pages} | {page.key for page in pages}
    return [
        SiteError(
            page.file,
            1,
            f"is named as a translation into {code!r} of content/{original}, but "
            "site/config.toml does not declare that language",
            f"declare it with a table [languages.{code}] in site/config.toml, or rename the file",
        )
        for page in pages
        if page.undeclared
        for code, original in [page.undeclared]
        if original in sources
    ]


def _missing_images(pages: list[Page], files: set[str]) -> list[SiteError]:
    """An ``image:`` written as a path beside the page must name a file of content/."""
    errors: list[SiteError] = []
    for page in pages:
        beside = image_beside(page)
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
