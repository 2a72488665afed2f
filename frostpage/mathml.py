"""Math written in LaTeX, ``$…$``, ``\\(…\\)``, ``$$…$$`` and ``\\[…\\]``, as MathML.

pymdownx.arithmatex finds the math; latex2mathml turns it into MathML when the page is built,
so a reader's browser draws it with no script and no font from elsewhere. A dollar is math
only as Pandoc reads it: ``$x$`` opens on a non-space, closes after one, and is not followed
by a digit, so "$5 and $10" stays money. A command latex2mathml does not know is an error
with its line, not a silent red word in the page.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from latex2mathml.converter import convert
from markdown import Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from pymdownx.arithmatex import ArithmatexExtension, InlineArithmatexPattern

# arithmatex's own patterns (escaped backslashes, $…$, \(…\)), with Pandoc's digit rule.
INLINE = (
    r"(?:(?<!\\)((?:\\{2})+)(?=\$)|(?<!\\)(\$)(?!\s)((?:\\.|[^\\$\x02\x03])+?)(?<!\s)(?:\$)(?!\d)"
    r"|(?<!\\)((?:\\{2})+?)(?=\\\()|(?<!\\)(\\\()((?:\\[^)]|[^\\\x02\x03])+?)(?:\\\)))"
)
# $$…$$ inside a paragraph, as GitHub reads it: a displayed formula.
DISPLAYED_INLINE = r"(?<!\\)\$\$(?!\s)(.+?)(?<!\s)\$\$"
UNKNOWN_COMMAND = re.compile(r"<m[io]>(\\[A-Za-z]+)</m[io]>")


class MathError(Exception):
    """LaTeX that latex2mathml cannot turn into MathML."""

    def __init__(self, latex: str, message: str) -> None:
        super().__init__(message)
        self.latex = latex
        self.message = message


class MathExtension(ArithmatexExtension):
    """arithmatex in its generic form, with MathML put in place of what it marks."""

    def __init__(self) -> None:
        super().__init__(generic=True, tex_inline_wrap=["", ""], tex_block_wrap=["", ""])

    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        inline = InlineArithmatexPattern(INLINE, self.getConfigs())
        md.inlinePatterns.register(inline, "arithmatex-inline", 189.9)
        md.inlinePatterns.register(_DisplayedInline(DISPLAYED_INLINE, md), "frostpage_math", 190)
        self.converter = _ToMathML(md)
        # Before the TOC takes headings' text (5) and punctuation is made typographic (6).
        md.treeprocessors.register(self.converter, "frostpage_mathml", 7)


class _DisplayedInline(InlineProcessor):
    """``$$…$$`` within a line of text: marked for MathML in its displayed form."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        element = etree.Element("span", {"class": "arithmatex", "data-display": "block"})
        element.text = AtomicString(m.group(1))
        return element, m.start(0), m.end(0)


class _ToMathML(Treeprocessor):
    """Replaces arithmatex's marked elements with MathML; keeps the errors of a page."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.errors: list[MathError] = []

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.get("class") != "arithmatex" or element.text is None:
                continue
            block = element.tag == "div" or element.attrib.pop("data-display", "") == "block"
            latex = html.unescape(element.text) if block else str(element.text)
            try:
                mathml = to_mathml(latex, block)
            except MathError as error:
                self.errors.append(error)
                continue
            element.set("class", "math")
            element.text = self.md.htmlStash.store(mathml)


def to_mathml(latex: str, block: bool) -> str:
    """The MathML of ``latex``; raises MathError for what it cannot render."""
    try:
        mathml = convert(latex.strip(), display="block" if block else "inline")
    except Exception as error:  # latex2mathml's parser raises several kinds
        reason = str(error) or "its braces or environments do not match"
        raise MathError(latex, f"cannot read the math {latex.strip()!r}: {reason}") from None
    unknown = UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise MathError(latex, f"unknown LaTeX command {unknown.group(1)} in {latex.strip()!r}")
    return mathml
