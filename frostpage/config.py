"""site/config.toml → typed settings: one schema with defaults, types and validation.

Every key, its type and its default is declared once, in ``Settings`` and ``MarkdownSettings``.
Unknown keys are warned about by name and line; a value of the wrong type is an error
that names ``site/config.toml`` and the line. Any top-level scalar can be overridden by an
environment variable ``FROSTPAGE_<KEY>`` (``FROSTPAGE_BASE_URL=https://…``), and on Netlify
the deploy's own URL becomes the base URL, so previews link to themselves.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

import babel
from markdown import Markdown
from pygments.styles import get_all_styles, get_style_by_name
from pygments.util import ClassNotFound

from .errors import SiteError

CONFIG_PATH = "site/config.toml"
# The variables Netlify sets that give base_url (besides FROSTPAGE_<KEY>).
NETLIFY_VARIABLES = ("NETLIFY", "CONTEXT", "URL", "DEPLOY_PRIME_URL")


@dataclass(frozen=True)
class NavLink:
    """An entry of [[nav]]: a link (a site path, a content file such as 'docs/intro.md', or
    another site's URL), or a group of entries, which may have a link of its own."""

    title: str
    url: str = ""
    children: tuple[NavLink, ...] = ()
    line: int | None = field(default=None, compare=False)  # in site/config.toml, for messages


@dataclass(frozen=True)
class MarkdownSettings:
    """Options of the Markdown renderer (the ``[markdown]`` table)."""

    smart_quotes: bool = True
    highlight_style: str = "xcode"
    highlight_style_dark: str = "github-dark"
    toc_depth: str = "2-4"
    extensions: list[str] = field(default_factory=list)
    # Settings of each extension, over frostpage's: [markdown.extension_configs."pymdownx.tabbed"]
    extension_configs: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkSettings:
    """What the link check does (the ``[links]`` table)."""

    # "error": a broken link fails the build; "warn": listed, and the site is built (for
    # imported content whose old links are fixed over time).
    broken: str = "error"


@dataclass(frozen=True)
class ImageSettings:
    """How the images of content/ are made ready for readers (the ``[images]`` table)."""

    # Widths of the resized copies, in pixels; an image narrower than the widest is also
    # copied at its own width, and never enlarged.
    widths: list[int] = field(default_factory=lambda: [480, 800, 1200, 1600])
    # Formats of the resized copies, best first; the original stays the fallback. Those the
    # installed Pillow cannot write are left out.
    formats: list[str] = field(default_factory=lambda: ["avif", "webp"])
    quality: int = 80  # 1–100, of JPEG and WebP copies
    avif_quality: int = 55  # AVIF looks as good as WebP at a lower number, in fewer bytes
    # How wide an image is shown, for the browser to pick a copy: the theme's text column.
    sizes: str = "(min-width: 50rem) 48rem, calc(100vw - 2rem)"
    # Every image but a page's first loads only when it is scrolled near.
    lazy: bool = True


IMAGE_FORMATS = ("avif", "webp", "jpeg", "png")


@dataclass(frozen=True)
class LanguageConfig:
    """A table of [languages]: one language of the site, with the settings that differ in it."""

    code: str  # 'fr', 'pt-br': its URL prefix (/fr/) and its tag for hreflang and <html lang>
    name: str = ""  # as the language switcher shows it; Babel's name of it in itself if ''
    settings: dict[str, Any] = field(default_factory=dict)  # title, nav…: over the site's own
    line: int | None = field(default=None, compare=False)  # in site/config.toml, for messages


# The keys a language may set in its table: what a reader sees. The others (the base URL,
# the theme, Markdown, time zone, taxonomies) are one for the whole site.
LANGUAGE_KEYS = ("title", "description", "author", "date_format", "posts_per_page", "nav", "search")


@dataclass(frozen=True)
class Settings:
    """The site's settings; each field is a key of site/config.toml with its default."""

    title: str = "My frostpage site"
    description: str = ""
    base_url: str = "http://127.0.0.1:5000/"
    author: str = ""
    language: str = "en"  # the default language's code; [languages.CODE] adds others
    timezone: str = "UTC"
    # strftime ('%-d %B %Y', names in the page's language), Babel's 'short', 'medium', 'long'
    # or 'full', or a CLDR pattern ('d MMMM y'). '' is the language's own long date.
    date_format: str = ""
    posts_per_page: int = 10
    nav: list[NavLink] = field(default_factory=list)
    # The theme under the site's own templates/ and static/: a folder, or an installed one.
    theme: str = ""
    # A search box on every page, and its index in the build's _search/.
    search: bool = True
    # Lists of terms besides tags, each with its pages and feeds: /categories/<term>/.
    taxonomies: list[str] = field(default_factory=lambda: ["categories"])
    markdown: MarkdownSettings = field(default_factory=MarkdownSettings)
    links: LinkSettings = field(default_factory=LinkSettings)
    images: ImageSettings = field(default_factory=ImageSettings)
    # HTML, CSS and JS of a build minified (never in the preview).
    minify: bool = True
    # Links written relative to each page, for a build/ that works from any folder and from
    # disk (frostpage build --relative); the preview keeps links from the site's root.
    relative_urls: bool = False
    # The site's languages besides the default one, in the order the switcher lists them.
    languages: list[LanguageConfig] = field(default_factory=list)
    # The default language under its own prefix too (/en/), / leading to it (Hugo's
    # defaultContentLanguageInSubdir).
    prefix_default_language: bool = False

    @property
    def base_path(self) -> str:
        """The path part of base_url, without its trailing slash ('' at a domain's root)."""
        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


def load_settings(root: Path, environ: dict[str, str] | None = None) -> tuple[Settings, list[str]]:
    """Read site/config.toml under ``root``; return the settings and warnings about it.

    A missing file means every default. Raises SiteError for a syntax error or a bad value.
    """
    environ = dict(os.environ if environ is None else environ)
    text = _read(root / CONFIG_PATH)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        message = re.sub(r"\s*\(at (line|end).*\)", "", str(error))
        line = int(match.group(1)) if match else text.count("\n") or 1
        raise SiteError(CONFIG_PATH, line, f"invalid TOML: {message}") from None

    warnings: list[str] = []
    settings = _build(Settings, raw, text, "", warnings)
    settings = _apply_environment(settings, environ)
    try:
        settings.zone  # noqa: B018 - validates the time zone name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SiteError(
            CONFIG_PATH,
            line_of(text, "timezone"),
            f"unknown time zone {settings.timezone!r}",
            "use a name such as 'UTC' or 'Europe/Paris'",
        ) from None
    base = urlsplit(settings.base_url)
    if base.scheme not in ("http", "https") or not base.netloc:
        raise SiteError(
            CONFIG_PATH,
            line_of(text, "base_url"),
            f"base_url {settings.base_url!r} is not an http:// or https:// URL",
            "write it whole, e.g. 'https://example.org/'",
        )
    _check_markdown(settings.markdown, text)
    for name in settings.taxonomies:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", name) or name in ("tags", "posts", "page"):
            raise SiteError(
                CONFIG_PATH,
                line_of(text, "taxonomies"),
                f"taxonomy {name!r} must be a plural name in lower case, such as 'series' or "
                "'authors' ('tags' is always one)",
            )
    if settings.links.broken not in ("error", "warn"):
        raise SiteError(
            CONFIG_PATH,
            line_of(text, "broken"),
            f'\'links.broken\' must be "error" or "warn", not {settings.links.broken!r}',
        )
    _check_languages(settings, text)
    _check_images(settings.images, text)
    if not settings.base_url.endswith("/"):
        settings = dataclasses.replace(settings, base_url=settings.base_url + "/")
    return settings, warnings


def _check_images(images: ImageSettings, text: str) -> None:
    """Formats Pillow may write for the web, and a quality it accepts."""
    for name in images.formats:
        if name not in IMAGE_FORMATS:
            raise SiteError(
                CONFIG_PATH,
                _line_containing(text, name),
                f"unknown image format {name!r} in 'images.formats'",
                f"formats are: {', '.join(IMAGE_FORMATS)}",
            )
    for key in ("quality", "avif_quality"):
        if not 1 <= getattr(images, key) <= 100:
            raise SiteError(
                CONFIG_PATH,
                line_of(text, key),
                f"'images.{key}' must be from 1 to 100, not {getattr(images, key)}",
            )


def _check_languages(settings: Settings, text: str) -> None:
    """Each language is one Babel knows, written as a URL segment, once, and takes no URL
    of the engine's: /fr/ is French, /categories/ stays a taxonomy."""
    default = LanguageConfig(settings.language, line=line_of(text, "language"))
    for config in [default, *settings.languages]:
        code = config.code
        problem = None
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", code):
            problem = "must be a language tag in lower case, such as 'fr' or 'pt-br'"
        elif code in settings.taxonomies or code in ("tags", "posts", "page", "static"):
            problem = "is a URL of the engine's"
        elif not is_language(code):
            problem = "is not a language Babel knows"
        if problem:
            raise SiteError(
                CONFIG_PATH,
                config.line or line_of(text, "languages"),
                f"language {code!r} {problem}",
                "use an ISO 639 code, with a region if needed: 'en', 'fr', 'zh', 'pt-br'",
            )


def locale(code: str) -> babel.Locale:
    """Babel's locale for a language code ('pt-br' → pt_BR)."""
    return babel.Locale.parse(code.replace("-", "_"))


def is_language(code: str) -> bool:
    """Whether Babel knows the language ``code`` ('fr', 'pt-br'; not 'xx')."""
    try:
        locale(code)
    except (ValueError, babel.UnknownLocaleError):
        return False
    return True


def _read(path: Path) -> str:
    """The text of site/config.toml ('' when there is none)."""
    if not path.exists():
        return ""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise SiteError(CONFIG_PATH, line, "is not UTF-8 text", "save it as UTF-8") from None
    except OSError as error:
        raise SiteError(CONFIG_PATH, None, f"cannot be read: {error.strerror}") from None


def _check_markdown(markdown: MarkdownSettings, text: str) -> None:
    """The Markdown settings name things that exist: extensions, Pygments styles, depths."""
    for extension in [*markdown.extensions, *markdown.extension_configs]:
        configs = markdown.extension_configs
        try:
            Markdown(extensions=[extension], extension_configs=configs)
        except ImportError as error:
            raise SiteError(
                CONFIG_PATH,
                _line_containing(text, extension),
                f"unknown Markdown extension {extension!r} ({type(error).__name__}: {error})",
                "name a Python-Markdown extension, such as 'abbr' or 'pymdownx.keys'",
            ) from None
        except Exception as error:  # the extension's own complaint about its settings
            raise SiteError(
                CONFIG_PATH,
                _line_containing(text, extension),
                f"the settings of Markdown extension {extension!r} are refused "
                f"({type(error).__name__}: {error})",
                "give only the settings the extension documents",
            ) from None
    for key in ("highlight_style", "highlight_style_dark"):
        style = getattr(markdown, key)
        try:
            get_style_by_name(style)
        except ClassNotFound:
            raise SiteError(
                CONFIG_PATH,
                line_of(text, key),
                f"unknown Pygments style {style!r} for '{key}'",
                f"styles are: {', '.join(sorted(get_all_styles()))}",
            ) from None
    if not re.fullmatch(r"[1-6](-[1-6])?", markdown.toc_depth):
        raise SiteError(
            CONFIG_PATH,
            line_of(text, "toc_depth"),
            f"'markdown.toc_depth' must be a heading level or a range such as '2-4', not "
            f"{markdown.toc_depth!r}",
        )


def _build(cls: type, raw: dict[str, Any], text: str, prefix: str, warnings: list[str]) -> Any:
    """Check ``raw`` against the fields of dataclass ``cls`` and construct it."""
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in hints:
            warnings.append(f"{CONFIG_PATH}:{line_of(text, key)}: unknown key '{name}' (ignored)")
            continue
        expected = hints[key]
        if expected in (MarkdownSettings, LinkSettings, ImageSettings):
            if not isinstance(value, dict):
                raise _type_error(text, key, name, "a table")
            values[key] = _build(expected, value, text, f"{name}.", warnings)
        elif expected == list[LanguageConfig]:
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise _type_error(text, key, name, "a table of tables: [languages.fr]")
            values[key] = [_language(code, table, text, warnings) for code, table in value.items()]
        elif expected == list[NavLink]:
            values[key] = [_nav_link(item, text, name) for item in _as_list(value, text, key, name)]
        elif expected == dict[str, dict[str, Any]]:
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise _type_error(text, key, name, "a table of tables, one per extension")
            values[key] = value
        elif expected == list[str]:
            items = _as_list(value, text, key, name)
            if not all(isinstance(item, str) for item in items):
                raise _type_error(text, key, name, "a list of strings")
            values[key] = items
        elif expected == list[int]:
            items = _as_list(value, text, key, name)
            if not items or not all(_is_count(item) for item in items):
                raise _type_error(text, key, name, "a list of positive whole numbers")
            values[key] = items
        else:
            values[key] = _check_scalar(value, expected, text, key, name)
    return cls(**values)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check_scalar(value: Any, expected: type, text: str, key: str, name: str) -> Any:
    # bool is a subclass of int: `posts_per_page = true` must not pass as a number.
    if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
        if expected is int and isinstance(value, int) and value < 1:
            raise _type_error(text, key, name, "a positive whole number")
        return value
    kinds = {str: "a string", int: "a whole number", bool: "true or false"}
    raise _type_error(text, key, name, kinds.get(expected, ""))


def _as_list(value: Any, text: str, key: str, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise _type_error(text, key, name, "a list")
    return value


def _language(code: str, table: dict[str, Any], text: str, warnings: list[str]) -> LanguageConfig:
    """[languages.CODE]: its name, and the keys of LANGUAGE_KEYS it sets, checked as the
    site's own are."""
    line = line_of(text, f"languages.{code}") or line_of(text, "languages")
    # The text from the table on (earlier lines blank): its keys' lines, not the site's.
    text = "\n" * (line - 1) + "\n".join(text.splitlines()[line - 1 :]) if line else text
    name = table.get("name", "")
    if not isinstance(name, str):
        raise SiteError(CONFIG_PATH, line_of(text, "name") or line, "'name' must be a string")
    others = {key: value for key, value in table.items() if key != "name"}
    for key in others:
        if key not in LANGUAGE_KEYS and key in get_type_hints(Settings):
            raise SiteError(
                CONFIG_PATH,
                line_of(text, key) or line,
                f"'languages.{code}.{key}' cannot differ between languages",
                f"a language may set {', '.join(LANGUAGE_KEYS)}; set '{key}' once, for the "
                "whole site",
            )
    built = _build(Settings, others, text, f"languages.{code}.", warnings)
    given = {key: getattr(built, key) for key in others if key in LANGUAGE_KEYS}
    return LanguageConfig(code=code, name=name, settings=given, line=line)


def _nav_link(item: Any, text: str, name: str) -> NavLink:
    children = item.get("children", []) if isinstance(item, dict) else None
    if (
        not isinstance(item, dict)
        or not isinstance(children, list)
        or not set(item) <= {"title", "url", "children"}
        or not isinstance(item.get("title"), str)
        or not isinstance(item.get("url", ""), str)
        or not (item.get("url") or children)
    ):
        title = item.get("title") if isinstance(item, dict) else None
        line = _line_containing(text, f'"{title}"') if isinstance(title, str) else None
        raise SiteError(
            CONFIG_PATH,
            line or line_of(text, "nav") or line_of(text, "[[nav]]"),
            f"each entry of '{name}' needs a 'title' and a 'url' (strings), or 'children' "
            "(a list of entries)",
            'write [[nav]] tables: title = "Docs" and url = "/docs/"; a group has '
            "[[nav.children]] tables",
        )
    return NavLink(
        title=item["title"],
        url=item.get("url", ""),
        children=tuple(_nav_link(child, text, f"{name}.children") for child in children),
        line=_line_containing(text, item.get("url") or item["title"]),
    )


def _type_error(text: str, key: str, name: str, expected: str) -> SiteError:
    return SiteError(CONFIG_PATH, line_of(text, key), f"'{name}' must be {expected}")


def _line_containing(text: str, words: str) -> int | None:
    position = text.find(words)
    return text.count("\n", 0, position) + 1 if position >= 0 else None


def line_of(text: str, key: str) -> int | None:
    """The line where ``key`` is assigned or opened as a table, for messages."""
    pattern = rf"^\s*(\[\[?\s*)?{re.escape(key.strip('[]'))}\s*(=|\]|\.)"
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return number
    return None


def _apply_environment(settings: Settings, environ: dict[str, str]) -> Settings:
    """FROSTPAGE_<KEY> overrides a top-level scalar; Netlify's deploy URL sets base_url."""
    changes: dict[str, Any] = {}
    for item in dataclasses.fields(Settings):
        value = environ.get(f"FROSTPAGE_{item.name.upper()}")
        if value is None or item.type not in ("str", "int", "bool"):
            continue
        if item.type == "bool":
            if value.lower() not in ("true", "false", "1", "0"):
                raise SiteError(f"FROSTPAGE_{item.name.upper()}", None, "must be true or false")
            changes[item.name] = value.lower() in ("true", "1")
        elif item.type == "int":
            if not value.isdigit() or int(value) < 1:
                raise SiteError(
                    f"FROSTPAGE_{item.name.upper()}", None, "must be a positive whole number"
                )
            changes[item.name] = int(value)
        else:
            changes[item.name] = value
    if "base_url" not in changes:
        netlify_url = _netlify_url(environ)
        if netlify_url:
            changes["base_url"] = netlify_url
    return dataclasses.replace(settings, **changes)


def environment_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of ``environ`` that settings or options read: FROSTPAGE_<KEY> and
    Netlify's deploy URLs."""
    return {
        name: value
        for name, value in environ.items()
        if name.startswith("FROSTPAGE_") or name in NETLIFY_VARIABLES
    }


def _netlify_url(environ: dict[str, str]) -> str | None:
    """Production deploys use URL; previews and branch deploys their own DEPLOY_PRIME_URL."""
    context = environ.get("CONTEXT")
    if not context or environ.get("NETLIFY") != "true":
        return None
    if context == "production":
        return environ.get("URL")
    return environ.get("DEPLOY_PRIME_URL") or environ.get("URL")
