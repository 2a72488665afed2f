"""Build a site into build/: load, render, check, freeze, check links, publish.

All or nothing: Frozen-Flask requests every URL the site model enumerates (nothing depends
on being linked from somewhere) and writes the responses into a staging folder; its links
are checked; only then is it published (``publish``). A file whose bytes did not change
keeps its inode and mtime, so a rebuild with no change rewrites nothing. On any error the
previous ``build/`` is left exactly as it was.

A rebuild requests again only the URLs whose inputs changed (``incremental``); the files
of the others are kept where they are in the previous build.
"""

from __future__ import annotations

import contextlib
import filecmp
import functools
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from flask import Flask

from . import i18n, images, incremental, search, snapshot, views
from .app import create_app
from .cache import CachedRenderer, WordsCache
from .errors import SiteError, SiteErrors
from .freezer import Progress, SiteFreezer, freeze, unused_templates
from .links import Anchors, attribute, check_links
from .markup import Rendered
from .model import Site
from .page import Page
from .parallel import MINIMUM_FOR_WORKERS, Background, Counting, in_workers, render_all
from .paths import CACHE_FOLDER
from .publish import (
    MARKER,
    Folders,
    Listing,
    Output,
    build_lock,
    check_destination,
    discard,
    folder_changes,
    new_staging,
    publish,
    recover,
)
from .state import site_state


@dataclass
class BuildResult:
    destination: Path
    pages: int  # HTML files
    files: int
    written: int  # files whose bytes changed
    seconds: float
    warnings: list[str] = field(default_factory=list)
    requested: int = 0  # URLs requested from the app; the others were kept from the last build
    images_made: int = 0  # resized copies of images and social cards not in the cache before
    up_to_date: bool = False  # nothing had changed: the site was not even loaded

    def summary(self) -> str:
        if self.up_to_date:
            return (
                f"Nothing changed since the last build: {self.destination.name}/ is up to date"
                f" ({self.pages} pages, {self.files} files), checked in {self.seconds:.2f} s"
            )
        kept = self.files - self.requested
        made = self.images_made
        return (
            f"Built {self.pages} pages ({self.files} files, {self.written} changed"
            f"{f', {made} image copies made' if made else ''}"
            f"{f', {kept} kept from the last build' if kept else ''}) "
            f"into {self.destination.name}/ in {self.seconds:.2f} s"
        )


def build(
    root: Path | str = ".",
    destination: Path | str | None = None,
    *,
    include_future: bool | None = None,
    force: bool = False,
    full: bool = False,
    relative: bool = False,
    progress: Progress | None = None,
    waiting: Callable[[], None] | None = None,
) -> BuildResult:
    """Build the site under ``root`` into ``destination`` (default ``root/build``).

    ``progress(step, done, total, item)`` follows the two steps, "Rendering" (each page's
    Markdown) and "Writing" (each URL). Raises SiteErrors with every error found; the
    destination is then untouched. ``full`` requests every URL again, keeping nothing of
    the previous build; ``relative`` writes links relative to each page, as the setting
    relative_urls does. A second build of the same site waits for the first (``waiting``
    is called when it starts to wait).
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    if not root.is_dir():
        raise SiteError(str(root), None, "there is no such folder", "give the site's folder")
    destination = output_folder(root, destination)
    built_before = incremental.record_path(root, destination).exists()
    check_destination(root, destination, force, built_before)
    with build_lock(root, waiting or (lambda: None)), _collector_off():
        recover(destination)
        saved = snapshot.snapshot_path(incremental.record_path(root, destination))
        key = snapshot.key(root, destination, include_future, relative)
        folders = snapshot.input_folders(root, [])
        versions: dict[str, tuple[int, ...]] = {}  # of the files of content/, by name
        inputs = [  # before anything is read
            snapshot.folder_digest(folder, versions if folder == folders[0] else None)
            for folder in folders
        ]
        last = None if full else snapshot.unchanged(saved, key, destination, folders, inputs)
        if last is not None:
            result = BuildResult(
                destination, last.pages, last.files, 0, 0.0, list(last.warnings), up_to_date=True
            )
        else:
            incremental.forget_record(saved)
            report = progress or _silent
            taken = (saved, key, inputs, versions)
            result = _build(root, destination, include_future, full, relative, report, taken)
    result.seconds = time.perf_counter() - started
    return result


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """Run the cyclic garbage collector only where pages, URLs, images and links are worked
    on (``parallel.in_workers`` turns it on, over what they make alone). The rest of a
    build makes data without cycles, millions of objects that live until it ends (the
    site's model, the record of the last build) or are freed as soon as they are unused;
    the collector's passes over them took a twentieth of a one-page rebuild."""
    before, enabled = gc.get_threshold(), gc.isenabled()
    gc.disable()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.unfreeze()  # what in_workers kept out of the collector's way
        gc.set_threshold(*before)
        if enabled:
            gc.enable()


def output_folder(root: Path, destination: Path | str | None) -> Path:
    """The absolute output folder, its last part not resolved: a symbolic link stays one."""
    if destination is None:
        return root / "build"
    absolute = Path(os.path.abspath(destination))
    return absolute.parent.resolve() / absolute.name


def _build(
    root: Path,
    destination: Path,
    include_future: bool | None,
    full: bool,
    relative: bool,
    report: Progress,
    taken: tuple[Path, str, list[str], dict[str, tuple[int, ...]]],
) -> BuildResult:
    """The phases of a build, in order; any error stops it before ``publish``. Once it is
    published, its snapshot is saved: ``taken`` is where, its key, and the digests of the
    project's input folders, taken before the build read anything, with the versions of
    the files of content/ (which is read with them)."""
    saved, key, inputs, versions = taken
    record_file = incremental.record_path(root, destination)
    # What changed in the output folder since the last build: looked for meanwhile.
    changes = Background(
        functools.partial(_output_changes, record_file, destination),
        wanted=not full and record_file.exists(),
    )
    # Each page's words for the search index, counted where it renders and kept here.
    words = WordsCache(root / CACHE_FOLDER / "search.sqlite", incremental.engine_stamp())
    output = None
    indexing: Background[_Made] | None = None
    try:
        app = create_app(root, dev=False, include_future=include_future, relative=relative)
        state = site_state(app)
        state.files.versions = versions
        previous = None if full else incremental.load_record(record_file)
        loaded = _load_and_render(app, previous, report, words)
        images_made = _make_images(loaded.site, root, report)
        templates = incremental.template_digests(app.jinja_env)
        # None (one core, or no record): each file and folder is looked at here instead.
        touched, changed_folders = changes.result() or (None, None)
        kept = {}
        if previous:
            kept = previous.reusable(loaded.unchanged, destination, templates, touched)
        reused = previous if kept else None  # the build whose files this one keeps
        discard(record_file.with_suffix(".previous"))  # where earlier versions kept a spare
        output = new_staging(destination, patching=bool(kept))
        known_uses = previous.template_uses_of(templates) if previous else {}
        dates = site_state(app).file_dates = views.file_dates(loaded.site, root)
        file_dates = incremental.file_dates_key(dates)
        same_dates = previous is not None and previous.file_dates == file_dates
        freezer, warnings = _write(
            app, loaded.site, output, report, kept, reused, known_uses, same_dates
        )
        search_key = incremental.search_key(loaded.inputs, loaded.content, loaded.site)
        making = _Making(loaded, output, search_key, previous, touched, words, state.themes)
        indexing = _index_beside(making, report)
        anchors, broken = _check_links(output, loaded.site, freezer, kept, reused)
        index, search_made, indexed = _index_made(indexing, making, report)
        incremental.forget_record(record_file)  # it describes the build about to be replaced
        files = sorted(freezer.files | set(index))
        listed = None
        if reused and reused.folders:
            listed = Listing(reused.files(), reused.folders, changed_folders)
        pages, written, build_folders = publish(output, files, listed)
    finally:
        changes.close()
        if indexing:
            indexing.close()
        words.close()  # what was counted is kept, even when the build stops
        if output is not None and output.staging.exists():  # not published
            discard(output.staging)
    images.prune(images.cache_folder(root), loaded.site.shared.copies.values())
    used = state.fingerprinted_used
    record = _remember(
        record_file,
        destination,
        loaded,
        freezer,
        anchors,
        used,
        (search_key, index, search_made),
        templates,
        (files, build_folders),
        file_dates,
        previous,
    )
    warnings = state.warnings + _left_out(state.files.all(), loaded.site) + warnings
    warnings += _broken_links(loaded, broken)
    warnings += [str(warning) for warning in loaded.site.markdown_warnings(loaded.unchanged)]
    warnings += unused_templates(app, freezer.templates_loaded)
    requested = freezer.requested + len(indexed)
    result = BuildResult(
        destination, pages, len(files), written, 0.0, warnings, requested, images_made
    )
    if not (state.hooks.blueprint or state.hooks.url_generators):  # hooks may read anything
        folders = snapshot.input_folders(root, state.themes)  # the project's, then themes'
        made = snapshot.Snapshot(
            key,
            folders,
            inputs + [snapshot.folder_digest(folder) for folder in folders[len(inputs) :]],
            _output_digest(destination, files, record),
            _due(state.files.all(), loaded.site),
            pages,
            len(files),
            warnings,
        )
        snapshot.save(saved, made)
    return result


def _output_changes(record: Path, destination: Path) -> tuple[set[str], dict[str, bool]] | None:
    """The files of the last build (its ``record``) not as it left them in ``destination``,
    and its folders not as it listed them; None without a record to trust. A stat of each
    (hundreds of thousands), done in a forked process while the build loads the site: it
    loads the record itself, and only what changed comes back."""
    last = incremental.load_record(record)
    if last is None:
        return None
    return last.touched(destination), folder_changes(destination, last.folders)


@dataclass
class Loaded:
    """The site model, rendered, and what a rebuild compares: the inputs besides the pages'
    content, each page's content, and the pages unchanged since the previous build."""

    site: Site
    inputs: str
    content: dict[str, str]
    unchanged: set[str] | None
    linked: dict[str, tuple[str, ...]]  # each page's files of content/


def _load_and_render(
    app: Flask, previous: incremental.BuildRecord | None, report: Progress, words: WordsCache
) -> Loaded:
    """Read the files into the model and render every page's Markdown (but those the
    previous build rendered from the same inputs), counting the words of each page
    rendered into ``words``; raise every error found."""
    state = site_state(app)
    with app.app_context():
        site = state.site
        inputs = incremental.fingerprint(
            state.root, site, dev=False, include_future=state.include_future, themes=state.themes
        )
        if previous and inputs == previous.fingerprint:
            site.shared.known_consistent()
        before = previous.linked if previous else {}
        content = incremental.content_keys(site, before)
        unchanged = previous.unchanged(inputs, content) if previous else None

        def key(page: Page, rendered: Rendered) -> str:
            return _words_key(inputs, content.get(page.source), rendered)

        render_all(
            site,
            lambda done, page: report("Rendering", done, len(site.all_pages), page.file),
            rendered_before=unchanged,
            counting=Counting(
                lambda page: site.in_language(page.language).settings.search, key, words
            ),
        )
        # The keys of rendered pages that show other files now.
        linked = incremental.linked_files(site, before)
        moved = [p for p in site.all_pages if linked.get(p.source, ()) != before.get(p.source, ())]
        content |= incremental.content_keys(site, linked, moved)
        errors = site.all_errors(rendered_before=unchanged)
    if errors:
        raise SiteErrors(errors)
    return Loaded(site, inputs, content, unchanged, linked)


def _make_images(site: Site, root: Path, report: Progress) -> int:
    """Make the image copies the cache lacks, an image at a time on every core; return
    how many were made."""
    content, cache = root / "content", images.cache_folder(root)
    groups = images.missing(site.shared.copies.values(), cache)
    made = 0
    try:
        for done, counts in enumerate(
            in_workers(
                lambda part: [images.make_group(group, content, cache) for group in part],
                groups,
                minimum=2,
                size=1,
            ),
            start=1,
        ):
            made += sum(counts)
            report("Images", done, len(groups), groups[done - 1][0].source)
    except SiteError as error:
        raise SiteErrors([error]) from None
    return made


def _write(
    app: Flask,
    site: Site,
    output: Output,
    report: Progress,
    kept: dict[str, incremental.Written],
    reused: incremental.BuildRecord | None,
    known_uses: dict[str, frozenset[str] | None],
    same_file_dates: bool,
) -> tuple[SiteFreezer, list[str]]:
    """Write every URL into ``output``, but the ``kept`` ones, kept from ``reused`` (the
    sitemap only when the files that date it are as they were: ``same_file_dates``)."""
    if reused:  # what the kept files used and loaded, for _headers and the warnings
        site_state(app).fingerprinted_used |= reused.assets
    freezer, warnings = freeze(app, site, output, report, kept, known_uses, same_file_dates)
    if reused:
        freezer.written_by = {**reused.written_by, **freezer.written_by}
        freezer.templates_loaded |= reused.templates_loaded
    return freezer, warnings


# Beyond this many pages, the index is made after the link check: this process, the link
# check's worker and one more, each holding the build's memory (a gigabyte on 100,000
# pages), would count three times as much as a second is worth.
MOST_PAGES_BESIDE = 25_000


class _Making(NamedTuple):
    """What making the search index takes."""

    loaded: Loaded
    output: Output
    key: str
    previous: incremental.BuildRecord | None
    touched: set[str] | None  # the files of ``previous`` found changed, when known
    words: WordsCache
    themes: list[Path]


# The index's files (with the stat of those kept), what the next build needs to patch it,
# and the files written anew.
_Made = tuple[dict[str, incremental.Stat | None], dict[str, search.Made], set[str]]


def _index_beside(making: _Making, report: Progress) -> Background[_Made]:
    """A whole search index (a first or --full build of a site of some size) made in a
    forked process while this one checks the links: the index takes one core, the link
    check leaves part of one free. It keeps no file of a last build. The words' database
    is closed here first, and the render cache's let go there: a connection is not
    shared across a fork."""
    pages = len(making.loaded.site.all_pages)
    wanted = making.previous is None and MINIMUM_FOR_WORKERS <= pages <= MOST_PAGES_BESIDE
    if wanted:
        making.words.close()
    indexing = Background(functools.partial(_index_elsewhere, making), wanted=wanted)
    if indexing.process:
        report("Indexing", 0, 1, "search")
    return indexing


def _index_elsewhere(making: _Making) -> _Made:
    renderer = making.loaded.site.renderer
    if isinstance(renderer, CachedRenderer):
        renderer.forked()
    return _index(*making, _silent)


def _index_made(indexing: Background[_Made], making: _Making, report: Progress) -> _Made:
    """The index made beside the link check, else (one core, no fork, or an error there,
    which is then raised here) made now."""
    made = indexing.result()
    if made is None:
        return _index(*making, report)
    report("Indexing", 1, 1, "search")
    return made


def _index(
    loaded: Loaded,
    output: Output,
    key: str,
    previous: incremental.BuildRecord | None,
    touched: set[str] | None,
    words: WordsCache,
    themes: list[Path],
    report: Progress,
) -> _Made:
    """Write each language's search index into ``output`` (_search/, fr/_search/…): kept
    from the previous build when it was made of the same pages, patched when few pages
    changed, else made anew (a file as it was is kept all the same). Return its files (with
    the stat of each kept from an untouched index: ten thousand need no stat again), what
    the next build needs to patch it, and the files written anew (not kept)."""
    destination = output.destination
    untouched = previous is not None and previous.search_untouched(destination, touched)
    if previous and untouched and key == previous.search_key:
        for name in previous.search_files:
            output.keep(name)
        return dict(previous.search_files), previous.search_made, set()
    report("Indexing", 0, 1, "search")
    known = previous.search_files if previous and untouched else {}
    written: dict[str, incremental.Stat | None] = {}
    made: dict[str, search.Made] = {}
    fresh: set[str] = set()
    with _search_words(loaded, words) as (words_of_page, words_before):
        for language in loaded.site.languages:
            if not language.settings.search:
                continue
            folder = search.folder(language)
            before = previous.search_made.get(folder) if previous and untouched else None
            made_now: list[search.Made] = []  # what index_files or patched_files made

            def read(name: str, folder: str = folder) -> bytes:
                return (destination / folder / name).read_bytes()

            blog = i18n.translations(language.language.code, themes).ugettext("Blog")
            same = loaded.unchanged is not None  # the last build's fingerprint
            found = search.documents(language, words_of_page, blog, before, same)
            files = search.updated_files(found, before, read, words_before, made_now)
            given, new = _write_index(files, output, folder, keeping=previous is not None)
            fresh.update(f"{folder}/{name}" for name in new)
            made[folder] = made_now[0]
            for name in made_now[0].names():
                relative = f"{folder}/{name}"
                if name not in given:  # a file the patch left as it was
                    output.keep(relative)
                written[relative] = known.get(relative) if relative in output.kept else None
    report("Indexing", 1, 1, "search")
    return written, made, fresh


def _write_index(
    files: Iterable[tuple[str, bytes]], output: Output, folder: str, keeping: bool
) -> tuple[set[str], set[str]]:
    """Write an index's ``files`` into ``output``'s ``folder``, but (when ``keeping``) keep
    those that are as the previous build's, most after an edit; return their names, and
    those written."""
    names, written, made = set(), set(), set()
    for name, data in files:
        names.add(name)
        relative = f"{folder}/{name}"
        if keeping and _holds(os.path.join(output.destination, relative), data):
            output.keep(relative)
            continue
        path = output.staging / relative
        if path.parent not in made:  # a folder for a hundred thousand pages/N.json
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        written.add(name)
    return names, written


def _words_key(inputs: str, content: str | None, rendered: Rendered | None = None) -> str:
    """What a page's words are kept under: the build's inputs and the page's content key;
    none for a page that includes other files of the project (read every time)."""
    return f"{inputs} {content}" if content and not (rendered and rendered.reads) else ""


@contextlib.contextmanager
def _search_words(
    loaded: Loaded, kept: WordsCache
) -> Iterator[tuple[search.WordsOfPage, Callable[[str], search.Words | None]]]:
    """Each page's words for the search index, and the words a page had before, by the
    digest of its former text. Those of a page whose content key and the inputs are as
    when they were ``kept`` are taken as they are, its rendering not even read; a text
    counted before (when its page rendered, or in an earlier build) is not counted again.
    When the inputs are the last build's, a page whose content is as it was has the
    digest its place in the last index gives: only the pages that changed are looked up.
    Else every page's is read at once, and once every page was met, the rows of the
    others are forgotten."""
    unchanged = loaded.unchanged
    if unchanged is None:
        kept.keys  # noqa: B018 (read at once, rather than a query per page)
    sources: set[str] = set()

    def words_of_page(
        page: Page, listed: search.DocumentKey | None
    ) -> tuple[str, Callable[[], search.Words]]:
        source = page.source
        sources.add(source)
        key = _words_key(loaded.inputs, loaded.content.get(source))
        # Rendered in this build or not (no URL is being written: no read to note).
        if page.__dict__.get("_rendered") is None:
            if listed and unchanged and source in unchanged:
                return listed[3], functools.partial(words, page, listed[3], key)
            known = kept.known(source)
            if known and key and known[0] == key:
                return known[1], functools.partial(words, page, known[1], key)
        outline = loaded.site.outline(page)  # an outline, if rendered anew
        key = _words_key(loaded.inputs, loaded.content.get(source), outline)
        return outline.text_digest, functools.partial(words, page, outline.text_digest, key)

    def words(page: Page, digest: str, key: str) -> search.Words:
        """The words of ``page``, whose text has ``digest``: kept, or counted and kept."""
        found = kept.get(page.source)
        if found and found[1].digest == digest:
            counted = found[1]
        else:
            counted = search.words_of(loaded.site.render(page).text, digest)
        if found != (key, counted):
            kept.put(page.source, key, counted)
        return counted

    yield words_of_page, kept.with_digest  # an error: the pages not met keep their rows
    # With the inputs of the last build, the pages are its pages: none to forget.
    kept.close(sources if unchanged is None else None)


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at ``path`` holds ``data`` (a size first, to read few files)."""
    try:
        if os.path.getsize(path) != len(data) or os.path.islink(path):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def _check_links(
    output: Output,
    site: Site,
    freezer: SiteFreezer,
    kept: dict[str, incremental.Written],
    reused: incremental.BuildRecord | None,
) -> tuple[Anchors, list[SiteError]]:
    """Every internal link of the written site, each broken one blamed on its source (an
    error; returned, to be a warning, with [links] broken = "warn"); the files kept from
    the previous build, or written again with the same bytes (the sitemap, a list the
    edited page is on), are read again only when they could have broken."""
    unchanged = {written.file for written in kept.values()}
    if reused:
        published = {written.file: written.stat for written in reused.urls.values()}
        published.update(reused.others)  # static files and others, written every time
        for name in freezer.files - unchanged:
            old, new = os.path.join(output.destination, name), os.path.join(output.staging, name)
            stat = published.get(name)
            if stat and incremental.file_stat(old) == stat and filecmp.cmp(old, new, False):
                unchanged.add(name)
    broken, anchors = check_links(
        output.staging,
        site.settings.base_url,
        reused.anchors if reused else None,
        unchanged=unchanged,
        files=sorted(freezer.files),
        locate=output.path,
    )
    errors = [attribute(link, site, freezer.written_by) for link in broken]
    if errors and site.settings.links.broken == "error":
        raise SiteErrors(errors)
    return anchors, errors


def _broken_links(loaded: Loaded, in_html: list[SiteError]) -> list[str]:
    """The broken links of a site built with [links] broken = "warn": those of the pages'
    Markdown, then those the check of the written files found besides."""
    in_markdown = loaded.site.broken_links(loaded.unchanged)

    def link(error: SiteError) -> tuple[str, int | None, str]:
        return error.path, error.line, error.message.split(":")[0]  # "broken link 'a.md'"

    listed = {link(error) for error in in_markdown}
    besides = [error for error in in_html if link(error) not in listed]
    return [str(error) for error in in_markdown + besides]


def _remember(
    record_file: Path,
    destination: Path,
    loaded: Loaded,
    freezer: SiteFreezer,
    anchors: Anchors,
    assets: set[str],
    index: tuple[str, dict[str, incremental.Stat | None], dict[str, search.Made]],
    templates: dict[str, str],
    published: tuple[list[str], Folders],
    file_dates: str,
    previous: incremental.BuildRecord | None,
) -> incremental.BuildRecord:
    """Keep what the next build needs to know of this one (``index``: the search index's
    key, files with the stats known, and what patching each language's needs;
    ``templates``: each template's digest; ``published``: all it published, and the folders
    of the build folder then (``publish.Listing``); ``file_dates``: the
    key of the dates its sitemap showed; ``previous``: the last build's record, which it
    is saved as changes to when it can be), and return it."""
    described = {written.file for written in freezer.written.values()} | index[1].keys()
    record = incremental.BuildRecord(
        loaded.inputs,
        incremental.recorded_content(loaded.site, loaded.content),
        freezer.written,
        anchors,
        freezer.written_by,
        freezer.templates_loaded,
        set(assets),
        search_key=index[0],
        search_files=dict(index[1]),
        search_made=index[2],
        linked=loaded.linked,
        templates=templates,
        template_uses=freezer.template_uses,
        others=dict.fromkeys(name for name in published[0] if name not in described),
        file_dates=file_dates,
        folders=published[1],
        base=previous.base if previous else None,
    )
    incremental.save_record(record_file, record, destination)
    return record


def _output_digest(destination: Path, files: list[str], record: incremental.BuildRecord) -> str:
    """The snapshot's digest of the published ``files`` (and the marker), from the stats
    the record holds of most of them: those it kept were checked against them, the others
    taken after publishing. A stat gone stale only makes the next build look."""
    known: dict[str, incremental.Stat | None] = {**record.search_files, **record.others}
    known.update((written.file, written.stat) for written in record.urls.values())
    return snapshot.output_digest(
        (name, known[name] if name in known else incremental.file_stat(destination / name))
        for name in (*files, MARKER)
    )


def _silent(step: str, done: int, total: int, item: str) -> None:
    pass


def _due(pages: list[Page], site: Site) -> float | None:
    """When the first scheduled page is due (a Unix time): the build then changes."""
    due = [p.date.timestamp() for p in pages if p.date and not p.errors and site.is_scheduled(p)]
    return min(due, default=None)


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
