"""Code fence options as MkDocs, Hugo and Zola write them, read into one spelling.

pymdownx.superfences reads ```` ```python linenums="1" hl_lines="2 3" title="app.py" ````.
Hugo writes ```` ```go {linenos=true,hl_lines=[2,"4-5"],linenostart=10} ```` and Zola
```` ```rust,linenos,hl_lines=1 3-5,name=main.rs ````; MkDocs also ```` ```{.python .x} ````.
Each is rewritten to superfences' spelling. An option no tool gives a meaning to is reported
with its line and left out, so the fence stays a fence: superfences would otherwise take the
whole block for inline code, and the text after it with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An opening or closing fence, after any indentation or blockquote markers.
FENCE = re.compile(r"^(?P<lead>(?:[ \t]*>)*[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
LANGUAGE = re.compile(r"[\w#.+-]*")
# key=value pairs: "quoted", 'quoted', [a list], or a bare word; or a bare flag.
OPTION = re.compile(
    r"""\s*(?P<key>[\w-]+)\s*(?:=\s*(?P<value>"[^"]*"|'[^']*'|\[[^\]]*\]|[^\s,}]+))?\s*,?"""
)
CLASS_OR_ID = re.compile(r"\s*(?P<mark>[.#])(?P<name>[\w-]+)\s*,?")
# What each tool calls the options frostpage gives code blocks.
NAMES = {
    "linenums": "linenums",
    "linenos": "linenos",
    "linenostart": "linenostart",
    "hl_lines": "hl_lines",
    "mark_lines": "hl_lines",  # Jekyll's
    "title": "title",
    "filename": "title",
    "name": "title",
}
OFF = {"false", "no", "off", "0"}
# Options of Hugo's and Zola's that frostpage does not give one block: what to do instead.
UNSUPPORTED = {
    "style": "is not per block here: the site's highlight_style colours all code",
    "noclasses": "is not per block here: code is always coloured by the stylesheets",
    "guesssyntax": "is not supported: name the language after the backticks",
    "anchorlinenos": "is not supported: line numbers are not links here",
    "lineanchors": "is not supported: line numbers are not links here",
    "linenumbersintable": "is not needed: line numbers are never copied with the code here",
    "tabwidth": "is not supported: tabs are four spaces wide",
    "hl_inline": "is not supported: inline code is highlighted with `#!lang code`",
    "hide_lines": 'is not supported: include only the lines to show (--8<-- "file:3:10")',
}


@dataclass
class Fence:
    """An opening fence line, read: what superfences is given, and what was wrong with it."""

    line: str
    problems: list[str]


def is_opening(match: re.Match[str]) -> bool:
    """A backtick fence's info string holds no backtick (```a``` is inline code)."""
    return not (match["fence"].startswith("`") and "`" in match["info"])


def closes(match: re.Match[str], opening: re.Match[str]) -> bool:
    fence = match["fence"]
    return (
        not match["info"].strip()
        and fence[0] == opening["fence"][0]
        and len(fence) >= len(opening["fence"])
    )


def read_opening(match: re.Match[str]) -> Fence:
    """The opening fence ``match`` in superfences' spelling, with its problems."""
    info = match["info"].strip()
    language, options, problems, marks = _parse(info)
    if language == "mermaid" or not (options or problems or info.startswith("{")):
        return Fence(match.group(0), [])
    spelled = [f'{key}="{value}"' for key, value in options.items()]
    if marks:  # other classes or an id: superfences' braces keep them
        spelled = [f"{{.{language or 'text'}", *marks, *spelled]
        spelled[-1] += "}"
    elif language:
        spelled.insert(0, language)
    return Fence(f"{match['lead']}{match['fence']}{' '.join(spelled)}", problems)


def code_block(code: str, language: str, options: list[str]) -> str:
    """Markdown for a fenced block of ``code``, its options in any spelling (``linenos``,
    ``hl_lines=2 3``, ``title=app.py``); raises ValueError for one it cannot read."""
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    opening = FENCE.match(fence + ",".join([language, *options]))
    assert opening is not None  # it starts with a fence
    read = read_opening(opening)
    if read.problems:
        raise ValueError("; ".join(read.problems))
    return f"{read.line}\n{code}\n{fence}"


def _parse(info: str) -> tuple[str, dict[str, str], list[str], list[str]]:
    """Language, superfences options, problems, and other classes and id (``.x``, ``#y``)
    of a fence's info string."""
    language = LANGUAGE.match(info)
    assert language is not None  # it matches the empty string
    name = language.group(0)
    rest = info[len(name) :].strip()
    problems: list[str] = []
    marks: list[str] = []
    pairs: list[tuple[str, str]] = []
    if rest.startswith(","):  # Zola: rust,linenos,hl_lines=1 3-5,name=main.rs
        for part in filter(None, (part.strip() for part in rest.split(","))):
            key, equals, value = part.partition("=")
            pairs.append((key.strip(), _unquoted(value.strip()) if equals else "true"))
    else:
        if rest.startswith("{") and rest.endswith("}"):
            rest = rest[1:-1]
        position = 0
        while position < len(rest):
            mark = CLASS_OR_ID.match(rest, position)
            if mark:
                if mark["mark"] == "." and not name:
                    name = mark["name"]  # {.python}: the first class is the language
                else:
                    marks.append(mark["mark"] + mark["name"])
                position = mark.end()
                continue
            option = OPTION.match(rest, position)
            if not option or option.end() == position:
                problems.append(f"cannot read {rest[position:]!r} in the code fence's options")
                break
            position = option.end()
            value = option["value"]
            pairs.append((option["key"], _unquoted(value) if value is not None else "true"))
    found: dict[str, str] = {}
    for key, value in pairs:
        if key.lower() in NAMES:
            found[NAMES[key.lower()]] = value
        elif key.lower() in UNSUPPORTED:
            problems.append(f"the code fence option {key!r} {UNSUPPORTED[key.lower()]}")
        else:
            problems.append(
                f"unknown code fence option {key!r}: frostpage knows "
                "linenums (or linenos, linenostart), hl_lines and title (or filename)"
            )
    return name, _options(found, problems), problems, marks


def _unquoted(value: str) -> str:
    if value[:1] in "\"'" and value[-1:] == value[:1]:
        return value[1:-1]
    if value.startswith("["):  # Hugo's hl_lines=[2, "4-5"]
        return " ".join(part.strip(" \"'") for part in value[1:-1].split(",") if part.strip())
    return value


def _options(found: dict[str, str], problems: list[str]) -> dict[str, str]:
    """Hugo's and Zola's names as superfences' options: linenums="start", hl_lines, title."""
    options: dict[str, str] = {}
    start = found.get("linenums") or found.get("linenostart") or "1"
    numbered = "linenums" in found or found.get("linenos", "false").lower() not in OFF
    if numbered:
        if not start.isdigit():
            problems.append(f"line numbers must start at a whole number, not {start!r}")
            start = "1"
        options["linenums"] = start
    if "hl_lines" in found:
        lines = found["hl_lines"].replace(",", " ").split()
        if all(re.fullmatch(r"\d+(-\d+)?", part) for part in lines):
            options["hl_lines"] = " ".join(lines)
        else:
            problems.append(f"hl_lines must be line numbers or ranges (2 4-6), not {lines!r}")
    if "title" in found:
        options["title"] = found["title"].replace('"', "'")
    return options
