"""Split a Markdown file into front matter and body, and validate the known keys.

Front matter is only what stands between delimiter lines at the very top of the file:
``---`` … ``---`` (YAML) or ``+++`` … ``+++`` (TOML), as Hugo and Zola write it. A file
that does not start with a delimiter has no front matter and keeps its whole body, even
when its first line reads ``Note: something`` — Flask-FlatPages' own parser guesses there
and can lose such a body.
"""

from __future__ import annotations

import datetime as dt
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


def split(text: str, path: str) -> FrontMatter:
    """Parse ``text`` (the file at ``path``, for messages). Raises SiteError."""
    lines = text.split("\n")
    opening = lines[0].rstrip() if lines else ""
    if opening not in DELIMITERS:
        return FrontMatter({}, text, 1, {})
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
    draft: bool
    summary: str | None
    template: str | None
    slug: str | None
    weight: int
    aliases: tuple[str, ...]
    image: str | None


def validate(front: FrontMatter, path: str, zone: dt.tzinfo) -> tuple[PageMeta, list[SiteError]]:
    """Check the known keys. Returns the typed values and every error found (not only one)."""
    errors: list[SiteError] = []
    meta = front.meta

    def fail(key: str, message: str, hint: str | None = None) -> None:
        errors.append(SiteError(path, front.key_lines.get(key, 1), message, hint))

    def text(key: str) -> str | None:
        value = meta.get(key)
        if value is None or isinstance(value, str):
            return value
        if key in ("title", "summary") and isinstance(value, int | float):
            return str(value)
        fail(key, f"'{key}' must be text, not {_describe(value)}")
        return None

    def date(key: str) -> dt.datetime | None:
        value = meta.get(key)
        if value is None:
            return None
        parsed = parse_date(value, zone)
        if parsed is None:
            fail(
                key,
                f"'{key}' is not a date: {value!r}",
                "write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with an optional time zone",
            )
        return parsed

    def text_list(key: str) -> tuple[str, ...]:
        value = meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            fail(key, f"'{key}' must be a list of text, not {_describe(value)}", f"{key}: [a, b]")
            return ()
        return tuple(item.strip() for item in value if item.strip())

    draft = meta.get("draft", False)
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
    page_meta = PageMeta(
        title=text("title"),
        date=date("date"),
        updated=date("updated"),
        tags=text_list("tags"),
        draft=draft,
        summary=text("summary"),
        template=text("template"),
        slug=slug,
        weight=weight,
        aliases=tuple(_normalize_alias(alias) for alias in text_list("aliases")),
        image=text("image"),
    )
    return page_meta, sorted(errors, key=lambda error: error.line or 0)


def _normalize_alias(alias: str) -> str:
    """'/old/page' → '/old/page/'; a file name ('/old.html') keeps its form; '%20' is a space
    (aliases are kept as paths, and encoded where a URL is written)."""
    alias = unquote(alias)
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
