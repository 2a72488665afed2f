"""Python-Markdown's inline patterns, tried where they could match and nowhere else.

Python-Markdown tries every inline pattern on every piece of text of a page, and a fifth
of a page's conversion went to a few regular expressions that start with a lookbehind
(code spans, math, bare e-mail addresses and URLs): those are tried at every position of
the text, where the others jump to the character they start with. Each of them can only
match where a character or two of its own appear, so the text is asked for those first.
The patterns are also looked up in a tuple rather than in Python-Markdown's registry,
which sorts and looks up a name for every pattern of every piece of text. The output is
the same, byte for byte: tests/test_inline.py compares it on generated text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import BACKTICK_RE, Pattern
from markdown.treeprocessors import InlineProcessor
from pymdownx.magiclink import RE_LINK, RE_MAIL

from .mathml import DISPLAYED_INLINE, INLINE

# A pattern's source → what any match of it holds, at or after where it starts (in what it
# takes or what it looks ahead at). A library that changes one of these patterns leaves it
# tried everywhere, as before, and fails tests/test_inline.py, which expects them all.
NEEDS = {
    BACKTICK_RE: "`",  # `code`, and the backslashes escaping a backtick
    INLINE: r"\$|\\\(",  # $math$, \(math\)
    DISPLAYED_INLINE: r"\$\$",  # $$math$$ in a paragraph
    RE_MAIL: "@",  # a bare e-mail address
    RE_LINK: r"(?i)://|www\.",  # a bare URL: http://, ftp://, www.
}
_NEEDS = {source: re.compile(needed) for source, needed in NEEDS.items()}


class Prechecked:
    """A compiled pattern whose search first asks whether the text holds what it needs."""

    def __init__(self, regex: re.Pattern[str], needed: re.Pattern[str]) -> None:
        self.regex = regex
        self.needed = needed

    def finditer(self, text: str, start: int = 0) -> Iterator[re.Match[str]]:
        if self.needed.search(text, start) is None:
            return iter(())
        return self.regex.finditer(text, start)

    def __getattr__(self, name: str) -> Any:  # match, search, pattern…: the pattern's own
        return getattr(self.regex, name)


def prechecked(pattern: Pattern) -> Pattern:
    """``pattern``, its search prechecked when it is one of ``NEEDS``."""
    regex = pattern.compiled_re
    if isinstance(regex, re.Pattern) and regex.pattern in _NEEDS:
        pattern.compiled_re = Prechecked(regex, _NEEDS[regex.pattern])  # type: ignore[assignment]
    return pattern


class _Inline(InlineProcessor):
    """Python-Markdown's inline processor over a tuple of the converter's patterns as they
    are when a page is converted (extensions registered after this one included)."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        self.inlinePatterns = tuple(prechecked(p) for p in self.md.inlinePatterns)  # type: ignore[assignment]
        return super().run(tree, ancestors)


class QuickInline(Extension):
    """Puts ``_Inline`` in place of Python-Markdown's inline processor, where it runs."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Inline(md), "inline", 20)
