"""Render the Markdown of many pages on every core, for cold builds.

Rendering is most of a cold build's time and each page renders on its own, so worker
processes (forked: they share the loaded site) render slices of the pages and send the
results back. The output is the same as in one process; where fork is not available
(or there is little to do) everything happens in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator

from .content import Page, Site
from .markup import Rendered

MINIMUM_FOR_WORKERS = 64
SLICE = 32
_site: Site | None = None  # the site a forked worker renders from


def render_all(site: Site, report: Callable[[int, Page], None]) -> None:
    """Give every page of ``site`` its rendering; ``report(done, page)`` after each one."""
    cache = getattr(site.renderer, "cached", None)
    to_render: list[int] = []
    done = 0
    for index, page in enumerate(site.pages):
        if page.errors:
            pass
        elif page.rendered is None and cache is not None:
            page.rendered = cache(page.body, page.source, page.body_line, site.resolve)
        if page.errors or page.rendered is not None:
            done += 1
            report(done, page)
        else:
            to_render.append(index)
    for index, rendered in _render(site, to_render):
        page = site.pages[index]
        page.rendered = rendered
        if not rendered.errors and hasattr(site.renderer, "put"):
            site.renderer.put(site.renderer.key(page.body, page.source, page.body_line), rendered)
        done += 1
        report(done, page)


def _render(site: Site, indices: list[int]) -> Iterator[tuple[int, Rendered]]:
    workers = min(os.cpu_count() or 1, 8)
    if (
        workers < 2
        or len(indices) < MINIMUM_FOR_WORKERS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for index in indices:
            yield index, _render_one(site, index)
        return
    global _site
    _site = site
    slices = [indices[start : start + SLICE] for start in range(0, len(indices), SLICE)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for results in pool.imap(_render_slice, slices):
                yield from results
    finally:
        _site = None


def _render_slice(indices: list[int]) -> list[tuple[int, Rendered]]:
    assert _site is not None
    return [(index, _render_one(_site, index)) for index in indices]


def _render_one(site: Site, index: int) -> Rendered:
    page = site.pages[index]
    renderer = getattr(site.renderer, "renderer", site.renderer)  # the uncached renderer
    return renderer.render(
        page.body, page.source, page.body_line, site.resolve, site.nearest_source
    )
