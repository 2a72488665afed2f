"""The Flask application: one app serves the preview and is frozen for the build.

``create_app(root, dev=...)`` is the only switch between the two: the dev server shows
drafts and future posts and reloads changed files; the build leaves them out and makes an
undefined template variable an error. Everything else is the same code path.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from dotenv import dotenv_values
from flask import Flask
from flask_flatpages import FlatPages

from .assets import Assets
from .cache import CACHE_FOLDER, CachedRenderer, PageCache
from .config import Settings, load_settings
from .content import (
    Page,
    Site,
    build_site,
    invalidate_links,
    parse_page,
    url_for_source,
)
from .data import load_data
from .errors import SiteError
from .hooks import Hooks, load_hooks
from .markup import Renderer, printable
from .paths import SourceFiles, escapes, link_problem, source_files


class ContentFiles(FlatPages):
    """Flask-FlatPages finds and caches the files; frostpage's own parser reads each one.

    FlatPages' parser guesses where front matter ends and can drop a body (its issues #83
    and #92), and it reads a file again only when the whole set is reset; here a file is
    re-read when its size or modification time changes, and not otherwise.
    """

    def __init__(self, app: Flask, settings: Settings, cache: PageCache) -> None:
        self.settings = settings
        self.project = Path(app.root_path)
        super().__init__(app)
        self.cache = cache
        self._file_cache.update(cache.load())
        self.parsed = 0  # files this app parsed (the others came from the cache)
        self._unsaved = 0  # of which, not yet in the cache
        self._cache_written = False

    def _load_file(self, path: str, filename: str, rel_path: str) -> Page | None:
        name = os.path.basename(filename)
        if name.startswith((".", "#", "~")):
            return None  # editors' lock and backup files
        source = path + ".md"
        if os.path.islink(filename) and link_problem(Path(filename), self.project):
            return None  # reported with the other links of content/; never read
        try:
            stat = os.stat(filename)
            key = (stat.st_mtime_ns, stat.st_size)
            cached = self._file_cache.get(filename)
            if cached and cached[1] == key:
                return cached[0]
            data = Path(filename).read_bytes()
        except OSError as error:
            return _broken_page(source, None, f"cannot be read: {error.strerror}")
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            return _broken_page(
                source, line, "is not UTF-8 text", "save the file with the UTF-8 encoding"
            )
        try:
            page = parse_page(text, source, self.settings)
        except Exception as error:  # a case no check foresaw: still the file's own error
            return _broken_page(source, None, f"cannot be read: {type(error).__name__}: {error}")
        self._file_cache[filename] = (page, key)
        self.parsed += 1
        self._unsaved += 1
        return page

    def update(self, paths: Iterable[Path]) -> bool:
        """Read again only these changed files of content/ (the watcher names them).

        False when that is not enough (a folder moved): then everything is walked again.
        """
        pages = self._pages
        root = Path(self.root).resolve()
        for path in paths:
            if path.is_dir() or (not path.exists() and not path.suffix):
                return False
            if path.suffix != ".md":
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
        """Store the parsed pages: after a build that parsed any, or once in the preview
        (in the background; a later edit costs one file's parse at the next start)."""
        if not self._unsaved or (in_background and self._cache_written):
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


class ProjectTemplates(jinja2.FileSystemLoader):
    """templates/, where a template whose symbolic link leads out of the project is not found."""

    def __init__(self, root: Path) -> None:
        super().__init__(str(root / "templates"))
        self.project = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = super().get_source(environment, template)
        if filename and escapes(Path(filename), self.project):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


def _broken_page(source: str, line: int | None, message: str, hint: str | None = None) -> Page:
    title = source.rsplit("/", 1)[-1]
    error = SiteError(f"content/{source}", line, message, hint)
    return Page(source, url_for_source(source), title, "", 1, {}, errors=[error])


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
    hooks: Hooks = field(default_factory=Hooks)
    data: dict[str, Any] = field(default_factory=dict)
    data_errors: list[SiteError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprinted_used: set[str] = field(default_factory=set)
    urls: dict[tuple, str] = field(default_factory=dict)  # url_for's answers, remembered
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
            if changed is None or previous is None or not self.files.update(changed):
                self.files.reload()
            pages_changed = _page_ids(self.files.all()) != self._page_ids
            if previous is None or pages_changed or self._other_files() != previous.files:
                site = self._build()
                invalidate_links(site)
                self._site = site
            else:
                self._site = previous

    def _build(self) -> Site:
        if not (self.root / "content").is_dir():
            raise SiteError("content/", None, "the content folder is missing", "create content/")
        pages = self.files.all()
        content, others = self._scan()
        site = build_site(
            pages,
            self.settings,
            self.renderer,
            include_drafts=self.dev,
            include_future=self.include_future,
            now=dt.datetime.now(dt.UTC),
            files=content.files,
        )
        site.errors.extend(content.errors + others.errors + self.data_errors)
        self.files.write_cache(in_background=self.dev)
        warnings = content.warnings + others.warnings
        self.warnings.extend(w for w in warnings if w not in self.warnings)
        self._page_ids = _page_ids(pages)
        return site

    def _other_files(self) -> frozenset[str]:
        return frozenset(source_files(self.root, "content", skip_suffix=".md").files)

    def _scan(self) -> tuple[SourceFiles, SourceFiles]:
        """The files of content/ besides pages, and the problems of every source folder's
        symbolic links (static/ and templates/ are read by Flask and Jinja)."""
        content = source_files(self.root, "content", skip_suffix=".md")
        others = SourceFiles()
        for folder in ("static", "templates"):
            found = source_files(self.root, folder)
            others.errors += found.errors
            others.warnings += found.warnings
        return content, others


def _page_ids(pages: list[Page]) -> frozenset[int]:
    return frozenset(id(page) for page in pages)


def create_app(
    root: Path | str = ".", *, dev: bool = True, include_future: bool | None = None
) -> Flask:
    """The site's Flask app, for the dev server (``dev=True``) or the build (``dev=False``).

    Raises SiteError when site/config.toml is wrong.
    """
    root = Path(root).resolve()
    # Like Flask: a .env file at the project root sets variables the environment does not.
    environ = {**dotenv_values(root / ".env"), **os.environ}
    settings, warnings = load_settings(root, {k: v for k, v in environ.items() if v is not None})
    hooks = load_hooks(root)
    data, data_errors = load_data(root)
    if include_future is None:
        include_future = dev or os.environ.get("FROSTPAGE_FUTURE", "") not in ("", "0")
    app = Flask(
        "frostpage",
        root_path=str(root),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
        static_url_path="/static",
    )
    app.config.update(
        FLATPAGES_ROOT=str(root / "content"),
        FLATPAGES_EXTENSION=".md",
        FLATPAGES_AUTO_RELOAD=False,
        TEMPLATES_AUTO_RELOAD=dev,
        FROSTPAGE_DEV=dev,
        APPLICATION_ROOT=settings.base_path or "/",
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if not dev:
        app.jinja_env.undefined = jinja2.StrictUndefined
    # Whatever a template prints, from pages, settings or data, is a valid document.
    app.jinja_env.finalize = lambda value: printable(value) if isinstance(value, str) else value
    files = ContentFiles(app, settings, PageCache(root / CACHE_FOLDER, settings))
    renderer = CachedRenderer(Renderer(settings.markdown, settings.base_path), root / CACHE_FOLDER)
    app.jinja_loader = ProjectTemplates(root)
    assets = Assets(root / "static", root)
    state = SiteState(
        root,
        settings,
        dev,
        include_future,
        files,
        renderer,
        assets,
        hooks,
        data,
        data_errors,
        warnings,
    )
    app.extensions["frostpage"] = state

    from . import routes

    routes.register(app)
    _register_hooks(app, hooks)
    return app


def _register_hooks(app: Flask, hooks: Hooks) -> None:
    """The site's own routes, filters, globals and context, as site/hooks.py defines them."""
    if hooks.blueprint is not None:
        app.register_blueprint(hooks.blueprint)
    for name, function in hooks.template_filters.items():
        app.add_template_filter(function, name)
    for name, function in hooks.template_globals.items():
        app.add_template_global(function, name)
    if hooks.template_context is not None:
        app.context_processor(hooks.template_context)


def site_state(app: Flask) -> SiteState:
    return app.extensions["frostpage"]
