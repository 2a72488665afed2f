"""Split a Markdown file into front matter and body, and validate the known keys.

Front matter is only what stands at the very top of the file: between ``---`` lines (YAML,
as Jekyll, Hugo and MkDocs write it) or ``+++`` lines (TOML, as Hugo and Zola do), a JSON
object (Hugo), or a block of Pelican's ``Title: …`` lines, read only when every line of the
block names one of Pelican's keys. Any other file has no front matter and keeps its whole
body, even when its first line reads ``Note: something``.

The keys other generators give the same meaning are read as frostpage's: Hugo's ``lastmod``
and Pelican's ``modified`` are ``updated``, Jekyll's ``redirect_from`` are ``aliases``,
``permalink`` (Jekyll), ``url`` (Hugo) and ``path`` (Zola) set the URL, and so on; a key of
theirs that frostpage has no use for is named in a warning, with what to write instead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import reprlib
import tomllib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import yaml

from .errors import SiteError

DELIMITERS = {"---": "YAML", "+++": "TOML"}
# More values than this in one front matter (or data file) is a YAML alias bomb, not a page.
MOST_VALUES = 10_000


class YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader (libyaml's when there is one), where a timestamp that is no real
    date (2024-13-45, 2024-02-30, 25:00) stays text, to be reported as not a date with its
    line, instead of escaping as a ValueError."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(source: str) -> Any:
    """Parse YAML safely: no impossible date escapes, and no alias bomb grows past
    MOST_VALUES (raises ValueError) or nests past Python's stack (RecursionError)."""
    value = yaml.load(source, Loader=YamlLoader)
    if _count_values(value, MOST_VALUES) > MOST_VALUES:
        raise ValueError(f"more than {MOST_VALUES:,} values once its aliases are expanded")
    return value


def _count_values(value: Any, budget: int) -> int:
    """How many values ``value`` holds, counting each alias again; stops past ``budget``."""
    count = 1
    stack = [value]
    while stack and count <= budget:
        item = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            count += len(children)
            stack.extend(child for child in children if isinstance(child, dict | list))
    return count


@dataclass(frozen=True)
class FrontMatter:
    """The parsed parts of one file; ``body_line`` is the file line where the body starts."""

    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int]


# Pelican's metadata keys: a first block of "Key: value" lines made only of these is metadata.
PELICAN_KEYS = {
    "title", "date", "modified", "tags", "keywords", "category", "slug", "author", "authors",
    "summary", "lang", "translation", "status", "template", "save_as", "url",
}  # fmt: skip


def split(text: str, path: str) -> FrontMatter:
    """Parse ``text`` (the file at ``path``, for messages). Raises SiteError."""
    lines = text.split("\n")
    opening = lines[0].rstrip() if lines else ""
    if opening.startswith("{"):
        return _split_json(text, path)
    if opening not in DELIMITERS:
        return _split_pelican(lines) or FrontMatter({}, text, 1, {})
    closing = {"---": ("---", "..."), "+++": ("+++",)}[opening]
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closing), None)
    if end is None:
        raise SiteError(
            path,
            1,
            f"front matter opened with '{opening}' is never closed",
            f"end it with a line that reads '{opening}'",
        )
    source = "\n".join(lines[1:end])
    meta = _parse_toml(source, path) if opening == "+++" else _parse_yaml(source, path)
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = re.match(r"""\s*["']?([\w-]+)["']?\s*[:=]""", line)
        if match and not line.startswith((" ", "\t")):
            key_lines.setdefault(match.group(1), number)
    return FrontMatter(meta, "\n".join(lines[end + 1 :]), end + 2, key_lines)


def _split_json(text: str, path: str) -> FrontMatter:
    """Hugo's JSON front matter: an object at the top of the file, the body after it."""
    try:
        meta, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as error:
        if text.split("\n", 1)[0].strip() != "{":
            return FrontMatter({}, text, 1, {})  # '{: .class}' or a shortcode: Markdown
        raise SiteError(path, error.lineno, f"invalid JSON in front matter: {error.msg}") from None
    except RecursionError:
        raise SiteError(path, 1, "front matter nested too deeply") from None
    if not isinstance(meta, dict):
        return FrontMatter({}, text, 1, {})
    head = text[:end]
    key_lines = {
        key: head.count("\n", 0, head.find(f'"{key}"')) + 1 for key in meta if f'"{key}"' in head
    }
    rest = text[end:]
    newline = re.match(r"[ \t]*\n", rest)  # the rest of the closing brace's line
    body = rest[newline.end() :] if newline else rest
    return FrontMatter(meta, body, head.count("\n") + (2 if newline else 1), key_lines)


def _split_pelican(lines: list[str]) -> FrontMatter | None:
    """Pelican's metadata: the first lines, up to a blank one, each ``Key: value`` with a
    key of Pelican's (so a page that opens with "Warning: read this" keeps its text)."""
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            break
        match = re.fullmatch(r"(\w+):\s*(.*?)\s*", line)
        if not match or match.group(1).lower() not in PELICAN_KEYS:
            return None
        key = match.group(1).lower()
        meta[key], key_lines[key] = match.group(2), number
    else:
        return None  # a file of metadata only is not Pelican's: its text stays
    if not meta:
        return None
    for key in ("tags", "keywords", "authors"):  # comma-separated lists in Pelican
        if key in meta:
            meta[key] = [item.strip() for item in meta[key].split(",") if item.strip()]
    if meta.get("status") in ("draft", "hidden"):
        meta["draft"] = True
    body = "\n".join(lines[number:])
    return FrontMatter(meta, body, number + 1, key_lines)


def _parse_yaml(source: str, path: str) -> dict[str, Any]:
    try:
        meta = load_yaml(source)
    except ValueError as error:
        line = next((n for n, text in enumerate(source.split("\n"), 2) if "*" in text), 1)
        raise SiteError(path, line, f"front matter refused: {error}") from None
    except RecursionError:
        raise SiteError(path, 2, "front matter nested too deeply") from None
    except yaml.MarkedYAMLError as error:
        # An unclosed bracket or quote is found only at the end: point at where it opened.
        at_end = error.problem_mark and error.problem_mark.line >= source.count("\n")
        mark = error.context_mark if at_end and error.context_mark else error.problem_mark
        line = mark.line + 2 if mark else 1
        problem = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context and error.context_mark else ""
        raise SiteError(path, line, f"invalid YAML in front matter: {problem}{context}") from None
    except yaml.YAMLError as error:
        raise SiteError(path, 1, f"invalid YAML in front matter: {error}") from None
    return _as_mapping(meta, path)


def _parse_toml(source: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(source)
    except RecursionError:
        raise SiteError(path, 2, "front matter nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(match.group(1)) + 1 if match else source.count("\n") + 2
        message = re.sub(r"\s*\(at (line|end).*\)", "", str(error))
        raise SiteError(path, line, f"invalid TOML in front matter: {message}") from None


def _as_mapping(meta: Any, path: str) -> dict[str, Any]:
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        kinds: dict[type, str] = {list: "a list", str: "a string"}
        kind = kinds.get(type(meta), type(meta).__name__)
        raise SiteError(
            path,
            2,
            f"front matter must be a mapping of keys to values, not {kind}",
            "write one 'key: value' per line, e.g. 'title: My page'",
        )
    return {str(key): value for key, value in meta.items()}


@dataclass(frozen=True)
class PageMeta:
    """The front matter keys frostpage itself understands, checked and typed."""

    title: str | None
    date: dt.datetime | None
    updated: dt.datetime | None
    tags: tuple[str, ...]
    terms: dict[str, tuple[str, ...]]  # taxonomy → the page's terms (categories, series…)
    draft: bool
    summary: str | None
    description: str | None  # for search engines (Hugo's, Zola's and Jekyll's description)
    template: str | None
    page_template: str | None  # a section page's: the template of the pages under it (Zola's)
    slug: str | None
    url: str | None  # the page's own URL, when the front matter sets one
    weight: int
    aliases: tuple[str, ...]
    image: str | None
    lang: str | None = None  # the page's language, as Pelican writes it
    translation_key: str | None = None  # pages with one key translate each other (Hugo's)
    warnings: tuple[tuple[str, int, str], ...] = ()  # (key, line, what to do) of others' keys


# Keys other generators give a meaning frostpage has under another name: the first of each
# list that the front matter has is read.
SAME_AS = {
    "updated": ("updated", "lastmod", "modified", "last_modified_at"),
    "summary": ("summary", "excerpt"),
    "aliases": ("aliases", "redirect_from"),
    "url": ("url", "permalink", "path"),
    "translation_key": ("translation_key", "translationKey"),
}
# Keys of other generators that frostpage does not use: what they mean there, and what to do.
OTHERS_KEYS = {
    "layout": "is Jekyll's and Hugo's choice of layout: write 'template: page.html' (or post.html)",
    "type": "is Hugo's content type: write 'template: …' to choose the page's template",
    "publishdate": "is Hugo's publication date: write 'date:' (a future date is scheduled)",
    "expirydate": "is Hugo's expiry date: frostpage never unpublishes a page by date",
    "headless": "is Hugo's: a page without a URL; move the file out of content/ instead",
    "render": "is Zola's: a page without a URL; move the file out of content/ instead",
    "in_search_index": "is Zola's: every published page is in frostpage's search index",
    "sort_by": "is Zola's: sections list pages by weight, then title; posts by date",
    "paginate_by": "is Zola's: write 'posts_per_page' in site/config.toml",
    "translation": "is Pelican's: translations are linked by their path, or 'translation_key'",
    "save_as": "is Pelican's output path: write 'slug:' or 'url:' instead",
    "nav_order": "is Just the Docs' order: write 'weight:'",
    "sidebar_position": "is Docusaurus' order: write 'weight:'",
    "menu": "is Hugo's menu entry: list the page in [[nav]] of site/config.toml",
    "menus": "is Hugo's menu entry: list the page in [[nav]] of site/config.toml",
    "linktitle": "is Hugo's short title for menus: frostpage shows 'title'",
    "outputs": "is Hugo's list of formats: every page is HTML, in the feeds and the API",
    "cascade": "is Hugo's front matter for a whole section: write the keys on each page",
    "build": "is Hugo's build options: a draft is 'draft: true'",
    "resources": "is Hugo's page resources: put the files beside the page and link them",
    "insert_anchor_links": "is Zola's: frostpage gives every heading a '#' link",
    "sitemap": "is Jekyll's: every published page is in frostpage's sitemap",
    "hide": "is MkDocs-Material's: frostpage's theme shows the table of contents on its own",
}
# Keys that are taxonomies in Hugo, Zola and Jekyll: listed only when the site has them.
TAXONOMY_KEYS = {"categories": "categories", "category": "categories", "series": "series"}
NOT_A_TAXONOMY = "is a taxonomy this site does not list: add it to 'taxonomies' in site/config.toml"


def singular(taxonomy: str) -> str:
    """The name of one term: 'categories' → 'category', 'authors' → 'author'."""
    if taxonomy.endswith("ies"):
        return taxonomy[:-3] + "y"
    return taxonomy[:-1] if taxonomy.endswith("s") and not taxonomy.endswith("ss") else taxonomy


def validate(
    front: FrontMatter, path: str, zone: dt.tzinfo, taxonomies: tuple[str, ...] = ()
) -> tuple[PageMeta, list[SiteError]]:
    """Check the known keys. Returns the typed values and every error found (not only one).

    ``taxonomies`` are the site's besides tags: a page's terms of one are under its name, its
    singular ('category: news'), or Zola's [taxonomies] table."""
    errors: list[SiteError] = []
    meta = front.meta
    table = meta.get("taxonomies")
    if not isinstance(table, dict):  # Zola's [taxonomies] table
        table = {}
    # Each of frostpage's keys, from the first of its names the front matter uses.
    given = {
        key: next((name for name in names if name in meta), key) for key, names in SAME_AS.items()
    }

    def fail(key: str, message: str, hint: str | None = None) -> None:
        errors.append(SiteError(path, front.key_lines.get(key, 1), message, hint))

    def text(key: str) -> str | None:
        name = given.get(key, key)
        value = meta.get(name)
        if value is None or isinstance(value, str):
            return value
        if key in ("title", "summary") and isinstance(value, int | float):
            return str(value)
        fail(name, f"'{name}' must be text, not {_describe(value)}")
        return None

    def date(key: str) -> dt.datetime | None:
        name = given.get(key, key)
        value = meta.get(name)
        if value is None:
            return None
        parsed = parse_date(value, zone)
        if parsed is None:
            fail(
                name,
                f"'{name}' is not a date: {value!r}",
                "write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with an optional time zone",
            )
        return parsed

    def text_list(key: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            if "," in value:  # Pelican's 'Tags: a, b'
                value = value.split(",")
            else:  # Jekyll's 'tags: a b' and 'categories: a b'; any other key, one item
                value = value.split() if key in ("tags", "categories") else [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            fail(key, f"'{key}' must be a list of text, not {_describe(value)}", f"{key}: [a, b]")
            return ()
        return tuple(item.strip() for item in value if item.strip())

    draft = meta.get("draft", meta.get("published", True) is False)
    if not isinstance(draft, bool):
        fail("draft", f"'draft' must be true or false, not {draft!r}")
        draft = False
    weight = meta.get("weight", 0)
    if not isinstance(weight, int) or isinstance(weight, bool):
        fail("weight", f"'weight' must be a whole number, not {weight!r}")
        weight = 0
    slug = text("slug")
    if slug is not None and ("/" in slug or not re.search(r"\w", slug)):
        fail(
            "slug",
            f"'slug' must be one part of a URL, with a letter or a digit, not {slug!r}",
            "write it like 'my-post'; the folder of the file gives the rest of the URL",
        )
        slug = None
    tags = text_list("tags", meta.get("tags")) + text_list("tags", table.get("tags"))
    terms: dict[str, tuple[str, ...]] = {}
    for taxonomy in dict.fromkeys(("categories", *taxonomies)):
        key = next((k for k in (taxonomy, singular(taxonomy)) if k in meta), taxonomy)
        found = text_list(key, meta.get(key)) + text_list(key, table.get(taxonomy))
        if found:
            terms[taxonomy] = tuple(dict.fromkeys(found))
    url = text("url")
    if url is not None and not url.startswith("/"):
        url = "/" + url  # Zola's 'path' is written without its leading slash
    page_meta = PageMeta(
        title=text("title"),
        date=date("date"),
        updated=date("updated"),
        tags=tuple(dict.fromkeys(tags)),
        terms=terms,
        draft=draft,
        summary=text("summary"),
        description=text("description"),
        template=text("template"),
        page_template=text("page_template"),
        slug=slug,
        url=url,
        weight=weight,
        aliases=tuple(
            _normalize_alias(alias)
            for alias in text_list(given["aliases"], meta.get(given["aliases"]))
        ),
        image=text("image"),
        lang=text("lang"),
        translation_key=text("translation_key"),
        warnings=tuple(
            (key, front.key_lines.get(key, 1), OTHERS_KEYS[key.lower()])
            for key in meta
            if key.lower() in OTHERS_KEYS
        )
        + tuple(
            (key, front.key_lines.get(key, front.key_lines.get("taxonomies", 1)), NOT_A_TAXONOMY)
            for key in [*meta, *table]
            if key in TAXONOMY_KEYS and TAXONOMY_KEYS[key] not in taxonomies
        ),
    )
    return page_meta, sorted(errors, key=lambda error: error.line or 0)


def _normalize_alias(alias: str) -> str:
    """'/old/page' → '/old/page/'; a file name ('/old.html') keeps its form; '%20' is a space
    (aliases are kept as paths, and encoded where a URL is written). An alias without a
    leading slash is from the site's root, as Zola reads it ('2016/08/10/post.html')."""
    alias = unquote(alias)
    if alias and not alias.startswith(("/", ".")) and "://" not in alias:
        alias = "/" + alias
    last = alias.rstrip("/").rsplit("/", 1)[-1]
    return alias if alias.endswith("/") or "." in last else alias + "/"


def parse_date(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """A YAML/TOML date, datetime or ISO 8601 string → an aware datetime (None if invalid)."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _describe(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", dict: "a mapping"}.get(
        type(value), reprlib.repr(value)
    )
