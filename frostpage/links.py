"""Check every internal link of a built site: the target file exists, the #fragment too.

Runs on the output directory, so it sees exactly what will be published: links written
by Markdown, by templates and by hooks alike. HTML is read with an HTML parser (Lexbor,
through selectolax), so ``<A HREF>``, ``>`` inside an attribute and ``srcset`` are seen as
a browser sees them; the sitemap and Atom feeds with an XML parser; JSON is not read.
Pretty URLs follow the host's rules: ``/a/`` is ``a/index.html``. Absolute links to the
site's own base URL (canonical links, feeds, the sitemap) are checked like the rest.
"""

from __future__ import annotations

import difflib
import functools
import os
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser

from .errors import SiteError
from .model import Site
from .page import Page
from .parallel import in_workers

# Attributes whose value is a URL the browser fetches or follows.
LINK_ATTRIBUTES = ("href", "src", "poster", "action", "formaction", "data")
ELEMENTS = ",".join(f"[{name}]" for name in (*LINK_ATTRIBUTES, "srcset", "id", "name", "content"))
# <link rel=preconnect> and the like name hosts, not files.
HINTS = {"preconnect", "dns-prefetch"}
REFRESH = re.compile(r"^\s*\d+\s*[;,]\s*url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CHECKED_SUFFIXES = (".html", ".xml")
MOST_SUGGESTIONS = 50  # "did you mean" for this many missing targets at most


@dataclass(frozen=True)
class BrokenLink:
    file: str  # output file, relative to the output root, e.g. 'about/index.html'
    target: str  # the link as written
    reason: str
    suggestion: str | None = None


@dataclass
class _Document:
    links: list[str]
    ids: set[str]


# Every file of a build → the ids in it, sorted and joined by NUL (which no parsed id
# holds): one string per file, which the build's record stores and loads many times faster
# than a set of strings, and which is split only for the few files checked again.
Anchors = dict[str, str]


def _ids(joined: str) -> set[str]:
    return set(joined.split("\0")) if joined else set()


def check_links(
    output: Path,
    base_url: str,
    previous: Anchors | None = None,
    unchanged: set[str] | frozenset[str] = frozenset(),
    files: list[str] | None = None,
    locate: Callable[[str], str] | None = None,
) -> tuple[list[BrokenLink], Anchors]:
    """Every broken internal link in the files under ``output``, in a stable order, and
    the anchors of every file.

    ``previous`` are the anchors of a build that passed this check, and ``unchanged`` its
    files that are here with the same bytes: those are not read again, as long as nothing
    they could link to has gone (the same files, and no anchor lost). ``files`` are those
    under ``output``, when the caller knows them; ``locate`` gives a file's path, when
    some are elsewhere (a rebuild's files kept in place).

    Each file's links are checked as it is read and then let go: only its anchors are
    kept, so that a site of a hundred thousand pages is never held in memory whole. A
    link to an anchor of a file not read yet waits until every file is.
    """
    base_path = urlsplit(base_url).path.rstrip("/")
    files = sorted(_output_files(output)) if files is None else files
    path_of = locate or functools.partial(os.path.join, output)
    existing = set(files)
    if previous is None or existing != previous.keys():
        previous, unchanged = {}, frozenset()
    checked = [name for name in files if name.endswith(CHECKED_SUFFIXES) and name not in unchanged]
    read: Anchors = {}  # the anchors of the files read by this check
    shared: dict[str, str] = {}  # the same ids (the theme's alone) are one object in the record

    def anchors_of(name: str) -> str | None:
        return read[name] if name in read else previous.get(name) if name in unchanged else None

    # A link from the site's root means the same on every page: checked once.
    from_root: dict[str, _Outcome] = {}

    def outcome_of(link: str, page_url: str) -> _Outcome:
        if not link.startswith("/") or link.startswith("//"):
            return _check(link, page_url, base_url, base_path, existing)
        if link not in from_root:
            from_root[link] = _check(link, page_url, base_url, base_path, existing)
        return from_root[link]

    suggestions: dict[str, str | None] = {}

    @functools.cache
    def candidates() -> list[str]:
        return sorted(name for name in existing if name.endswith(".html"))

    def nearest(missing: str) -> str | None:
        """A guess for the first few missing targets: each costs a pass over every page, and
        a site with thousands of broken links (content from another tool) needs the list of
        them, not a minute of guesses."""
        if missing not in suggestions and len(suggestions) < MOST_SUGGESTIONS:
            suggestions[missing] = _nearest(missing, candidates())
        return suggestions.get(missing)

    found: list[tuple[str, int, BrokenLink]] = []  # by file, and place among its links
    waiting: list[tuple[str, int, str, _Anchor]] = []  # in files read later

    def report(file: str, number: int, link: str, reason: str, missing: str | None) -> None:
        suggestion = nearest(missing) if missing else None
        if suggestion and _file_of_url(suggestion) == file:
            suggestion = None  # never the page the link is on
        found.append((file, number, BrokenLink(file, link, reason, suggestion)))

    def check_anchor(file: str, number: int, link: str, anchor: _Anchor, ids: str) -> None:
        if not _has_id(ids, anchor.fragment):
            report(file, number, link, f"has no anchor '#{anchor.fragment}' in {anchor.file}", None)

    def read_and_check(part: list[str]) -> list[tuple[str, str, list[_Found]]]:
        """Each file's ids, and those of its links that are broken or need the anchor of
        another file: worked out where the file is read (in a worker, when there are many,
        so that the cores share it and only what was found comes back)."""
        results = []
        for name in part:
            document = _read(path_of(name))
            ids = "\0".join(sorted(document.ids))
            page_url = base_path + "/" + _url_of_file(name)
            outcomes = []
            for number, link in enumerate(dict.fromkeys(document.links)):
                outcome = outcome_of(link, page_url)
                if outcome is None or (
                    isinstance(outcome, _Anchor)
                    and outcome.file == name
                    and _has_id(ids, outcome.fragment)
                ):
                    continue  # fine, or an anchor the page itself has (a table of contents)
                outcomes.append((number, link, outcome))
            results.append((name, ids, outcomes))
        return results

    def check(names: list[str]) -> None:
        for part in in_workers(read_and_check, names):
            for name, joined, outcomes in part:
                read[name] = shared.setdefault(joined, joined)
                for number, link, outcome in outcomes:
                    if isinstance(outcome, _Anchor):
                        ids = anchors_of(outcome.file)
                        if ids is None:
                            waiting.append((name, number, link, outcome))
                        else:
                            check_anchor(name, number, link, outcome, ids)
                    else:
                        report(name, number, link, *outcome)

    check(checked)
    if unchanged and any(not _ids(previous[name]) <= _ids(read[name]) for name in checked):
        check([name for name in files if name in unchanged])
    for name, number, link, anchor in waiting:
        check_anchor(name, number, link, anchor, anchors_of(anchor.file) or "")
    found.sort(key=lambda item: item[:2])
    broken = [link for _, _, link in found]
    anchors = dict(previous) if unchanged else dict.fromkeys(files, "")
    anchors.update(read)
    return broken, anchors


class _Anchor(NamedTuple):
    """A link to an anchor of a file that exists: it is broken if the file has no such id."""

    file: str
    fragment: str


# What a link is: broken (why, and the missing path), an anchor to look for, or fine.
_Outcome = tuple[str, str | None] | _Anchor | None
# A link of a file that is broken or needs another file's anchor: its place, the link, why.
_Found = tuple[int, str, tuple[str, str | None] | _Anchor]


def _has_id(joined: str, fragment: str) -> bool:
    """Whether ``fragment`` is one of the NUL-joined ids, without splitting them."""
    if "\0" in fragment:
        return False
    return (
        joined == fragment
        or joined.startswith(fragment + "\0")
        or joined.endswith("\0" + fragment)
        or f"\0{fragment}\0" in joined
    )


def _check(
    link: str,
    page_url: str,
    base_url: str,
    base_path: str,
    existing: set[str],
) -> _Outcome:
    """Why ``link`` on the page at ``page_url`` is broken (and the missing path), the
    anchor it needs, or None."""
    if link.startswith(base_url):
        link = base_path + "/" + link[len(base_url) :]
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or (link.startswith("#") and not parts.fragment):
        return None
    if not parts.path:
        target_file = _file_of_url(page_url[len(base_path) :])
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page_url) + "/", parts.path))
        if parts.path.endswith("/") and not path.endswith("/"):
            path += "/"
        if path != base_path and not path.startswith(base_path + "/"):
            return f"is outside the site's base path {base_path}/", None
        found = _existing_file(unquote(path[len(base_path) :]), existing)
        if found is None:
            return "points to no file", unquote(path[len(base_path) :]).lstrip("/")
        target_file = found
    fragment = unquote(parts.fragment)
    if fragment and fragment != "top" and target_file.endswith(".html"):
        return _Anchor(target_file, fragment)
    return None


def _existing_file(url_path: str, existing: set[str]) -> str | None:
    relative = _file_of_url(url_path)
    if relative in existing:
        return relative
    with_index = relative.rstrip("/") + "/index.html"
    return with_index if with_index in existing else None


def _file_of_url(url_path: str) -> str:
    relative = url_path.lstrip("/")
    return relative + "index.html" if relative.endswith("/") or not relative else relative


def _url_of_file(relative: str) -> str:
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def _read(path: str) -> _Document:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return _Document([], set())
    if path.endswith(".xml"):
        return _read_xml(data)
    return _read_html(data.decode("utf-8", errors="replace"))


def _read_html(text: str) -> _Document:
    """The links and the anchors (ids, ``<a name>``) of an HTML page, as a browser parses it."""
    links: list[str] = []
    ids: set[str] = set()
    for element in LexborHTMLParser(text).css(ELEMENTS):
        tag, attributes = element.tag, element.attributes
        if tag == "meta":
            refresh = REFRESH.match(attributes.get("content") or "")
            if refresh and (attributes.get("http-equiv") or "").lower() == "refresh":
                links.append(refresh.group(1).strip())
            continue
        if (anchor := attributes.get("id")) is not None:
            ids.add(anchor)
        if tag == "a" and (anchor := attributes.get("name")) is not None:
            ids.add(anchor)
        if tag == "link" and HINTS & set((attributes.get("rel") or "").lower().split()):
            continue
        for name in LINK_ATTRIBUTES:  # plain loops: a page has hundreds of links
            if value := attributes.get(name):
                links.append(value.strip())
        if srcset := attributes.get("srcset"):
            links.extend(item.split()[0] for item in srcset.split(",") if item.strip())
    return _Document(links, ids)


def _read_xml(data: bytes) -> _Document:
    """The links of a sitemap (``<loc>``) or an Atom feed (``<link href>``)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return _Document([], set())
    links = [element.text.strip() for element in root.iter(f"{SITEMAP}loc") if element.text]
    links += [link.get("href", "") for link in root.iter(f"{ATOM}link")]
    return _Document([link for link in links if link], set())


def _output_files(output: Path) -> Iterator[str]:
    for folder, _, names in os.walk(output):
        for name in names:
            yield Path(folder, name).relative_to(output).as_posix()


def _nearest(missing: str, candidates: list[str]) -> str | None:
    missing_file = _file_of_url("/" + missing)
    match = difflib.get_close_matches(missing_file, candidates, n=1, cutoff=0.6)
    return "/" + _url_of_file(match[0]) if match else None


def attribute(link: BrokenLink, site: Site, written_by: dict[str, str]) -> SiteError:
    """Name the source of a broken link: the Markdown file and line, else the template (or
    the hooks file) that wrote the page, else the file of content/ it is."""
    file = unicodedata.normalize("NFC", link.file)  # as written to disk; macOS names are NFD
    url = "/" + _url_of_file(file)
    page = _pages_by_url(site).get(url)
    message = f"broken link '{link.target}': {link.reason}"
    hint = f"did you mean {link.suggestion}?" if link.suggestion else None
    if page is not None and (line := _line_in_body(page, link.target, site)) is not None:
        suggested = site.by_url.get(link.suggestion or "")
        if suggested is not None:
            hint = f"did you mean {suggested.source}?"
        return SiteError(page.file, line, message, hint)
    writer = {unicodedata.normalize("NFC", key): value for key, value in written_by.items()}
    if url in writer:
        return SiteError(writer[url], None, f"{message} (in /{file})", hint)
    if file in {unicodedata.normalize("NFC", name) for name in site.files}:
        return SiteError(f"content/{file}", None, message, hint)
    return SiteError(f"/{file}", None, message, hint)


def _pages_by_url(site: Site) -> dict[str, Page]:
    return {unicodedata.normalize("NFC", url): page for url, page in site.by_url.items()}


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
