"""Code highlighting with Pygments: its formatters made faster, and the compact stylesheets
for the light and the dark scheme.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any, ClassVar

import pymdownx.highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name

HIGHLIGHT_CLASS = "highlight"


class TokenTables(HtmlFormatter):
    """A Pygments HTML formatter whose table of token classes is made once per style:
    pymdownx.highlight makes a formatter for every block of code, and making that table
    again each time is a tenth of the time of a page with code."""

    _tables: ClassVar[dict[tuple[Any, str], tuple[dict, dict]]] = {}
    ttype2class: dict[Any, str]
    class2style: dict[str, Any]

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        if key not in self._tables:
            # Private in Pygments: pinned below its next major, checked by test_contracts.py.
            super()._create_stylesheet()  # type: ignore[misc]
            self._tables[key] = (self.ttype2class, self.class2style)
        self.ttype2class, self.class2style = self._tables[key]


def use_quick_pygments() -> None:
    """Give pymdownx.highlight's two formatters the tables made once, and its lexers by a
    lookup made once per language (its module names them at each block: pinned, checked by
    test_contracts.py)."""
    for name in ("BlockHtmlFormatter", "InlineHtmlFormatter"):
        formatter = getattr(pymdownx.highlight, name)
        if not issubclass(formatter, TokenTables):
            setattr(pymdownx.highlight, name, type(name, (TokenTables, formatter), {}))
    pymdownx.highlight.get_lexer_by_name = lexer_by_name


@functools.cache
def _lexer_class(alias: str) -> type[Lexer]:
    return find_lexer_class_by_name(alias)


def lexer_by_name(alias: str, **options: Any) -> Lexer:
    """Pygments' get_lexer_by_name, which looks through every lexer it knows for the name,
    at each block of code: a fortieth of the time of a page's Markdown."""
    return _lexer_class(alias)(**options)


def stylesheets(light: str, dark: str) -> dict[str, tuple[str, str]]:
    """The two stylesheets of code, with the digest of each (a build names its files by it,
    so a browser may keep them for good): 'light' and 'dark' → (css, digest)."""
    return {"light": _with_digest(light, None), "dark": _with_digest(dark, light)}


@functools.lru_cache(maxsize=8)
def _with_digest(style: str, over: str | None) -> tuple[str, str]:
    css = highlight_css(style, over=over)
    return css, hashlib.sha256(css.encode()).hexdigest()[:10]


def highlight_css(style_name: str, over: str | None = None) -> str:
    """The Pygments rules of one style for code blocks, compact (no comments, no spaces).

    The theme links the light style always and the dark one ``over`` it with
    ``media="(prefers-color-scheme: dark)"``; its toggle changes that media. So each rule
    exists once, and the page follows the system without JavaScript. Where the style laid
    over gives a token a look that this one does not, this one resets it.
    """
    rules = _style_rules(style_name)
    for selector, properties in _style_rules(over).items() if over else ():
        own = rules.setdefault(selector, {})
        for name in properties:
            own.setdefault(name, RESETS.get(name, "initial"))
    lines = (
        selector + "{" + ";".join(f"{name}:{value}" for name, value in properties.items()) + "}"
        for selector, properties in rules.items()
    )
    return f"/* Pygments style '{style_name}' */\n" + "\n".join(lines) + "\n"


# What a token looks like when its style says nothing of a property.
RESETS = {
    "color": "inherit",
    "background-color": "transparent",
    "font-weight": "normal",
    "font-style": "normal",
    "text-decoration": "none",
    "border": "none",
}


def _style_rules(style_name: str) -> dict[str, dict[str, str]]:
    """selector → {property: value} of a Pygments style, for the code block class."""
    formatter = HtmlFormatter(style=style_name)
    selector = f".{HIGHLIGHT_CLASS}"
    css = "\n".join(
        formatter.get_background_style_defs(selector) + formatter.get_token_style_defs(selector)
    )
    rules: dict[str, dict[str, str]] = {}
    for selectors, declarations in re.findall(
        r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css)
    ):
        properties = rules.setdefault(selectors.strip(), {})
        for declaration in declarations.split(";"):
            name, _, value = declaration.partition(":")
            if value.strip():
                properties[name.strip()] = value.strip()
    return rules
