"""Frozen-Flask, fed with every URL of the site model and written on every core.

Each URL's file is named by ``paths.output_file`` (never anywhere but under the output
folder). A rebuild keeps the files of unchanged URLs from the previous build instead of
requesting them; the rest are requested in worker processes, which send back what the
build must know (files, pages read, assets used, templates, warnings).
"""

from __future__ import annotations

import functools
import reprlib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, request, template_rendered, url_for
from flask_frozen import Freezer, FrozenFlaskWarning
from flask_frozen import Page as FrozenPage
from werkzeug.routing import BuildError

from . import incremental
from .errors import SiteError, SiteErrors, from_template_exception
from .hooks import HOOKS_PATH, from_hook_exception
from .model import Site
from .page import recording_reads
from .parallel import in_workers
from .paths import output_file
from .publish import Output
from .state import site_state
from .themes import ThemeTemplates
from .urls import ENDPOINTS, PATH_RULES, ROUTES, site_urls
from .views import ENGINE_TEMPLATES

# progress(step, done, total, item): where a build is, for a progress bar or a log.
Progress = Callable[[str, int, int, str], None]

# Fewer URLs than this are written in this process: starting workers would cost more.
MINIMUM_FOR_WORKERS = 200
# What the route table says of the engine's endpoints: which files a rebuild may keep (not
# the files of content/, whose bytes the build record does not follow, nor the routes of
# site/hooks.py, which may do anything), and which URLs read much of the site.
REUSABLE_ENDPOINTS = {route.endpoint for route in ROUTES if route.reusable}
FILE_DATED_ENDPOINTS = {route.endpoint for route in ROUTES if route.file_dates}
WHOLE_SITE_ENDPOINTS = {route.endpoint for route in ROUTES if route.whole_site}


class SiteFreezer(Freezer):
    """Frozen-Flask, fed with every URL of the site model instead of crawled links.

    The fingerprinted copies of static files, and ``_headers`` which lists them, come
    last: by then every page has been rendered, so every asset it used is known.

    ``kept`` are URLs whose files the previous build wrote from the same inputs: they
    are kept (``Output.keep``) instead of requested; but not those that show files' dates
    (the sitemap) unless ``same_file_dates``.
    """

    # Frozen-Flask's own, used beyond its public methods: pinned and checked by
    # tests/test_contracts.py, like _generate_all_urls and _build_one.
    url_generators: list[Callable[[], Iterable[Any]]]

    def __init__(
        self,
        app: Flask,
        site: Site,
        kept: dict[str, incremental.Written],
        output: Output,
        known_uses: dict[str, frozenset[str] | None],
        same_file_dates: bool,
    ) -> None:
        self.site = site
        self.kept = kept
        self.same_file_dates = same_file_dates
        self.output = output
        self.known_uses = known_uses  # what the templates use, known from the last build
        self.written_by: dict[str, str] = {}  # URL → the template or hook that wrote it
        self.rendering: set[str] = set()  # the templates rendered for the URL being written
        self.templates_loaded: set[str] = set()  # by the workers too, for unused templates
        self.written: dict[str, incremental.Written] = {}  # what a rebuild may keep
        self.requested = 0  # URLs requested from the app (not kept)
        self.files: set[str] = set()  # every file of the build, relative to its folder
        self.failed: dict[str, tuple[str, str | None]] = {}  # URL → status, endpoint
        self.model_urls = list(site_urls(site))  # enumerated once: a hundred thousand
        self._sets: dict[frozenset[str], frozenset[str]] = {}  # see _one
        super().__init__(
            app, with_static_files=True, with_no_argument_rules=False, log_url_for=False
        )
        hooks = site_state(app).hooks
        for generator in hooks.url_generators:
            self.register_generator(_checked(generator))
        if hooks.blueprint is not None:
            self.register_generator(self.hook_routes_without_arguments)
        self.register_generator(self.fingerprinted_assets)

    def model_paths(self) -> Iterator[tuple[str, str, None]]:
        """The model's URLs as Frozen-Flask's loop gives them, made as its url_for would
        make them, at a fraction of the cost (url_for for each of a hundred thousand pages
        took seconds). A page's, file's or alias's is its rule with the path put in: url_for
        quotes the path and the loop unquotes it again (none holds '#', '?' or '%': the
        checks). The others are built by the URL map, with url_for's defaults (the
        language), from the site's root, then unquoted as the loop does."""
        adapter = self.app.url_map.bind("localhost", "/")
        with self.app.test_request_context():
            for endpoint, values, _, _ in self.model_urls:
                if endpoint in PATH_RULES:
                    before, after = PATH_RULES[endpoint]
                    yield before + values["path"] + after, endpoint, None
                else:
                    values = dict(values)
                    self.app.inject_url_defaults(endpoint, values)
                    yield urlsplit(unquote(adapter.build(endpoint, values))).path, endpoint, None

    def static_files_urls(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The files of static/, the site's and its themes' (Frozen-Flask's own generator
        knows only the app's folder), and those of site/hooks.py's blueprint."""
        for filename in site_state(self.app).assets.files():
            yield "static", {"filename": filename}
        for endpoint, values in super().static_files_urls():
            if endpoint != "static":
                yield endpoint, values

    def hook_routes_without_arguments(self) -> Iterator[tuple[str, dict[str, Any]]]:
        blueprint = site_state(self.app).hooks.blueprint
        prefix = blueprint.name + "." if blueprint else "\0"
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint.startswith(prefix) and not rule.arguments and "GET" in rule.methods:
                yield rule.endpoint, {}

    def fingerprinted_assets(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for filename in sorted(site_state(self.app).fingerprinted_used):
            yield "static", {"filename": filename}
        yield "netlify_headers", {}

    def freeze_yield(self) -> Iterator[FrozenPage]:
        """Frozen-Flask's loop, with the URLs written on every core.

        The fingerprinted assets come last and in this process: only when every page has
        been written is every asset they use known.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        assets = self.url_generators.pop()
        try:
            generated = [*self.model_paths(), *self._generate_all_urls()]
        finally:
            self.url_generators.append(assets)
        seen_endpoints = {endpoint for _, endpoint, _ in generated}
        first_seen: dict[str, tuple[str | None, Any]] = {}  # a URL generated twice is written once
        for url, endpoint, modified in generated:
            first_seen.setdefault(url, (endpoint, modified))
        reusable = {
            url for url, (endpoint, _) in first_seen.items() if endpoint in REUSABLE_ENDPOINTS
        }
        urls = []
        in_order = sorted(
            first_seen.items(), key=lambda item: item[1][0] not in WHOLE_SITE_ENDPOINTS
        )
        dated = set() if self.same_file_dates else FILE_DATED_ENDPOINTS
        for url, (endpoint, modified) in in_order:
            kept = self.kept.get(url) if url in reusable and endpoint not in dated else None
            if kept is None:
                urls.append((url, modified))
                continue
            self.output.keep(kept.file)
            self.written[url] = kept
            yield self._frozen(url, kept.file)
        state = site_state(self.app)
        for written in in_workers(
            self._freeze_slice, urls, minimum=MINIMUM_FOR_WORKERS, start=state.renderer.forked
        ):
            state.fingerprinted_used |= written.assets
            self.written_by.update(written.written_by)
            self.templates_loaded |= written.templates_loaded
            for message in written.warnings:
                warnings.warn(message, FrozenFlaskWarning, stacklevel=1)
            self.requested += len(written.paths)
            for (url, path), reads, rendered in zip(
                written.paths, written.reads, written.templates, strict=True
            ):
                if url in reusable:
                    templates = incremental.closure(rendered, self.template_graph)
                    self.written[url] = incremental.Written(
                        path.as_posix(), self._one(reads), self._one(templates)
                    )
                yield self._frozen(url, path.as_posix())
        self.url_generators, page_generators = [assets], self.url_generators
        try:
            for url, endpoint, modified in self._generate_all_urls():
                seen_endpoints.add(endpoint)
                self.requested += 1
                path = self._build_one(url, modified).relative_to(self.root)
                yield self._frozen(url, path.as_posix())
        finally:
            self.url_generators = page_generators
        self.unfrozen = self._endpoints_never_frozen(seen_endpoints)

    def _one(self, names: frozenset[str]) -> frozenset[str]:
        """One object for each set of names: most URLs render the same templates, and a
        third read no page, so the record pickles and loads each set once."""
        return self._sets.setdefault(names, names)

    @functools.cached_property
    def template_graph(self) -> dict[str, frozenset[str] | None]:
        """Each template → those it extends, includes or imports (None: it computes a
        name); parsed only when a URL is written, not when every file is kept."""
        return incremental.template_graph(self.app.jinja_env, self.known_uses)

    @property
    def template_uses(self) -> dict[str, frozenset[str] | None]:
        """The template graph as far as it is known: parsed, or as the last build had it."""
        return self.__dict__.get("template_graph", self.known_uses)

    def _endpoints_never_frozen(self, seen: set[str | None]) -> list[str]:
        """The site's own GET routes (site/hooks.py) that no URL generator gave a URL;
        frostpage's own endpoints may rightly have none (no tags, no aliases…)."""
        endpoints = {
            rule.endpoint for rule in self.app.url_map.iter_rules() if "GET" in rule.methods
        }
        return sorted(endpoints - seen - ENDPOINTS)

    def _frozen(self, url: str, path: str) -> FrozenPage:
        """``path``: the file's, relative to the build folder, with slashes."""
        self.files.add(path)
        return FrozenPage(url, path)

    def urlpath_to_filepath(self, path: str) -> str:
        """Where ``path`` is written, relative to the build folder: through the one function
        that keeps every file under it. The site model's URLs were checked before the build;
        a URL that fails here came from site/hooks.py."""
        try:
            return output_file(path)
        except ValueError as error:
            raise SiteError(HOOKS_PATH, None, f"{error}: nothing is written there") from None

    def _build_one(self, url: str, last_modified: Any = None) -> Path:
        """Frozen-Flask's request and write, with an error naming the URL or the hook."""
        try:
            return super()._build_one(url, last_modified)
        except ValueError:  # Frozen-Flask's answer to a status other than 200
            failed = self.failed.pop(url, None)
            if failed is None:
                raise
            status, endpoint = failed
            hooks = site_state(self.app).hooks.blueprint
            from_hooks = endpoint is None or (hooks and endpoint.startswith(hooks.name + "."))
            where = HOOKS_PATH if from_hooks else url
            message = f"the URL {url} answered {status}: it cannot be published"
            raise SiteError(where, None, message) from None

    def note_failure(self, response: Response) -> Response:
        """Remember a response that is not a page (a hook's ``abort(500)``), for the message."""
        if response.status_code != 200:
            self.failed[request.path] = (response.status, request.endpoint)
        return response

    def _freeze_slice(self, urls: list[tuple[str, Any]]) -> WrittenSlice:
        """Write these URLs; what the build must know of them is sent back from a worker."""
        state = site_state(self.app)
        assets_before = set(state.fingerprinted_used)
        earlier, self.written_by = self.written_by, {}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FrozenFlaskWarning)
            paths = []
            reads = []
            rendered = []
            try:
                for url, modified in urls:
                    self.rendering = set()
                    with recording_reads() as read:
                        path = self._build_one(url, modified)
                    paths.append((url, path.relative_to(self.root)))
                    reads.append(frozenset(read))
                    rendered.append(frozenset(self.rendering))
            except (Exception, SystemExit) as error:
                raise _as_site_errors(error, self.app) from None
            finally:
                templates, self.written_by = self.written_by, earlier
        return WrittenSlice(
            paths,
            reads,
            rendered,
            state.fingerprinted_used - assets_before,
            templates,
            {key[1] for key in (self.app.jinja_env.cache or {})},
            [str(w.message) for w in caught if issubclass(w.category, FrozenFlaskWarning)],
        )


def _checked(generator: Callable[[], Iterable[Any]]) -> Callable[[], Iterator[Any]]:
    """A URL generator of site/hooks.py whose every URL is checked as it comes: a mistake
    is the hooks file's error, with the generator's line, not a traceback of Frozen-Flask."""

    def checked() -> Iterator[Any]:
        for item in generator():
            problem = _generated_problem(item, generator.__name__)
            if problem:
                line = getattr(getattr(generator, "__code__", None), "co_firstlineno", None)
                shown = reprlib.repr(item)
                message = f"url_generators: {generator.__name__}() gave {shown}: {problem}"
                raise SiteError(HOOKS_PATH, line, message)
            yield item

    checked.__name__ = generator.__name__  # Frozen-Flask's endpoint for a dict of values
    return checked


def _generated_problem(item: Any, name: str) -> str | None:
    """Why a URL generator's item cannot be frozen, or None. Called while Frozen-Flask
    enumerates URLs, inside a request context, so ``url_for`` can try it."""
    if isinstance(item, str):
        parts = urlsplit(item)
        if parts.scheme or parts.netloc:
            return "a URL of another site; only this site's paths are written"
        return None if item.startswith("/") else "a path must start with '/'"
    if isinstance(item, Mapping):
        endpoint, values = name, item
    elif isinstance(item, tuple) and 2 <= len(item) <= 3 and isinstance(item[1], Mapping):
        endpoint, values = item[0], item[1]
    else:
        return "give a path, an (endpoint, values) pair or a dict of values"
    try:
        url_for(endpoint, **values)
    except (BuildError, TypeError, ValueError) as error:
        return f"no URL can be built: {error}"
    return None


@dataclass
class WrittenSlice:
    """What writing some URLs taught: files, pages read, assets used, templates, warnings."""

    paths: list[tuple[str, Path]]
    reads: list[frozenset[str]]  # for each path: the sources of the pages whose content it read
    templates: list[frozenset[str]]  # for each path: the templates rendered for it
    assets: set[str]
    written_by: dict[str, str]
    templates_loaded: set[str]
    warnings: list[str]


def _as_site_errors(error: BaseException, app: Flask) -> BaseException:
    """An error in a template or a hook as the author's error; anything else as it is."""
    if isinstance(error, SiteError):
        return SiteErrors([error])
    if isinstance(error, SiteErrors):
        return error
    themes = site_state(app).themes
    converted = from_template_exception(error, app.root_path, themes) or from_hook_exception(
        error, Path(app.root_path)
    )
    return SiteErrors([converted]) if converted is not None else error


def freeze(
    app: Flask,
    site: Site,
    output: Output,
    report: Progress,
    kept: dict[str, incremental.Written],
    known_uses: dict[str, frozenset[str] | None],
    same_file_dates: bool,
) -> tuple[SiteFreezer, list[str]]:
    """Write every URL into ``output``'s staging folder, keeping the ``kept`` ones (and of
    those that show files' dates, only when ``same_file_dates``); return the freezer (what
    it learnt of each URL) and warnings. ``known_uses``: what templates use, as the last
    build found (incremental.template_graph)."""
    app.config.update(
        FREEZER_DESTINATION=str(output.staging),
        FREEZER_BASE_URL=site.settings.base_url,
        FREEZER_REMOVE_EXTRA_FILES=False,
        FREEZER_REDIRECT_POLICY="error",
        PROPAGATE_EXCEPTIONS=True,
    )
    freezer = SiteFreezer(app, site, kept, output, known_uses, same_file_dates)
    app.after_request(freezer.note_failure)

    def record(sender: Flask, template, context, **extra) -> None:
        # A template given as a string (render_template_string) is a hook's.
        name = f"templates/{template.name}" if template.name else HOOKS_PATH
        freezer.written_by.setdefault(request.path, name)
        if template.name:
            freezer.rendering.add(template.name)

    static_files = len(site_state(app).assets.files())
    expected = len(freezer.model_urls) + static_files + 2
    with (
        warnings.catch_warnings(record=True) as caught,
        template_rendered.connected_to(record, app),
    ):
        warnings.simplefilter("always", FrozenFlaskWarning)
        try:
            for done, written in enumerate(freezer.freeze_yield(), start=1):
                report("Writing", done, max(done, expected), written.url)
        except SiteErrors:
            raise
        except (Exception, SystemExit) as error:
            converted = _as_site_errors(error, app)
            if converted is error:
                raise
            raise converted from None
    messages = [
        str(warning.message)
        for warning in caught
        if issubclass(warning.category, FrozenFlaskWarning)
    ]
    if freezer.unfrozen:
        messages.append(
            f"routes never frozen: {', '.join(freezer.unfrozen)}"
            " (give them a URL generator in site/hooks.py)"
        )
    return freezer, messages


def unused_templates(app: Flask, loaded_elsewhere: set[str]) -> list[str]:
    """Templates of the site that nothing rendered, extended, included or imported (here
    or in a worker)."""
    loaded = {key[1] for key in (app.jinja_env.cache or {})} | loaded_elsewhere
    own = site_state(app).themes[0] / "templates"  # the site's own, not its themes'
    unused = set(ThemeTemplates(own.parent).list_templates()) - loaded - ENGINE_TEMPLATES
    return [f"templates/{name}: not used by any page" for name in sorted(unused)]
