"""The running site: the model of the files as they are now, and where the app keeps it.

As Flask's ``globals.py`` does for the app, this module is where everything below the app
reaches the running site (``site_state(app)``, ``current_site()``), so nothing imports the
module that creates the app.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g, has_request_context, request

from .assets import Assets, published_names
from .cache import CachedRenderer
from .config import Settings
from .content_files import ContentFiles
from .errors import SiteError
from .hooks import Hooks
from .model import Site, build_site, forget_stale_html
from .page import Page
from .paths import MARKDOWN_SUFFIXES, SourceFiles, source_files
from .search import PreviewIndex

if TYPE_CHECKING:
    from .i18n import Catalogue


@dataclass
class SiteState:
    """The current Site, rebuilt from the files when they change."""

    root: Path
    settings: Settings
    dev: bool
    include_future: bool
    files: ContentFiles
    renderer: CachedRenderer
    assets: Assets
    themes: list[Path]  # the site's folder, then its themes': templates/ and static/ in each
    hooks: Hooks = field(default_factory=Hooks)
    data: dict[str, Any] = field(default_factory=dict)
    data_errors: list[SiteError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprinted_used: set[str] = field(default_factory=set)
    # url_for's answers, remembered for each base path and language
    urls: dict[tuple[str, str], dict[tuple, str]] = field(default_factory=dict)
    # A build's dates of the files that date its sitemap (views.file_dates), taken once.
    file_dates: dict[str, dt.datetime] | None = None
    catalogues: dict[str, Catalogue] = field(default_factory=dict)  # i18n's, by language
    # The preview's search index of each language.
    search: defaultdict[str, PreviewIndex] = field(
        default_factory=lambda: defaultdict(PreviewIndex)
    )
    _site: Site | None = None
    _page_ids: frozenset[int] = frozenset()
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def site(self) -> Site:
        site = self._site  # asked by every template helper: no lock once it is there
        if site is not None:
            return site
        with self._lock:
            if self._site is None:
                self._site = self._build()
            return self._site

    def refresh(self, changed: Iterable[Path] | None = None) -> None:
        """Rebuild the model if a file changed: only the ``changed`` ones when the watcher
        names them, else every file is looked at (a stat each)."""
        with self._lock:
            previous, self._site = self._site, None  # a failure leaves no stale model
            changed = None if changed is None else list(changed)
            if changed is None or previous is None or not self.files.update(changed):
                changed = None
                self.files.reload()
            pages_changed = _page_ids(self.files.all()) != self._page_ids
            # The other files of content/ are walked again unless only pages were saved.
            only_pages = changed is not None and all(
                path.suffix in MARKDOWN_SUFFIXES for path in changed
            )
            content = None if only_pages else self._content()
            if (
                previous is None
                or pages_changed
                or (content is not None and frozenset(content.files) != previous.files)
            ):
                site, rebuilt = self._build(content), True
            else:  # at most the bodies of pages changed: each forgot its HTML
                site, rebuilt = previous, False
                site.shared.__dict__.pop("has_diagrams", None)  # a body may draw one now
            forget_stale_html(site, self.root, rebuilt)
            self._site = site

    def _build(self, content: SourceFiles | None = None) -> Site:
        if not (self.root / "content").is_dir():
            raise SiteError("content/", None, "the content folder is missing", "create content/")
        pages = self.files.all()
        content = content or self._content()
        others = self._others()
        site = build_site(
            pages,
            self.settings,
            self.renderer,
            include_drafts=self.dev,
            include_future=self.include_future,
            now=dt.datetime.now(dt.UTC),
            files=content.files,
            # A build publishes images beside pages under fingerprinted names.
            file_names=published_names(self.root / "content", content.files, not self.dev),
            content=self.root / "content",
        )
        site.errors.extend(content.errors + others.errors + self.data_errors)
        self.files.write_cache(in_background=self.dev)
        warnings = content.warnings + others.warnings + _foreign_keys(pages)
        self.warnings.extend(w for w in warnings if w not in self.warnings)
        self._page_ids = _page_ids(pages)
        return site

    def _content(self) -> SourceFiles:
        """The files of content/ besides pages, and what is wrong with its links."""
        return source_files(self.root, "content", skip_suffix=MARKDOWN_SUFFIXES)

    def _others(self) -> SourceFiles:
        """What is wrong with the links of static/ and templates/ (read by Flask and Jinja)."""
        others = SourceFiles()
        for folder in ("static", "templates"):
            found = source_files(self.root, folder)
            others.errors += found.errors
            others.warnings += found.warnings
        return others


def _foreign_keys(pages: list[Page]) -> list[str]:
    """One warning per key of another generator's that frostpage does not use: where it is
    first, what it means there, what to write instead, and how many files have it."""
    first: dict[str, str] = {}
    files: dict[str, int] = {}
    for page in pages:
        for key, line, advice in page.foreign_keys:
            first.setdefault(key, f"{page.file}:{line}: '{key}' {advice}")
            files[key] = files.get(key, 0) + 1
    return [
        warning + (f" (and {files[key] - 1} more files)" if files[key] > 1 else "")
        for key, warning in first.items()
    ]


def _page_ids(pages: list[Page]) -> frozenset[int]:
    return frozenset(id(page) for page in pages)


def site_state(app: Flask) -> SiteState:
    return app.extensions["frostpage"]


# Where a request keeps the code of the language it is written in (flask.g).
LANGUAGE = "frostpage_language"


def current_site() -> Site:
    """The site being served or built, in the language of the page being written, for
    views, template helpers and site/hooks.py."""
    site = site_state(current_app).site
    if len(site.shared.sites) == 1:
        return site
    return site.in_language(current_language())


def current_language() -> str:
    """The code of the language of the URL being answered: given by its rule (/fr/posts/),
    else its page's, else its prefix's (/fr/missing/), else the default."""
    code = g.get(LANGUAGE)
    if code is None:
        site = site_state(current_app).site
        code = _language_of(site, request.path) if has_request_context() else None
        code = code or site.language.code
        setattr(g, LANGUAGE, code)
    return code


def _language_of(site: Site, path: str) -> str | None:
    page = site.by_url.get(path) or site.aliases.get(path)
    if page is not None:
        return page.language
    first = path.strip("/").partition("/")[0]
    found = site.in_language(first)
    return first if found.language.code == first and found.language.prefix else None
