"""Every core for the two long steps of a build: rendering Markdown and writing URLs.

Each page renders on its own and each URL is written on its own, so this process and
worker processes (forked: they share the loaded site), one per core in all, take slices
of them; the workers send back what the build must know. The output is the same as in
one process; where fork is not available (or there is little to do) everything happens
in this process. Work that needs nothing of the site (looking at the files of the last
build) is done beside it in a ``Background`` process, while the site loads.
"""

from __future__ import annotations

import collections
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.pool import AsyncResult
from typing import Any, Generic, TypeVar

from .cache import CachedRenderer, Stored, WordsCache
from .markup import Rendered
from .model import Site
from .page import Page
from .search import Words, words_of

MINIMUM_FOR_WORKERS = 64
SLICE = 32
_work: Callable[[list[Any]], Any] | None = None  # what a forked worker does
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Counting:
    """The words of each page rendered, for the search index: counted and kept in
    ``words`` (under ``key``) where it renders, for the pages ``wanted``. In a worker the
    text is at hand, and the cores share the work: only what the build's process must
    know of what was kept comes back (``WordsCache.took``)."""

    wanted: Callable[[Page], bool]
    key: Callable[[Page, Rendered], str]
    words: WordsCache

    def row(self, page: Page, rendered: Rendered) -> tuple[str, str, Words]:
        """What ``words`` keeps of a page: its source, its key and its words."""
        return page.source, self.key(page, rendered), words_of(rendered.text, rendered.text_digest)


def render_all(
    site: Site,
    report: Callable[[int, Page], None],
    rendered_before: set[str] | None = None,
    counting: Counting | None = None,
) -> None:
    """Give every page of ``site`` its rendering; ``report(done, page)`` after each one.

    Pages in ``rendered_before`` (sources that the last build rendered without an error from
    the same inputs) are left to be read from the cache when a URL needs them.
    """
    cache = site.renderer if isinstance(site.renderer, CachedRenderer) else None
    site.shared.keep_html = cache is None  # else the cache holds the HTML, the page an outline
    to_render: list[int] = []
    done = 0
    for index, page in enumerate(site.all_pages):
        if page.errors or (rendered_before and page.source in rendered_before):
            done += 1
            report(done, page)
            continue
        if page.rendered is None and cache is not None:
            resolve = site.in_language(page.language).resolve
            cached = cache.cached(page.body_digest, page.source, page.body_line, resolve)
            page.rendered = cached.without_html() if cached else None
        if page.rendered is not None:
            done += 1
            report(done, page)
        else:
            to_render.append(index)
    if counting and to_render:
        counting.words.ready()
    for rendered, stored in _render(site, to_render, counting, cache):
        if counting:
            counting.words.took(stored)
        for index, rendering in rendered:
            page = site.all_pages[index]
            # Without its HTML, which the cache holds (the names of its links made one
            # object each here, where they are kept); a clean page the cache could not
            # take renders again where a URL needs it.
            page.rendered = rendering.without_html() if rendering.clean and cache else rendering
            done += 1
            report(done, page)


# A slice's pages (index, rendering) and what was kept of their words.
_Slice = tuple[list[tuple[int, Rendered]], Stored]


def _render(
    site: Site, indices: list[int], counting: Counting | None, cache: CachedRenderer | None
) -> Iterator[_Slice]:
    def forked() -> None:
        if cache:
            cache.forked()
        if counting:
            counting.words.forked()

    yield from in_workers(
        lambda piece: _render_slice(site, piece, counting, cache), indices, start=forked
    )


def _render_slice(
    site: Site, indices: list[int], counting: Counting | None, cache: CachedRenderer | None
) -> _Slice:
    """Render these pages and keep their renderings in the cache and their words, from the
    process that rendered them: only what the build keeps of each page
    (``Rendered.without_html``) is sent back, not megabytes of HTML and words through a
    pipe the parent reads while it renders too."""
    pages = site.all_pages
    done = [(index, _render_one(site, index)) for index in indices]
    stored = Stored({}, {})
    if counting:
        stored = counting.words.store(
            [
                counting.row(pages[index], rendered)
                for index, rendered in done
                if counting.wanted(pages[index])
            ]
        )
    if cache is None:
        return done, stored
    keys = {
        index: cache.key(pages[index].body_digest, pages[index].source, pages[index].body_line)
        for index, rendered in done
        if rendered.clean
    }
    kept = cache.store([(keys[index], rendered) for index, rendered in done if index in keys])
    sent = [
        (index, rendered.without_html() if keys.get(index) in kept else rendered)
        for index, rendered in done
    ]
    return sent, stored


def in_workers(
    work: Callable[[list[T]], R],
    items: list[T],
    *,
    minimum: int | None = None,
    start: Callable[[], None] | None = None,
    size: int = SLICE,
) -> Iterator[R]:
    """``work`` on slices of ``items``, in order: on every core when there are enough items,
    this process taking a slice whenever the next result is not ready yet, and forked
    worker processes (which share everything this one has loaded) the others; else all
    right here.

    ``start`` runs first in each worker (to let go of what must not be shared, such as a
    database connection); ``size`` items make a slice. Working here too spares one copy of
    this process: a worker's memory counts all of this one's it was forked with.
    """
    cores = worker_count()
    slices = _slices(items, size, cores)
    enough = len(items) >= (MINIMUM_FOR_WORKERS if minimum is None else minimum)
    if not gc.isenabled():  # a build's: see _collecting
        gc.freeze()
        work = functools.partial(_collecting, work)
    if not enough or not _forking():
        yield from map(work, slices)
        return
    global _work
    _work = work
    try:
        with multiprocessing.get_context("fork").Pool(cores - 1, initializer=start) as pool:
            waiting: collections.deque[AsyncResult[R] | _Done[R]] = collections.deque()
            given = sent = 0  # slices given to a process; sent to workers, not yet taken back
            while given < len(slices) or waiting:
                # Two slices for each worker: one it works on, the next ready for it.
                while given < len(slices) and sent < 2 * (cores - 1):
                    waiting.append(pool.apply_async(_run_work, (slices[given],)))
                    given, sent = given + 1, sent + 1
                first = waiting[0]
                if first.ready() or given == len(slices):
                    waiting.popleft()
                    sent -= isinstance(first, AsyncResult)
                    yield first.get()
                else:
                    waiting.append(_Done(work(slices[given])))
                    given += 1
    finally:
        _work = None


def _slices(items: list[T], size: int, processes: int) -> list[list[T]]:
    """``items`` in slices of ``size``, smaller towards the end: the last slices are the
    ones the other ``processes`` wait for."""
    slices, first = [], 0
    while first < len(items):
        step = max(1, min(size, (len(items) - first) // (4 * processes)))
        slices.append(items[first : first + step])
        first += step
    return slices


def _collecting(work: Callable[[list[T]], R], piece: list[T]) -> R:
    """``work`` with the cyclic collector on, in a build that turned it off: Markdown, Jinja
    and Flask make cycles, the build's own data does not. What was there before the slices
    began is frozen out of its way (forked workers share it untouched)."""
    gc.enable()
    try:
        return work(piece)
    finally:
        gc.disable()


class Background(Generic[R]):
    """``work`` done in a forked process, on another core, while this one goes on: only
    what it finds comes back. ``result()`` waits for it, and is None on one core, where
    fork is not available, or when that process failed: the caller then does without.
    ``close()`` stops a process whose result is no longer wanted; with ``wanted`` false,
    none is started."""

    def __init__(self, work: Callable[[], R], wanted: bool = True) -> None:
        self.process: multiprocessing.process.BaseProcess | None = None
        if not wanted or not _forking():
            return
        context = multiprocessing.get_context("fork")
        self.receiving, sending = context.Pipe(duplex=False)
        self.process = context.Process(target=_send, args=(work, sending), daemon=True)
        self.process.start()
        sending.close()

    def result(self) -> R | None:
        if self.process is None:
            return None
        try:
            done, value = self.receiving.recv()
        except (EOFError, OSError):
            done, value = False, None
        self.close()
        return value if done else None

    def close(self) -> None:
        if self.process is not None:
            self.receiving.close()
            self.process.terminate()
            self.process.join()
            self.process = None


def _send(work: Callable[[], Any], sending: Connection) -> None:
    """Run in the forked process: an error is sent as no result."""
    try:
        found = (True, work())
    except Exception:
        found = (False, None)
    sending.send(found)


class _Done(Generic[R]):
    """A slice this process worked on itself, waiting for its turn."""

    def __init__(self, result: R) -> None:
        self.result = result

    def ready(self) -> bool:
        return True

    def get(self) -> R:
        return self.result


def _forking() -> bool:
    """Whether work can be shared with forked processes: more than one core, and fork."""
    return worker_count() > 1 and "fork" in multiprocessing.get_all_start_methods()


def worker_count() -> int:
    """How many processes share the work: one per core, at most eight."""
    return min(os.cpu_count() or 1, 8)


def _run_work(piece: list[Any]) -> Any:
    assert _work is not None
    return _work(piece)


def _render_one(site: Site, index: int) -> Rendered:
    page = site.all_pages[index]
    renderer = (
        site.renderer.renderer if isinstance(site.renderer, CachedRenderer) else site.renderer
    )
    resolve = site.in_language(page.language).resolve  # a link leads to its translation
    return renderer.render(page.body, page.source, page.body_line, resolve, site.nearest_source)
