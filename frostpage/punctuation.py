"""Typographic punctuation, as SmartyPants writes it, in one pass over a parsed page.

Python-Markdown's smarty extension does this with inline patterns whose time grows with the
square of a page's length and is most of the time of a page; this reads the text of the
parsed page once, leaving code as it is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor

# Elements whose text stays as written, and inline elements (a quote inside one continues
# the sentence around it; any other element starts afresh, as a new paragraph does).
VERBATIM_TAGS = {"code", "pre", "kbd", "samp", "script", "style", "math"}
INLINE_TAGS = {"a", "abbr", "b", "cite", "del", "em", "i", "ins", "mark", "q", "s", "small"}
INLINE_TAGS |= {"span", "strong", "sub", "sup", "u"} | VERBATIM_TAGS
# A quote after one of these opens; after anything else it closes.
OPENS_AFTER = set(" \t\n\r\f\v\u00a0([{<-\u2013\u2014\u201c\u2018")
DASHES_AND_ELLIPSES = re.compile(r"---|--|\.\.\.|\. \. \.")
PUNCTUATION = {"---": "\u2014", "--": "\u2013", "...": "\u2026", ". . .": "\u2026"}
QUOTES = re.compile(r"[\"']")
MAY_CHANGE = re.compile(f"{QUOTES.pattern}|{DASHES_AND_ELLIPSES.pattern}")
DECADE = re.compile(r"\d\ds?\b")


class SmartPunctuation(Treeprocessor):
    """Typographic punctuation, as SmartyPants writes it: “curly” and ‘single’ quotes,
    apostrophes (don’t, ’90s), -- and --- as en and em dashes, ... as an ellipsis.

    Python-Markdown's smarty extension does this with inline patterns whose time grows
    with the square of a page's length and is most of the time of a page; this reads the
    text of the parsed page once, leaving code as it is.
    """

    def run(self, root: etree.Element) -> None:
        self._previous = " "
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag not in INLINE_TAGS:
            self._previous = " "
        if element.tag in VERBATIM_TAGS or isinstance(element.text, markdown.util.AtomicString):
            self._previous = (element.text or " ")[-1]
        elif element.text:
            element.text = self._smarten(element.text)
        for child in element:
            self._walk(child)
            if child.tail and not isinstance(child.tail, markdown.util.AtomicString):
                child.tail = self._smarten(child.tail)
        if element.tag not in INLINE_TAGS:
            self._previous = " "

    def _smarten(self, text: str) -> str:
        if not MAY_CHANGE.search(text):  # most pieces of a page's text
            self._previous = text[-1]
            return text
        text = DASHES_AND_ELLIPSES.sub(lambda match: PUNCTUATION[match.group()], text)
        previous = self._previous
        pieces: list[str] = []
        start = 0
        for match in QUOTES.finditer(text):
            at = match.start()
            before = text[at - 1] if at > start else (pieces[-1][-1] if pieces else previous)
            pieces.append(text[start:at])
            pieces.append(_curly(match.group(), before, text, at + 1))
            start = at + 1
        if not pieces:
            self._previous = text[-1]
            return text
        pieces.append(text[start:])
        result = "".join(pieces)
        self._previous = result[-1]
        return result


def _curly(quote: str, before: str, text: str, after: int) -> str:
    """The typographic form of a straight quote, from the character before it."""
    opens = before in OPENS_AFTER
    if quote == '"':
        return "\u201c" if opens else "\u201d"
    if before.isalnum() or (opens and DECADE.match(text, after)):
        return "\u2019"  # an apostrophe: don't, James', '90s
    return "\u2018" if opens else "\u2019"
