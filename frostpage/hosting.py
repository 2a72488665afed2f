"""The built site served as Netlify serves it (`make preview`), so that an author sees
what will deploy: the rules of build/_redirects and netlify.toml's [[redirects]], the
headers of build/_headers and netlify.toml's [[headers]], 404.html with status 404, and
folder URLs without their slash sent to it.

Netlify's documented behaviour (Redirects and rewrites; Custom headers):
- rules are tried in order, _redirects first, then netlify.toml; the first that matches wins;
- a rule does not apply where a file exists at the URL ("shadowing"), unless it is forced
  (``301!``, ``force = true``);
- ``*`` at the end of a path matches the rest (``:splat`` in the target), ``:name`` one part;
- a status of 200 serves the target's file at the requested URL (a rewrite), 404 serves it
  as not found; 301, 302, 303, 307 and 308 redirect; without a status, 301;
- a URL matches with or without its trailing slash;
- every header rule whose path matches adds its headers.
Conditions (country, language, role, query parameters) and proxies to other sites are not
emulated: such a rule is listed once as not previewed.
"""

from __future__ import annotations

import mimetypes
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

from .errors import SiteError

REDIRECTS = (301, 302, 303, 307, 308)
NOT_FOUND_PAGE = "404.html"


@dataclass(frozen=True)
class Rule:
    """One redirect or rewrite: where it is written, for messages."""

    source: str  # '/old/*', '/news/:year/:slug'
    target: str
    status: int = 301
    force: bool = False
    where: str = ""  # 'build/_redirects:3'

    def match(self, path: str) -> dict[str, str] | None:
        """The values of its placeholders (and 'splat') if ``path`` matches it."""
        return _match(self.source, path)

    def target_for(self, values: dict[str, str]) -> str:
        return re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), self.target)


@dataclass(frozen=True)
class HeaderRule:
    path: str
    values: tuple[tuple[str, str], ...]


@dataclass
class Host:
    """The rules of one published folder, and how a request is answered with them."""

    folder: Path
    rules: list[Rule] = field(default_factory=list)
    headers: list[HeaderRule] = field(default_factory=list)
    not_previewed: list[str] = field(default_factory=list)  # rules this host cannot emulate

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response = self.answer(Request(environ).path)
        return response(environ, start_response)

    def answer(self, path: str) -> Response:
        """The response to a GET of ``path``, as Netlify gives it."""
        path = unquote(path)
        file = self.file(path)
        response = None
        for rule in self.rules:
            values = rule.match(path)
            if values is None or (file is not None and not rule.force):
                continue
            target = rule.target_for(values)
            if rule.status in REDIRECTS:
                response = Response(status=rule.status, headers={"Location": target})
            else:
                found = self.file(target.split("?")[0])
                if found is None:
                    continue  # a rewrite to nothing: the next rule, else the file or a 404
                response = self._file(found, rule.status)
            break
        if response is None and file is not None:
            if file.name == "index.html" and not path.endswith(("/", ".html")):
                response = Response(status=301, headers={"Location": path + "/"})
            else:
                response = self._file(file, 200)
        if response is None:
            missing = self.folder / NOT_FOUND_PAGE
            response = self._file(missing, 404) if missing.is_file() else Response(status=404)
        for name, value in self.headers_for(path):
            if name in response.headers:
                response.headers[name] = f"{response.headers[name]}, {value}"
            else:
                response.headers[name] = value
        return response

    def file(self, path: str) -> Path | None:
        """The file that answers ``path``: itself, or the index.html of its folder."""
        joined = safe_join(str(self.folder), path.lstrip("/"))  # never outside the folder
        if joined is None:
            return None
        candidate = Path(joined)
        if candidate.is_file():
            return candidate
        index = candidate / "index.html"
        return index if index.is_file() else None

    def headers_for(self, path: str) -> list[tuple[str, str]]:
        return [
            pair
            for rule in self.headers
            if _match(rule.path, path) is not None
            for pair in rule.values
        ]

    def _file(self, file: Path, status: int) -> Response:
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/xml"):
            kind += "; charset=utf-8"
        if file.name in ("_redirects", "_headers"):
            kind = "application/octet-stream"
        return Response(file.read_bytes(), status=status, content_type=kind)


def _match(pattern: str, path: str) -> dict[str, str] | None:
    """The values of ``pattern``'s placeholders if ``path`` matches it (with or without its
    trailing slash)."""
    regex = ""
    for part in re.split(r"(:\w+|\*)", pattern):
        if part == "*":
            regex += "(?P<splat>.*)"
        elif part.startswith(":") and len(part) > 1:
            regex += f"(?P<{part[1:]}>[^/]+)"
        else:
            regex += re.escape(part)
    if len(pattern) > 1 and pattern.endswith("/"):
        regex = regex[:-1]
    found = re.fullmatch(regex + "/?", path)
    return found.groupdict() if found else None


def load_host(folder: Path, project: Path) -> Host:
    """The rules of ``folder`` (build/): its _redirects and _headers, then the project's
    netlify.toml. Raises SiteError for a line or table it cannot read."""
    host = Host(folder)
    host.rules += _redirects_file(folder / "_redirects")
    host.headers += _headers_file(folder / "_headers")
    config = project / "netlify.toml"
    if config.is_file():
        try:
            settings = tomllib.loads(config.read_text("utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise SiteError("netlify.toml", None, f"invalid TOML: {error}") from None
        for number, table in enumerate(settings.get("redirects", []), start=1):
            where = f"netlify.toml: [[redirects]] number {number}"
            if not isinstance(table, dict) or "from" not in table or "to" not in table:
                raise SiteError("netlify.toml", None, f"{where} needs 'from' and 'to'")
            if table.get("conditions") or table.get("query") or "://" in str(table["to"]):
                host.not_previewed.append(f"{where} ({table['from']})")
                continue
            status = int(table.get("status", 301))
            host.rules.append(
                Rule(table["from"], table["to"], status, bool(table.get("force")), where)
            )
        for table in settings.get("headers", []):
            values = table.get("values", {}) if isinstance(table, dict) else {}
            pairs = tuple((str(name), str(value)) for name, value in values.items())
            host.headers.append(HeaderRule(str(table.get("for", "/*")), pairs))
    return host


def _redirects_file(path: Path) -> list[Rule]:
    rules: list[Rule] = []
    if not path.is_file():
        return rules
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        where = f"build/_redirects:{number}"
        if len(words) < 2:
            raise SiteError("build/_redirects", number, "a rule needs a path and a target")
        status, force = 301, False
        if len(words) > 2 and re.fullmatch(r"\d{3}!?", words[2]):
            status, force = int(words[2].rstrip("!")), words[2].endswith("!")
        rules.append(Rule(words[0], words[1], status, force, where))
    return rules


def _headers_file(path: Path) -> list[HeaderRule]:
    found: list[HeaderRule] = []
    if not path.is_file():
        return found
    current: str | None = None
    values: list[tuple[str, str]] = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip().startswith("#"):
            continue
        if line and not line[0].isspace():
            if current is not None:
                found.append(HeaderRule(current, tuple(values)))
            current, values = line.strip(), []
        elif ":" in line:
            name, _, value = line.strip().partition(":")
            values.append((name.strip(), value.strip()))
    if current is not None:
        found.append(HeaderRule(current, tuple(values)))
    return found
