"""Python-Markdown's inline patterns, tried only on text where they could match.

Python-Markdown tries every inline pattern on every piece of text of a page: for each, a
call that looks at the pattern's excluded ancestors, then searches the text. Most pieces
hold nothing any pattern looks for (a sentence with no backtick, bracket, asterisk or
ampersand): those are passed over after one search. Elsewhere, each pattern is first
asked what it needs, and Python-Markdown's own code, which searches again and makes the
element, is called only when the text holds it. The output is the same, byte for byte:
tests/test_inline.py compares it with Python-Markdown's on generated text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    AUTOMAIL_RE,
    BACKTICK_RE,
    ENTITY_RE,
    ESCAPE_RE,
    HTML_RE,
    IMAGE_LINK_RE,
    LINE_BREAK_RE,
    LINK_RE,
    InlineProcessor,
    Pattern,
)
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.util import AtomicString
from pymdownx.emoji import RE_EMOJI
from pymdownx.magiclink import RE_AUTOLINK, RE_LINK, RE_MAIL

from .mathml import DISPLAYED_INLINE, INLINE

# A pattern's source → what any match of it holds, at or after where it starts (in what it
# takes or what it looks ahead at), in any case: one of these strings. A pattern not here
# (a site's own extension, or one a library changed) is asked its own regular expression,
# and then no piece of text is passed over at once; tests/test_inline.py expects them all.
NEEDS: dict[str, tuple[str, ...]] = {
    BACKTICK_RE: ("`",),  # `code`, and the backslashes escaping a backtick
    ESCAPE_RE: ("\\",),
    r"\[\^([^\]]*)\]": ("[^",),  # a footnote's reference
    LINK_RE: ("[",),  # the references' pattern too
    IMAGE_LINK_RE: ("![",),  # the image references' too
    RE_AUTOLINK: ("<",),
    AUTOMAIL_RE: ("<",),
    HTML_RE: ("<",),  # raw HTML
    LINE_BREAK_RE: ("  \n",),
    RE_LINK: ("://", "www."),  # a bare URL: http://, ftp://, www.
    RE_MAIL: ("@",),  # a bare e-mail address
    ENTITY_RE: ("&",),
    RE_EMOJI: (":",),
    r"\*|_": ("*", "_"),  # emphasis
    r"\~|\^|=": ("~", "^", "="),  # ~~struck~~, ^^inserted^^, ==marked==
    INLINE: ("$", "\\("),  # $math$, \(math\)
    DISPLAYED_INLINE: ("$$",),  # $$math$$ in a paragraph
}

# check(text, start): None when a pattern cannot match in text from start.
Check = Callable[[str, int], "re.Match[str] | None"]


def _search_for(strings: Sequence[str]) -> Check:
    return re.compile("|".join(re.escape(s) for s in strings), re.IGNORECASE).search


_NEEDED = {source: _search_for(strings) for source, strings in NEEDS.items()}


def _regex(pattern: Pattern | InlineProcessor) -> re.Pattern[str] | None:
    """The regular expression Python-Markdown searches a text with for ``pattern``; None
    for a pattern of the older kind (matched on a slice of the text), which is always
    tried."""
    if isinstance(pattern, InlineProcessor):
        regex = pattern.getCompiledRegExp()
        if isinstance(regex, re.Pattern):
            return regex
    return None


@functools.cache
def might_hold_any(sources: tuple[str | None, ...]) -> Callable[[str], bool] | None:
    """A test of whether a text holds anything the patterns of these sources need; None
    when one of them is not in NEEDS. One search for the strings that start with a sign (a
    lowered text holds them as the text does); the others, such as "www." and two spaces
    before a line's end, are looked for one by one."""
    if not all(source in NEEDS for source in sources):
        return None
    strings = {s.lower() for source in sources for s in NEEDS[source]}  # type: ignore[index]
    signs = {s[0] for s in strings if not s[0].isalnum() and not s[0].isspace()}
    others = [s for s in strings if s[0] not in signs]
    first = re.compile("|".join(re.escape(c) for c in sorted(signs)) or "(?!)").search

    def might_hold(text: str) -> bool:
        if first(text) is not None:
            return True
        lowered = text.lower() if others else text
        return any(s in lowered for s in others)

    return might_hold


class _Inline(InlineTreeprocessor):
    """Python-Markdown's inline processor over a tuple of the converter's patterns as they
    are when a page is converted (extensions registered after this one included), which
    passes over a pattern, or a piece of text, where nothing could match.

    Overrides the loop of Python-Markdown's private ``__handleInline`` and calls its
    ``__applyPattern`` as that loop does: both pinned by tests/test_contracts.py."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        patterns = tuple(self.md.inlinePatterns)
        self.inlinePatterns = patterns  # type: ignore[assignment]
        regexes = [_regex(pattern) for pattern in patterns]
        # Whether a pattern could match: what it needs, else its own search.
        self.checks = tuple(
            None if regex is None else _NEEDED.get(regex.pattern, regex.search) for regex in regexes
        )
        sources = tuple(None if regex is None else regex.pattern for regex in regexes)
        self.might_hold_any = might_hold_any(sources)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """Python-Markdown's loop; a pattern passed over gives what a pattern that did not
        match gives: the next pattern, searched from the text's start."""
        if isinstance(data, AtomicString):
            return data
        if self.might_hold_any is not None and not self.might_hold_any(data):
            return data
        patterns, checks = self.inlinePatterns, self.checks
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        while patternIndex < len(patterns):
            check = checks[patternIndex]
            if check is not None and check(data, start) is None:
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class QuickInline(Extension):
    """Puts ``_Inline`` in place of Python-Markdown's inline processor, where it runs."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Inline(md), "inline", 20)
