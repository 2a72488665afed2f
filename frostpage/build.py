"""Freeze the site into build/: all or nothing, checked, and byte-stable.

Frozen-Flask requests every URL that the site model enumerates (nothing depends on being
linked from somewhere) and writes the responses into a fresh folder beside ``build/``.
The links of that folder are checked; only then is it swapped in. A file whose bytes did
not change is kept as it was (same inode, same mtime), so a rebuild with no change
rewrites nothing. On any error the previous ``build/`` is left exactly as it was.

A rebuild requests again only the URLs whose inputs changed (``incremental``); the files
of the others are linked from the previous build. The fresh folder starts as the build
before the last, kept aside: fixing a few of its files costs less than making thousands
of folders.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import posixpath
import shutil
import tempfile
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, request, template_rendered
from flask_frozen import Freezer, FrozenFlaskWarning
from flask_frozen import Page as FrozenPage

from . import incremental
from .app import create_app, site_state
from .content import Page, Site, recording_reads
from .errors import SiteError, SiteErrors, from_template_exception
from .hooks import from_hook_exception
from .links import BrokenLink, check_links
from .parallel import in_workers, render_all
from .routes import ENGINE_TEMPLATES, site_urls

# progress(step, done, total, item): where a build is, for a progress bar or a log.
Progress = Callable[[str, int, int, str], None]

# Fewer URLs than this are written in this process: starting workers would cost more.
MINIMUM_FOR_WORKERS = 200
# Endpoints of frostpage itself that may rightly freeze nothing (no pages, tags, aliases…).
OWN_ENDPOINTS = {"page", "tag", "static", "year", "file", "tag_atom_feed", "tag_json_feed"}
# Endpoints whose answer depends only on what the build record follows (the site model,
# pages' content, templates, static/, site/): their files may be kept by a rebuild. Not
# "file" (a content file's bytes), nor the routes of site/hooks.py (any Python at all).
REUSABLE_ENDPOINTS = {
    "home",
    "page",
    "posts",
    "year",
    "archive",
    "tags",
    "tag",
    "atom_feed",
    "json_feed",
    "tag_atom_feed",
    "tag_json_feed",
    "pages_api",
    "search_index",
    "sitemap",
    "robots",
    "netlify_redirects",
    "not_found_page",
    "highlight_css",
    "highlight_dark_css",
    "web_manifest",
    "static",
}
# Endpoints whose URLs each read many pages: requested first, so that the worker that gets
# them is not the last to finish.
WHOLE_SITE_ENDPOINTS = {"search_index", "pages_api", "sitemap", "year", "atom_feed", "json_feed"}


@dataclass
class BuildResult:
    destination: Path
    pages: int  # HTML files
    files: int
    written: int  # files whose bytes changed
    seconds: float
    warnings: list[str] = field(default_factory=list)
    requested: int = 0  # URLs requested from the app; the others were kept from the last build

    def summary(self) -> str:
        kept = self.files - self.requested
        return (
            f"Built {self.pages} pages ({self.files} files, {self.written} changed"
            f"{f', {kept} kept from the last build' if kept else ''}) "
            f"into {self.destination.name}/ in {self.seconds:.2f} s"
        )


class SiteFreezer(Freezer):
    """Frozen-Flask, fed with every URL of the site model instead of crawled links.

    The fingerprinted copies of static files, and ``_headers`` which lists them, come
    last: by then every page has been rendered, so every asset it used is known.

    ``kept`` are URLs whose files the previous build in ``previous`` wrote from the same
    inputs: they are linked from there instead of requested.
    """

    def __init__(
        self,
        app: Flask,
        site: Site,
        kept: dict[str, incremental.Written],
        previous: Path,
    ) -> None:
        self.site = site
        self.kept = kept
        self.previous = previous
        self.templates_by_url: dict[str, str] = {}  # for messages about broken links
        self.templates_loaded: set[str] = set()  # by the workers too, for unused templates
        self.written: dict[str, incremental.Written] = {}  # what a rebuild may keep
        self.requested = 0  # URLs requested from the app (not kept)
        self.files: set[str] = set()  # every file of the build, relative to its folder
        super().__init__(
            app, with_static_files=True, with_no_argument_rules=False, log_url_for=False
        )
        self.register_generator(self.site_urls)
        hooks = site_state(app).hooks
        for generator in hooks.url_generators:
            self.register_generator(generator)
        if hooks.blueprint is not None:
            self.register_generator(self.hook_routes_without_arguments)
        self.register_generator(self.fingerprinted_assets)

    def site_urls(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for endpoint, values, _, _ in site_urls(self.site):
            yield endpoint, values

    def hook_routes_without_arguments(self) -> Iterator[tuple[str, dict[str, Any]]]:
        prefix = site_state(self.app).hooks.blueprint.name + "."
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
            generated = list(self._generate_all_urls())
        finally:
            self.url_generators.append(assets)
        seen_endpoints = {endpoint for _, endpoint, _ in generated}
        first_seen: dict[str, tuple[str | None, Any]] = {}  # a URL generated twice is written once
        for url, endpoint, modified in generated:
            first_seen.setdefault(url, (endpoint, modified))
        # A spare build may hold files this one does not write, or a file where a folder
        # must now be: only what this build writes stays (the fingerprinted assets, written
        # last, are written afresh).
        _remove_others(self.root, {self._file_of(url) for url in first_seen})
        reusable = {
            url for url, (endpoint, _) in first_seen.items() if endpoint in REUSABLE_ENDPOINTS
        }
        urls = []
        in_order = sorted(
            first_seen.items(), key=lambda item: item[1][0] not in WHOLE_SITE_ENDPOINTS
        )
        for url, (_, modified) in in_order:
            kept = self.kept.get(url) if url in reusable else None
            if kept is None:
                urls.append((url, modified))
                continue
            _link(self.previous / kept.file, self.root / kept.file)
            self.written[url] = kept
            yield self._frozen(url, Path(kept.file))
        state = site_state(self.app)
        for written in in_workers(
            self._freeze_slice, urls, minimum=MINIMUM_FOR_WORKERS, start=state.renderer.forked
        ):
            state.fingerprinted_used |= written.assets
            self.templates_by_url.update(written.templates_by_url)
            self.templates_loaded |= written.templates_loaded
            for message in written.warnings:
                warnings.warn(message, FrozenFlaskWarning, stacklevel=1)
            self.requested += len(written.paths)
            for (url, path), reads in zip(written.paths, written.reads, strict=True):
                if url in reusable:
                    self.written[url] = incremental.Written(path.as_posix(), reads)
                yield self._frozen(url, path)
        self.url_generators, page_generators = [assets], self.url_generators
        try:
            for url, endpoint, modified in self._generate_all_urls():
                seen_endpoints.add(endpoint)
                self.requested += 1
                yield self._frozen(url, self._build_one(url, modified).relative_to(self.root))
        finally:
            self.url_generators = page_generators
        self._check_endpoints(seen_endpoints)

    def _frozen(self, url: str, path: Path) -> FrozenPage:
        self.files.add(path.as_posix())
        return FrozenPage(url, path)

    def _file_of(self, url: str) -> str:
        """Where Frozen-Flask writes ``url``, relative to the build folder."""
        return unicodedata.normalize("NFC", self.urlpath_to_filepath(url))

    def _build_one(self, url: str, last_modified: Any = None) -> Path:
        """Frozen-Flask's request and write, into a place cleared first: the folder may be
        a spare build whose files are links to published ones (never to be written through),
        and Frozen-Flask skips a file it finds newer than the page."""
        # What is there is a file: anything else was removed with the files of no URL.
        (self.root / self._file_of(url)).unlink(missing_ok=True)
        return super()._build_one(url, last_modified)

    def _freeze_slice(self, urls: list[tuple[str, Any]]) -> WrittenSlice:
        """Write these URLs; what the build must know of them is sent back from a worker."""
        state = site_state(self.app)
        assets_before = set(state.fingerprinted_used)
        earlier, self.templates_by_url = self.templates_by_url, {}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FrozenFlaskWarning)
            paths = []
            reads = []
            try:
                for url, modified in urls:
                    with recording_reads() as read:
                        path = self._build_one(url, modified)
                    paths.append((url, path.relative_to(self.root)))
                    reads.append(frozenset(read))
            except Exception as error:
                raise _as_site_errors(error, self.app) from None
            finally:
                templates, self.templates_by_url = self.templates_by_url, earlier
        return WrittenSlice(
            paths,
            reads,
            state.fingerprinted_used - assets_before,
            templates,
            {key[1] for key in (self.app.jinja_env.cache or {})},
            [str(w.message) for w in caught if issubclass(w.category, FrozenFlaskWarning)],
        )


@dataclass
class WrittenSlice:
    """What writing some URLs taught: files, pages read, assets used, templates, warnings."""

    paths: list[tuple[str, Path]]
    reads: list[frozenset[str]]  # for each path: the sources of the pages whose content it read
    assets: set[str]
    templates_by_url: dict[str, str]
    templates_loaded: set[str]
    warnings: list[str]


def _as_site_errors(error: Exception, app: Flask) -> Exception:
    """An error in a template or a hook as the author's error; anything else as it is."""
    if isinstance(error, SiteError):
        return SiteErrors([error])
    if isinstance(error, SiteErrors):
        return error
    converted = from_template_exception(error, app.root_path) or from_hook_exception(
        error, Path(app.root_path)
    )
    return SiteErrors([converted]) if converted is not None else error


def build(
    root: Path | str = ".",
    destination: Path | str | None = None,
    *,
    include_future: bool | None = None,
    force: bool = False,
    full: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the site under ``root`` into ``destination`` (default ``root/build``).

    ``progress(step, done, total, item)`` follows the two steps, "Rendering" (each page's
    Markdown) and "Writing" (each URL). Raises SiteErrors with every error found; the
    destination is then untouched. ``full`` requests every URL again, keeping nothing of
    the previous build.
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    destination = Path(destination).resolve() if destination else root / "build"
    check_destination(root, destination, force)
    app = create_app(root, dev=False, include_future=include_future)
    state = site_state(app)
    report = progress or (lambda step, done, total, item: None)
    record_file = incremental.record_path(root, destination)
    previous = None if full else incremental.load_record(record_file)
    with app.app_context():
        site = state.site
        inputs = incremental.fingerprint(root, site, dev=False, include_future=state.include_future)
        content = {page.source: incremental.content_key(page) for page in site.pages}
        unchanged = previous.unchanged(inputs, content) if previous else None
        render_all(
            site,
            lambda done, page: report("Rendering", done, len(site.pages), page.file),
            rendered_before=unchanged,
        )
        errors = site.all_errors(rendered_before=unchanged)
    if errors:
        raise SiteErrors(errors)
    kept = previous.reusable(unchanged, destination) if previous else {}
    if kept:  # what the kept files used and loaded, for _headers and the warnings
        state.fingerprinted_used |= previous.assets

    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=destination.parent))
    spare = incremental.spare_path(record_file)
    try:
        _claim(spare, staging)
        staging.chmod(0o755)
        freezer, freeze_warnings = _freeze(app, site, staging, report, kept, destination)
        if kept:
            freezer.templates_by_url = {**previous.templates_by_url, **freezer.templates_by_url}
            freezer.templates_loaded |= previous.templates_loaded
        output_files = sorted(freezer.files)
        broken, anchors = check_links(
            staging,
            site.settings.base_url,
            previous.anchors if kept else None,
            unchanged={written.file for written in kept.values()},
            files=output_files,
        )
        if broken:
            raise SiteErrors(_attribute(link, site, freezer.templates_by_url) for link in broken)
        incremental.forget_record(record_file)  # it describes the build about to be replaced
        pages, written = _publish(staging, destination, output_files, spare)
    finally:
        if staging.exists():
            _set_aside(staging, spare)
    incremental.save_record(
        record_file,
        incremental.BuildRecord(
            inputs,
            content,
            freezer.written,
            anchors,
            freezer.templates_by_url,
            freezer.templates_loaded,
            set(state.fingerprinted_used),
        ),
        destination,
    )
    return BuildResult(
        destination,
        pages,
        len(output_files),
        written,
        time.perf_counter() - started,
        state.warnings
        + _left_out(state.files.all(), site)
        + freeze_warnings
        + _unused_templates(app, freezer.templates_loaded),
        freezer.requested,
    )


def _left_out(pages: list[Page], site: Site) -> list[str]:
    """Drafts and scheduled posts are left out of the build: say which, once."""
    notes = []
    for page in sorted(pages, key=lambda page: page.source):
        if page.errors or site.by_source.get(page.source) is page:
            continue
        if page.draft:
            notes.append(f"{page.file}: a draft, not published")
        elif site.is_scheduled(page):
            notes.append(
                f"{page.file}: dated {page.date:%Y-%m-%d}, not published yet (see --future)"
            )
    return notes


def _unused_templates(app: Flask, loaded_elsewhere: set[str]) -> list[str]:
    """Templates of the site that nothing rendered, extended, included or imported (here
    or in a worker)."""
    loaded = {key[1] for key in (app.jinja_env.cache or {})} | loaded_elsewhere
    unused = set(app.jinja_env.list_templates()) - loaded - ENGINE_TEMPLATES
    return [f"templates/{name}: not used by any page" for name in sorted(unused)]


def _freeze(
    app: Flask,
    site: Site,
    staging: Path,
    report: Progress,
    kept: dict[str, incremental.Written],
    previous: Path,
) -> tuple[SiteFreezer, list[str]]:
    """Write every URL into ``staging``, linking the ``kept`` ones from ``previous``; return
    the freezer (what it learnt of each URL) and warnings."""
    app.config.update(
        FREEZER_DESTINATION=str(staging),
        FREEZER_BASE_URL=site.settings.base_url,
        FREEZER_REMOVE_EXTRA_FILES=False,
        FREEZER_REDIRECT_POLICY="error",
        PROPAGATE_EXCEPTIONS=True,
    )
    freezer = SiteFreezer(app, site, kept, previous)

    def record(sender: Flask, template, context, **extra) -> None:  # noqa: ANN001
        freezer.templates_by_url.setdefault(request.path, template.name)

    static_files = sum(len(names) for _, _, names in os.walk(app.static_folder or ""))
    expected = sum(1 for _ in site_urls(site)) + static_files + 2
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
        except Exception as error:
            converted = _as_site_errors(error, app)
            if converted is error:
                raise
            raise converted from None
    messages = [
        message
        for warning in caught
        if issubclass(warning.category, FrozenFlaskWarning)
        for message in [_without_own_endpoints(str(warning.message))]
        if message
    ]
    return freezer, messages


def _without_own_endpoints(message: str) -> str | None:
    """Frozen-Flask warns of endpoints that froze nothing; ours may rightly have no URL."""
    prefix = "Nothing frozen for endpoints "
    if not message.startswith(prefix):
        return message
    named = message[len(prefix) :].rsplit(". Did you forget", 1)[0]
    endpoints = sorted(set(named.split(", ")) - OWN_ENDPOINTS)
    if not endpoints:
        return None
    return (
        f"routes never frozen: {', '.join(endpoints)} (give them a URL generator in site/hooks.py)"
    )


def _attribute(link: BrokenLink, site: Site, templates_by_url: dict[str, str]) -> SiteError:
    """Name the source of a broken link: the Markdown file and line, else the template."""
    url = site.settings.base_path + "/" + link.file.removesuffix("index.html")
    page = site.by_url.get(url[len(site.settings.base_path) :])
    message = f"broken link '{link.target}': {link.reason}"
    hint = f"did you mean {link.suggestion}?" if link.suggestion else None
    if page is not None:
        line = _line_in_body(page, link.target, site)
        if line is not None:
            suggested = site.by_url.get(link.suggestion or "")
            if suggested is not None:
                hint = f"did you mean {suggested.source}?"
            return SiteError(page.file, line, message, hint)
    template = templates_by_url.get(url, "an unknown template")
    return SiteError(f"templates/{template}", None, f"{message} (in /{link.file})", hint)


def _line_in_body(page: Page, target: str, site: Site) -> int | None:
    """The body line that holds ``target``, as written or as the Markdown file it came from
    ('/docs/intro/#setup' from 'intro.md#setup')."""
    base_path = site.settings.base_path
    written = target[len(base_path) :] if base_path and target.startswith(base_path) else target
    forms = [f"({written}", f"({target}", f'"{target}"']
    path, mark, fragment = written.partition("#")
    for source, url in site.render(page).links.items():
        if url == path:
            forms.append(posixpath.basename(source) + mark + fragment + ")")
    for number, line in enumerate(page.body.split("\n")):
        if any(form in line for form in forms):
            return page.body_line + number
    return None


def _publish(staging: Path, destination: Path, files: list[str], spare: Path) -> tuple[int, int]:
    """Swap ``staging`` in as ``destination``; unchanged files keep their inode and mtime.
    The replaced build is set aside as the ``spare`` of the next one.

    Returns (HTML pages, files written).
    """
    written = 0
    for name in files:
        new, old = staging / name, destination / name
        if _same_file(old, new):
            continue  # linked from the previous build
        if old.is_file() and filecmp.cmp(old, new, shallow=False):
            _keep_old(old, new)
        else:
            written += 1
    if destination.exists():
        retired = Path(tempfile.mkdtemp(prefix=".build-old-", dir=destination.parent))
        os.replace(destination, retired / "build")
        os.replace(staging, destination)
        _set_aside(retired / "build", spare)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, destination)
    return sum(name.endswith(".html") for name in files), written


def _claim(spare: Path, staging: Path) -> None:
    """Start ``staging`` from the spare build, if there is one on the same disk: fixing a
    few of its files costs less than making its thousands of folders again."""
    with contextlib.suppress(OSError):  # no spare, or on another disk: start empty
        os.replace(spare, staging)


def _set_aside(folder: Path, spare: Path) -> None:
    """Keep ``folder`` as the spare build (its files are mostly links), or delete it."""
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder, spare)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_others(folder: Path, files: set[str]) -> None:
    """Remove what ``folder`` holds besides ``files`` (relative paths), and empty folders."""
    for directory, _, names in os.walk(folder, topdown=False):
        relative = Path(directory).relative_to(folder)
        for name in names:
            if (relative / name).as_posix() not in files:
                os.unlink(os.path.join(directory, name))
        if directory != str(folder) and not os.listdir(directory):
            os.rmdir(directory)


def _same_file(old: Path, new: Path) -> bool:
    try:
        return os.path.samestat(old.stat(), new.stat())
    except OSError:
        return False


def _link(old: Path, new: Path) -> None:
    """Make ``new`` the file ``old`` (a link, so its bytes are not copied), unless it is."""
    if not _same_file(old, new):
        new.parent.mkdir(parents=True, exist_ok=True)
        _keep_old(old, new)


def _keep_old(old: Path, new: Path) -> None:
    """Put the previous build's file in place of ``new`` (a link, else a copy)."""
    try:
        link = new.with_name(new.name + ".frostpage-link")
        os.link(old, link)
        os.replace(link, new)
    except OSError:
        shutil.copy2(old, new)


def check_destination(root: Path, destination: Path, force: bool = False) -> None:
    """Refuse a destination whose deletion could lose an author's files, unless forced."""
    if force:
        return
    problem = None
    if destination == root or destination in root.parents:
        problem = "is the project folder or contains it"
    elif root not in destination.parents:
        problem = "lies outside the project"
    elif (destination / "content").exists() or (destination / ".git").exists():
        problem = "holds a content/ folder or a git repository"
    elif destination.relative_to(root).parts[0] in ("content", "templates", "static", "site"):
        problem = "is inside a source folder"
    if problem:
        raise SiteError(
            str(destination),
            None,
            f"refusing to build here: the destination {problem}",
            "choose another folder, or pass --force if you really mean it",
        )
