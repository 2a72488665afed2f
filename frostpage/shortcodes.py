"""Shortcodes: reusable snippets called from Markdown, each a Jinja template.

``templates/shortcodes/NAME.html`` (or frostpage's own figure, youtube and code) is called in
Hugo's spelling, ``{{< NAME key="v" >}}``, ``{{< NAME >}}body{{< /NAME >}}`` and
``{{% NAME %}}body{{% /NAME %}}`` (its output read as Markdown), or in Zola's,
``{{ NAME(key="v") }}`` and ``{% NAME(key="v") %}body{% end %}``; Jekyll's
``{% highlight ruby %}…{% endhighlight %}``, ``{% post_url name %}``, ``{% link path %}``,
``{% raw %}`` and ``{{ site.baseurl }}`` too. A template named
``NAME.md`` gives Markdown, as in Zola. Arguments reach the template by name, positional
ones as ``args``, the text between the tags as ``body``. Code spans and code blocks are
never read for shortcodes; Hugo's ``{{</* NAME */>}}`` writes the tag as it is.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

BUILT_IN = Path(__file__).parent / "shortcodes"
# One call: Hugo's escaped form, Hugo's tag, Zola's inline call, Zola's body call or its end.
TAG = re.compile(
    r"""\{\{(?P<escaped>[<%])\s*/\*(?P<verbatim>.*?)\*/\s*[>%]\}\}
    | \{\{(?P<delimiter>[<%])\s*(?P<closing>/)?\s*(?P<hugo>[\w-]+)
      (?P<hugo_args>(?:"(?:\\.|[^"\\])*"|`[^`]*`|[^"`>%])*?)\s*(?P<self_closing>/)?\s*[>%]\}\}
    | \{\{\s*(?P<zola>\w+)\((?P<zola_args>(?:"[^"]*"|'[^']*'|`[^`]*`|[^)"'`])*)\)\s*\}\}
    | \{%\s*(?P<zola_body>\w+)\((?P<zola_body_args>(?:"[^"]*"|'[^']*'|`[^`]*`|[^)"'`])*)\)\s*%\}
    | \{%\s*(?P<zola_end>end)\s*%\}
    | \{%-?\s*(?P<liquid>highlight|post_url|link|raw)\b(?P<liquid_args>[^%]*?)\s*-?%\}
    | \{\{\s*site\.(?P<site_variable>baseurl|url)\s*\}\}""",
    re.DOTALL | re.VERBOSE,
)
HUGO_ARGUMENT = re.compile(
    r"""\s*(?:(?P<key>[\w-]+)\s*=\s*)?(?P<value>"(?:\\.|[^"\\])*"|`[^`]*`|[^\s"`]+)\s*"""
)
ZOLA_ARGUMENT = re.compile(
    r"""\s*(?P<key>\w+)\s*=\s*(?P<value>"[^"]*"|'[^']*'|`[^`]*`|\[[^\]]*\]|[^,\s]+)\s*,?\s*"""
)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


class ShortcodeError(Exception):
    """A call that cannot be made: its offset in the text, the message and a hint."""

    def __init__(self, offset: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.hint = hint


@dataclass
class Call:
    """One shortcode call found in the text."""

    name: str
    start: int
    end: int  # after the closing tag, when it has a body
    arguments: dict[str, Any] = field(default_factory=dict)
    positional: list[Any] = field(default_factory=list)
    body: str | None = None
    markdown: bool = False  # Hugo's {{% %}}: the output is Markdown


class Shortcodes:
    """The shortcode templates of a project, and the calls of them in a page's text."""

    def __init__(self, root: Path, functions: dict[str, Callable[..., Any]]) -> None:
        self.root = root
        self.project = root / "templates" / "shortcodes"
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([self.project, BUILT_IN]),
            autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=False,
        )
        self.environment.globals.update(functions)
        markdown = functions["markdown"]
        # pass_context: Jinja would run a filter of a constant while compiling; this one
        # renders the page's Markdown, so it runs when the template does, once.
        self.environment.filters["markdown"] = jinja2.pass_context(
            lambda context, text, inline=False: markdown(text, inline)
        )
        self.environment.tests["matching"] = lambda value, pattern: bool(
            re.fullmatch(pattern, str(value))
        )

    def names(self) -> list[str]:
        return sorted({Path(name).stem for name in self.environment.list_templates()})

    def template_file(self, name: str) -> tuple[jinja2.Template, Path]:
        for suffix in (".html", ".md"):
            for folder in (self.project, BUILT_IN):
                if (folder / f"{name}{suffix}").is_file():
                    return self.environment.get_template(f"{name}{suffix}"), folder / (
                        name + suffix
                    )
        raise LookupError(name)

    def expand(
        self, text: str, output: Callable[[str, bool, bool], str], context: dict[str, Any]
    ) -> tuple[str, list[ShortcodeError], set[str]]:
        """``text`` with each call replaced by ``output(result, is_markdown, alone)`` (alone:
        on a line of its own, not indented); the errors,
        and the project's templates that were used (to render the page again when they
        change)."""
        used: set[str] = set()
        if "{{" not in text and "{%" not in text:
            return text, [], used
        code = [(span.start(), span.end()) for span in CODE_SPAN.finditer(text)]
        pieces: list[str] = []
        errors: list[ShortcodeError] = []
        position = 0
        counts: dict[str, int] = {}
        for match in TAG.finditer(text):
            if match.start() < position:
                continue
            if match["escaped"]:
                pieces += [text[position : match.start()], unescaped(match)]
                position = match.end()
                continue
            if any(start <= match.start() < end for start, end in code):
                continue
            pieces.append(text[position : match.start()])
            position = match.end()
            if match["site_variable"]:
                continue  # Jekyll's {{ site.baseurl }}: links from the root get the base path
            try:
                call = _call(match, text)
                counts[call.name] = counts.get(call.name, 0) + 1
                result, is_markdown = self.render(call, {**context, "nth": counts[call.name]}, used)
            except ShortcodeError as error:
                errors.append(error)
                pieces.append(match.group(0))
                continue
            position = call.end
            line_start = text.rfind("\n", 0, call.start) + 1
            line_end = text.find("\n", call.end)
            alone = (
                call.start == line_start and not text[call.end : line_end % (len(text) + 1)].strip()
            )
            pieces.append(output(result, is_markdown, alone))
        pieces.append(text[position:])
        return "".join(pieces), errors, used

    def render(self, call: Call, context: dict[str, Any], used: set[str]) -> tuple[str, bool]:
        """The output of ``call`` and whether it is Markdown."""
        try:
            template, path = self.template_file(call.name)
        except LookupError:
            raise ShortcodeError(
                call.start,
                f"unknown shortcode {call.name!r}",
                f"shortcodes are: {', '.join(self.names())}; "
                f"add templates/shortcodes/{call.name}.html for a new one",
            ) from None
        except jinja2.TemplateSyntaxError as error:
            raise ShortcodeError(
                call.start,
                f"shortcode {call.name!r}: templates/shortcodes/{Path(error.filename or '').name}"
                f":{error.lineno}: {error.message}",
            ) from None
        source = path.read_text(encoding="utf-8")
        if path.parent == self.project:
            used.add(path.relative_to(self.root).as_posix())
        takes = meta.find_undeclared_variables(self.environment.parse(source))
        unknown = sorted(set(call.arguments) - takes)
        if unknown or (call.positional and "args" not in takes):
            wanted = sorted(takes - {"args", "body", "source", "nth", *self.environment.globals})
            given = unknown[0] if unknown else repr(call.positional[0])
            raise ShortcodeError(
                call.start,
                f"shortcode {call.name!r} takes no argument {given}",
                f"it takes: {', '.join(wanted) or 'none'}",
            )
        variables = {
            **context,
            "args": call.positional,
            "body": call.body,
            **call.arguments,
        }
        try:
            result = template.render(variables)
        except jinja2.UndefinedError as error:
            missing = re.search(r"'(\w+)' is undefined", str(error))
            raise ShortcodeError(
                call.start,
                f"shortcode {call.name!r} needs "
                + (f"the argument {missing.group(1)!r}" if missing else str(error)),
            ) from None
        except ShortcodeError:
            raise
        except Exception as error:  # the template's own failure, or a function's refusal
            message = str(error)  # a shortcode inside this one names itself already
            if not message.startswith("shortcode "):
                message = f"shortcode {call.name!r}: {message}"
            raise ShortcodeError(call.start, message) from None
        return result.strip(), path.suffix == ".md" or call.markdown


def unescape(text: str) -> str:
    """Hugo's escaped tags, ``{{</* NAME */>}}``, as they are written (also in code)."""
    return TAG.sub(lambda m: unescaped(m) if m["escaped"] else m.group(0), text)


def unescaped(match: re.Match[str]) -> str:
    opening = match["escaped"]
    return "{{" + opening + match["verbatim"] + (">" if opening == "<" else "%") + "}}"


def _call(match: re.Match[str], text: str) -> Call:
    """The call that ``match`` opens, with its arguments and body (searched for after it)."""
    if match["zola_end"] or match["closing"]:
        raise ShortcodeError(match.start(), f"{match.group(0)!r} closes no shortcode")
    if match["liquid"]:  # Jekyll's tags: their output is read as Markdown
        call = Call(match["liquid"], match.start(), match.end(), markdown=True)
        _arguments(call, match["liquid_args"] or "", HUGO_ARGUMENT, "as Jekyll writes them")
        if call.name in ("highlight", "raw"):
            closing = re.compile(r"\{%-?\s*end" + call.name + r"\s*-?%\}")
            _find_body(call, text, match.end(), closing, lambda m: True, required=True)
        return call
    if match["hugo"]:
        call = Call(match["hugo"], match.start(), match.end(), markdown=match["delimiter"] == "%")
        _arguments(call, match["hugo_args"] or "", HUGO_ARGUMENT, 'write key="value" or "value"')
        if not match["self_closing"]:
            closing = re.compile(
                r"\{\{(?P<d>[<%])\s*(?P<c>/)?\s*" + re.escape(call.name) + r"\b.*?[>%]\}\}",
                re.DOTALL,
            )
            _find_body(call, text, match.end(), closing, lambda m: bool(m["c"]), required=False)
        return call
    name = match["zola"] or match["zola_body"]
    call = Call(name, match.start(), match.end())
    arguments = match["zola_args"] or match["zola_body_args"] or ""
    _arguments(
        call, arguments, ZOLA_ARGUMENT, 'Zola\'s take named arguments: name(key="value", n=3)'
    )
    if match["zola_body"]:
        tags = re.compile(r"\{%\s*(?:(?P<end>end)|\w+\(.*?\))\s*%\}", re.DOTALL)
        _find_body(call, text, match.end(), tags, lambda m: bool(m["end"]), required=True)
    return call


def _find_body(
    call: Call,
    text: str,
    after: int,
    tags: re.Pattern[str],
    is_closing: Callable[[re.Match[str]], bool],
    required: bool,
) -> None:
    """Set ``call.body`` to the text up to its matching closing tag, nesting counted."""
    depth = 1
    for tag in tags.finditer(text, after):
        depth += -1 if is_closing(tag) else 1
        if depth == 0:
            call.body = text[after : tag.start()].strip("\n")
            call.end = tag.end()
            return
    if required:
        end = "{% end" + call.name + " %}" if call.name in ("highlight", "raw") else "{% end %}"
        raise ShortcodeError(
            call.start, f"shortcode {call.name!r} is never closed", f"end it with {end}"
        )


def _arguments(call: Call, text: str, pattern: re.Pattern[str], hint: str) -> None:
    """Read ``text`` into the call's named and positional arguments (Zola's has no
    positional ones: its pattern requires a key)."""
    position = 0
    text = text.strip()
    while position < len(text):
        argument = pattern.match(text, position)
        if not argument or argument.end() == position:
            raise ShortcodeError(call.start, f"cannot read the arguments of {call.name!r}", hint)
        position = argument.end()
        value = _value(argument["value"])
        if argument["key"]:
            call.arguments[argument["key"]] = value
        else:
            call.positional.append(value)


def _value(text: str) -> Any:
    """A quoted string, a `raw string`, true/false, a number, a [list], or a bare word."""
    if text[:1] == "`":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return ast.literal_eval(text)
    except Exception:  # a bare word, or something no literal can be
        return text
