"""What a rebuild may keep of the previous build: the files of URLs whose inputs are unchanged.

After each build, a record of it is kept in ``.frostpage-cache/``: a fingerprint of every
input a URL may depend on besides the content of pages and the templates (frostpage's code
and libraries, the settings, static/, site/, the names of the files of content/, and every
page's front matter and place on the site); a key of each page's content (its text, and
the names under which the files it shows are published: an edited image changes the key
of the pages that show it, and of no other); a digest of each template; and for each URL
the file written, the pages whose content it read (``page.recording_reads``) and the
templates it rendered, with those they extend, include or import. The next build into the
same folder, if that fingerprint is unchanged, keeps the file of a URL when none of the
pages it read and none of its templates has changed, and the file is still the one the
record names (same inode, size and modification time); a URL that shows when files last
changed (the sitemap) is kept only while those dates are the same. Every other URL is
requested from the app again. A record that is missing, unreadable or of other code, or a
file touched since, means writing again: never trusting.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import importlib.metadata
import operator
import os
import pickle
import secrets
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from itertools import compress, repeat
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from .model import Site
from .page import Page
from .paths import CACHE_FOLDER, file_version
from .search import Made

RECORDS_FOLDER = "builds"
# The libraries whose code shapes the bytes of a page, beside frostpage's own.
LIBRARIES: tuple[str, ...] = ("flask", "werkzeug", "jinja2", "markupsafe", "frozen-flask")
LIBRARIES += ("markdown", "pygments", "pymdown-extensions", "latex2mathml", "pillow")
# Inputs besides the content of pages: hashed as they are (small) or by their stat (big).
HASHED_FOLDERS = ("site",)  # templates are followed one by one (template_graph)
STATTED_FOLDERS = ("static",)

Stat = tuple[int, int, int]  # inode, size, modification time (ns)


@dataclass(frozen=True, slots=True)
class Written:
    """One URL of a build: its file and the pages whose content it read."""

    file: str  # under the build folder, e.g. 'posts/hello/index.html'
    reads: frozenset[str]  # sources under content/
    # The templates its answer rendered, with those they extend, include or import ("*":
    # one of them names a template it computes, so it may use any).
    templates: frozenset[str] = frozenset()
    stat: Stat | None = None  # of the published file

    def __reduce__(self) -> tuple[type[Written], tuple[Any, ...]]:
        """Pickled as its fields: a build loads one per URL, and the default way for a
        frozen, slotted class looks up its fields for each, ten times slower."""
        return Written, (self.file, self.reads, self.templates, self.stat)


@dataclass
class BuildRecord:
    """What a build wrote into its folder, and from which inputs."""

    fingerprint: str
    content: dict[str, str]  # source → content key
    urls: dict[str, Written]
    anchors: dict[str, str]  # every file → its ids, for the link check (links.Anchors)
    written_by: dict[str, str] = field(default_factory=dict)  # URL → its template or hook
    templates_loaded: set[str] = field(default_factory=set)
    assets: set[str] = field(default_factory=set)  # fingerprinted files the pages used
    search_key: str = ""  # what its search index was made of (search_key)
    search_files: dict[str, Stat | None] = field(default_factory=dict)  # the index's files
    search_made: dict[str, Made] = field(default_factory=dict)  # each index, to patch it
    # The other files it published (static files, files of content/…), with their stats.
    others: dict[str, Stat | None] = field(default_factory=dict)
    # Each page → the files of content/ it links or shows (images), for its content key.
    linked: dict[str, tuple[str, ...]] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)  # each template → its digest
    # Each template → those it uses (template_graph), as far as this build parsed them.
    template_uses: dict[str, frozenset[str] | None] = field(default_factory=dict)
    file_dates: str = ""  # the dates of files its sitemap showed (file_dates_key)
    # The folders of the build folder as published, with their change times (publish.Listing).
    folders: dict[str, int | None] = field(default_factory=dict)
    # The record it was loaded as changes to (its id, as loaded): the next save compares.
    base: tuple[str, BuildRecord] | None = field(default=None, repr=False, compare=False)

    def search_untouched(self, destination: Path, touched: set[str] | None) -> bool:
        """Whether the files of this build's search index are untouched in ``destination``
        (``touched``: its files found changed there, when known; see ``touched``)."""
        untouched = _untouched(destination, touched)
        return bool(self.search_files) and all(
            untouched(name, stat) for name, stat in self.search_files.items()
        )

    def touched(self, destination: Path) -> set[str]:
        """The files of its URLs and search index that are not as it left them in
        ``destination``: a stat each, which a rebuild has done on another core while it
        loads the site."""
        untouched = _untouched(destination, None)
        published = [(written.file, written.stat) for written in self.urls.values()]
        published += self.search_files.items()
        return {name for name, stat in published if not untouched(name, stat)}

    def files(self) -> set[str]:
        """Every file it published (but the marker)."""
        names = {written.file for written in self.urls.values()}
        return names | self.search_files.keys() | self.others.keys()

    def template_uses_of(self, templates: dict[str, str]) -> dict[str, frozenset[str] | None]:
        """What each template uses, of those whose source is as in ``templates`` (name →
        digest): they need not be parsed again."""
        return {
            name: uses
            for name, uses in self.template_uses.items()
            if name in self.templates and self.templates[name] == templates.get(name)
        }

    def unchanged(self, fingerprint: str, content: dict[str, str]) -> set[str] | None:
        """The pages whose content is as it was in this build (so they rendered without an
        error), or None when any other input changed."""
        if fingerprint != self.fingerprint:
            return None
        return {source for source, key in content.items() if self.content.get(source) == key}

    def reusable(
        self,
        unchanged: set[str] | None,
        destination: Path,
        templates: dict[str, str],
        touched: set[str] | None,
    ) -> dict[str, Written]:
        """The URLs whose files may be kept: they read only ``unchanged`` pages, rendered
        no template that differs from this build's ``templates`` (name → digest), and their
        files in ``destination`` are untouched since (``touched``: those found changed
        there, when known; else a stat each)."""
        if unchanged is None:
            return {}
        changed = {
            name
            for name in self.templates.keys() | templates.keys()
            if self.templates.get(name) != templates.get(name)
        }
        if changed:
            changed.add("*")
        untouched = _untouched(destination, touched)
        return {
            url: written
            for url, written in self.urls.items()
            if written.reads <= unchanged
            and not written.templates & changed
            and untouched(written.file, written.stat)
        }


def _untouched(destination: Path, touched: set[str] | None) -> Callable[[str, Stat | None], bool]:
    """Whether a file of a build is as it left it in ``destination``: not ``touched``, when
    those are known, else by its stat."""
    top = f"{destination}/"  # joined by hand: a hundred thousand os.path.join took 0.2 s
    if touched is None:
        return lambda name, stat: stat is not None and file_stat(top + name) == stat
    return lambda name, stat: stat is not None and name not in touched


def record_path(root: Path, destination: Path) -> Path:
    """One record per build folder: ``build/`` and ``--output elsewhere`` differ."""
    name = hashlib.sha256(str(destination).encode()).hexdigest()[:16]
    return root / CACHE_FOLDER / RECORDS_FOLDER / f"{name}.pickle"


def load_record(path: Path) -> BuildRecord | None:
    """The record at ``path``, or None when there is none that this code can trust."""
    changes = load_stamped(path)
    if not isinstance(changes, Changes):
        return None
    stored = load_stamped(_base_path(path))
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == changes.base):
        return None
    base_id, base = stored
    if not isinstance(base, BuildRecord) or not all(hasattr(base, name) for name in _FIELDS):
        return None
    record = copy.copy(base)
    for name in _FIELDS:
        value = getattr(base, name)
        if isinstance(value, dict | set):
            value = value.copy()  # the base's own stay as loaded, for the next save
        if name in changes.entries:
            changed, removed = changes.entries[name]
            for key in removed:
                del value[key]
            value.update(changed)
        elif name in changes.values:
            value = changes.values[name]
        setattr(record, name, value)
    record.base = (base_id, base)
    return record


def save_record(path: Path, record: BuildRecord, destination: Path) -> None:
    """Store ``record`` with the stat of each published file; a failure only costs speed.
    A file kept from the previous build has the stat it was kept by (it is the same file,
    or a copy the next build will not trust). When it differs little from the record it
    was loaded as changes to (``record.base``), only the changes are written: a record of
    a hundred thousand pages took a second to write whole after a one-page edit."""
    record.urls = {
        url: written
        if written.stat is not None
        else Written(
            written.file,
            written.reads,
            written.templates,
            file_stat(os.path.join(destination, written.file)),
        )
        for url, written in record.urls.items()
    }
    record.search_files = _with_stats(record.search_files, destination)
    record.others = _with_stats(record.others, destination)
    base, record.base = record.base, None
    changes = _changes(base[0], base[1], record) if base else None
    if changes is None:
        base_id = secrets.token_hex(8)
        save_stamped(_base_path(path), (base_id, record))
        changes = Changes(base_id, {}, {})
    save_stamped(path, changes)


@dataclass
class Changes:
    """A record as the changes to another, its base (saved beside it): each dict's entries
    that differ (and the keys it no longer has), and the other fields that differ."""

    base: str  # the base's id
    entries: dict[str, tuple[dict[Any, Any], list[Any]]]
    values: dict[str, Any]


_FIELDS = [item.name for item in fields(BuildRecord) if item.name != "base"]
# Past this share of changed entries (most URLs written again), the record is saved whole.
CHANGED_FOR_A_NEW_BASE = 0.1


def _changes(base_id: str, base: BuildRecord, record: BuildRecord) -> Changes | None:
    """``record`` as changes to ``base``, or None when so much changed that it is better
    saved whole."""
    entries: dict[str, tuple[dict[Any, Any], list[Any]]] = {}
    values: dict[str, Any] = {}
    count = total = 0
    for name in _FIELDS:
        old, new = getattr(base, name), getattr(record, name)
        if isinstance(old, dict) and isinstance(new, dict):
            changed, removed = _entry_changes(old, new)
            if changed or removed:
                entries[name] = (changed, removed)
            count, total = count + len(changed) + len(removed), total + len(new)
        elif old != new:
            values[name] = new
    return None if count > total * CHANGED_FOR_A_NEW_BASE else Changes(base_id, entries, values)


def _entry_changes(old: dict[Any, Any], new: dict[Any, Any]) -> tuple[dict[Any, Any], list[Any]]:
    """The entries of ``new`` that ``old`` does not have, and the keys ``old`` has alone.
    After a rebuild, most values are the very objects ``old`` holds: those are passed over
    without a step of Python each, a hundred thousand of them in milliseconds."""
    missing = object()
    before = list(map(old.get, new, repeat(missing)))  # each key's value in ``old``
    added = sum(map(operator.is_, before, repeat(missing)))
    gone = len(old) - (len(new) - added)
    candidates = compress(new.items(), map(operator.is_not, before, new.values()))
    changed = {
        key: value
        for key, value in candidates
        if (was := old.get(key, missing)) is missing or was != value
    }
    return changed, list(old.keys() - new.keys()) if gone else []


def _base_path(path: Path) -> Path:
    return path.with_suffix(".base")


def _with_stats(files: dict[str, Stat | None], destination: Path) -> dict[str, Stat | None]:
    return {
        name: stat or file_stat(os.path.join(destination, name)) for name, stat in files.items()
    }


def load_stamped(path: Path) -> Any:
    """What ``save_stamped`` stored at ``path`` with this code, or None (missing, truncated,
    or written by other code)."""
    try:
        with path.open("rb") as file:
            stamp, value = pickle.load(file)
    except Exception:
        return None
    return value if stamp == engine_stamp() else None


def save_stamped(path: Path, value: Any) -> None:
    """Store ``value`` for this code only, in one step; a failure only costs speed."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            pickle.dump((engine_stamp(), value), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)


def forget_record(path: Path) -> None:
    path.unlink(missing_ok=True)


def content_keys(
    site: Site, linked: dict[str, tuple[str, ...]], pages: Iterable[Page] | None = None
) -> dict[str, str]:
    """Each page's content key (of ``pages``, else of all): its text, the names its
    ``linked`` files of content/ are published under, and its ``image:``'s (a social
    card's name follows its image)."""
    keys = {}
    for page in site.all_pages if pages is None else pages:
        digest = hashlib.blake2b(page.body_digest.encode(), digest_size=16)
        names = [site.published_name(name) for name in linked.get(page.source, ())]
        digest.update(repr((names, site.image_url(page))).encode("utf-8", "surrogatepass"))
        keys[page.source] = digest.hexdigest()
    return keys


def linked_files(site: Site, before: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The files of content/ each page links or shows: as its rendering in this process
    found them, else (a page rendered by no one here, its content unchanged) as ``before``."""
    linked = {}
    for page in site.all_pages:
        rendered = page.__dict__.get("_rendered")
        if rendered is not None:
            linked[page.source] = tuple(
                sorted(name for name in rendered.links if name in site.files)
            )
        elif page.source in before:
            linked[page.source] = before[page.source]
    return linked


def recorded_content(site: Site, content: dict[str, str]) -> dict[str, str]:
    """The content keys to record: none for a page that included other files of the project
    (snippets, shortcode templates), so the next build writes it again (its render cache
    entry checks those files), nor for one with broken links or warnings, to be told again."""
    recorded = dict(content)
    for page in site.all_pages:
        rendered = page.__dict__.get("_rendered")
        if rendered is not None and (rendered.reads or rendered.broken_links or rendered.warnings):
            recorded.pop(page.source, None)
    return recorded


def search_key(inputs: str, content: dict[str, str], site: Site) -> str:
    """What the search index is made of, known without rendering every page again: the
    inputs, each page's content, and the HTML of pages that include other files."""
    digest = hashlib.sha256(inputs.encode())
    digest.update(repr(sorted(content.items())).encode())
    for page in site.all_pages:
        rendered = page.__dict__.get("_rendered")
        if rendered is not None and rendered.reads:
            digest.update(site.render(page).html.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def file_dates_key(dates: dict[str, dt.datetime]) -> str:
    """What the sitemap showed of when files last changed (views.file_dates)."""
    return hashlib.blake2b(repr(sorted(dates.items())).encode(), digest_size=16).hexdigest()


@functools.cache
def engine_stamp() -> str:
    """frostpage's code, the versions of the libraries that shape output, and Python's."""
    digest = hashlib.sha256(sys.version.encode())
    for library in LIBRARIES:
        digest.update(f"{library} {importlib.metadata.version(library)}\n".encode())
    package = Path(__file__).parent
    # Its code, and the files it serves or renders with (shortcodes, scripts, Mermaid).
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            name = path.relative_to(package).as_posix()
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(root: Path, site: Site, dev: bool, include_future: bool, themes: list[Path]) -> str:
    """Everything a URL's bytes may depend on, except the content of pages (``themes``:
    the folders whose templates/ and static/ the site uses, the site's own first)."""
    digest = hashlib.sha256(repr((dev, include_future, site.settings)).encode())
    # A theme's files are hashed as they are: installed again (another virtual environment,
    # the host's next build), the same files have other stats, and the site is the same.
    for number, base in enumerate([root, *themes[1:]]):
        for folder in HASHED_FOLDERS if base == root else ("i18n", *STATTED_FOLDERS):
            for path in _files_under(base / folder):
                name = f"{number}:{path.relative_to(base)}"
                digest.update(f"{name}\0".encode() + path.read_bytes())
        for folder in STATTED_FOLDERS if base == root else ():
            for path in _files_under(base / folder):
                name = f"{number}:{path.relative_to(base)}"
                digest.update(f"{name} {file_version(path.stat())}\n".encode())
    # The files of content/ (their published names are in the keys of the pages that show
    # them).
    digest.update(repr(sorted(site.files)).encode())
    for page in site.all_pages:
        digest.update(page.metadata_digest.encode())
        digest.update(b"scheduled" if site.is_scheduled(page) else b"published")
    return digest.hexdigest()


def template_digests(environment: jinja2.Environment) -> dict[str, str]:
    """Each template the site's templates/ and its themes' give, as the loader finds it
    (the site's own over a theme's), with a digest of its source."""
    assert environment.loader is not None
    digests = {}
    for name in environment.loader.list_templates():
        source = environment.loader.get_source(environment, name)[0]
        digests[name] = hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
    return digests


def template_graph(
    environment: jinja2.Environment, known: dict[str, frozenset[str] | None]
) -> dict[str, frozenset[str] | None]:
    """Each template → the templates it extends, includes or imports by name; None for one
    that computes a name (``{% include page.template %}``): it may use any. Those ``known``
    are not parsed again."""
    assert environment.loader is not None
    graph: dict[str, frozenset[str] | None] = {}
    for name in environment.loader.list_templates():
        if name in known:
            graph[name] = known[name]
            continue
        try:
            source = environment.loader.get_source(environment, name)[0]
            found = list(jinja2.meta.find_referenced_templates(environment.parse(source)))
        except (jinja2.TemplateError, UnicodeDecodeError):
            found = [None]  # not a template Jinja reads: followed as one that may use any
        graph[name] = None if None in found else frozenset(n for n in found if n)
    return graph


def closure(rendered: Iterable[str], graph: dict[str, frozenset[str] | None]) -> frozenset[str]:
    """The templates ``rendered`` and all they use, or {"*"} with them when one may use any."""
    found: set[str] = set()
    waiting = list(rendered)
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        found.add(name)
        uses = graph.get(name, frozenset())
        if uses is None:
            found.add("*")
        else:
            waiting.extend(uses)
    return frozenset(found)


def _files_under(folder: Path) -> list[Path]:
    found: list[Path] = []
    for directory, folders, names in os.walk(folder):
        folders.sort()
        found.extend(Path(directory, name) for name in sorted(names))
    return [path for path in found if "__pycache__" not in path.parts]


def file_stat(path: str | Path) -> Stat | None:
    """What tells a published file from another, or one touched since: None if missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns
