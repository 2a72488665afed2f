"""Code highlighting's look: compact Pygments stylesheets for the light and the dark scheme."""

from __future__ import annotations

import re

from pygments.formatters import HtmlFormatter

HIGHLIGHT_CLASS = "highlight"


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
