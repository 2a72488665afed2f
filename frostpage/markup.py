"""Markdown → HTML, with the table of contents, summary and outgoing links kept.

One ``Markdown`` instance is reused (``reset()`` between pages) instead of one per page.
Links to other Markdown files (``[x](../docs/intro.md#setup)``) are rewritten to the URL
of that page (``/docs/intro/#setup``), and links to other files of content/
(``![shot](img/shot.png)``) to theirs, so the same files read well on GitHub and on the
site; a link to a ``.md`` file that is not a page is reported with its line, and marked in
the page so the author sees it in the preview.
"""

from __future__ import annotations

import html
import posixpath
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from .config import MarkdownSettings
from .errors import SiteError
from .highlighting import HIGHLIGHT_CLASS, CodeFormatter
from .punctuation import SmartPunctuation

MORE_MARKER = "<!-- more -->"
# Characters that XML forbids and HTML calls a parse error (control characters pasted from a
# word processor, lone surrogates, non-characters): they never reach a written file.
NOT_IN_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Given a content-relative source path ('docs/intro.md'): the page's URL, or None.
Resolver = Callable[[str], str | None]
# Given a missing source path: the nearest existing one, for "did you mean" hints.
Suggester = Callable[[str], str | None]


class PageRenderer(Protocol):
    """What the site model needs to render a page: a Renderer, or one with a cache."""

    def render(
        self,
        body: str,
        source: str,
        body_line: int,
        resolve: Resolver,
        suggest: Suggester | None = None,
    ) -> Rendered: ...


@dataclass
class Rendered:
    """What rendering one page produced; kept on the page so it is computed once."""

    html: str
    toc_html: str
    toc: list[dict]
    summary_html: str
    text: str = ""  # the HTML as plain text, for the search index and reading times
    errors: list[SiteError] = field(default_factory=list)
    links: dict[str, str | None] = field(default_factory=dict)
    # The HTML with absolute links, per page URL, as every feed that lists the page needs it.
    feed_html: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


class Renderer:
    """Renders page bodies with the site's Markdown settings."""

    def __init__(self, settings: MarkdownSettings, base_path: str = "") -> None:
        self.settings = settings
        self.base_path = base_path
        self._lock = threading.Lock()
        self._links = _LinkRewriter(self)
        self._markdown = self._new_markdown()

    def _new_markdown(self) -> markdown.Markdown:
        instance = markdown.Markdown(
            extensions=self._extensions(),
            extension_configs={
                "toc": {
                    "permalink": "#",
                    "permalink_title": "Link to this section",
                    "slugify": slugify_unicode,
                    "toc_depth": self.settings.toc_depth,
                },
                "codehilite": {
                    "css_class": HIGHLIGHT_CLASS,
                    "guess_lang": False,
                    "pygments_formatter": CodeFormatter,
                },
                "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
            },
            output_format="html",
        )
        if self.settings.smart_quotes:
            # After the inline patterns (20) and attribute lists (8), before the TOC takes
            # the headings' text (5).
            instance.treeprocessors.register(SmartPunctuation(instance), "frostpage_smarty", 6)
        # Runs after inline links exist and after the TOC has added heading anchors.
        instance.treeprocessors.register(self._links, "frostpage_links", 0)
        instance.postprocessors.register(_ScrollableBlocks(instance), "frostpage_scrolling", 0)
        return instance

    def _extensions(self) -> list[str | Extension]:
        names: list[str | Extension] = [
            "fenced_code",
            "codehilite",
            "tables",
            "footnotes",
            "toc",
            "attr_list",
            "def_list",
            "admonition",
            "md_in_html",
            "sane_lists",
        ]
        return names + list(self.settings.extensions)

    def render(
        self,
        body: str,
        source: str,
        body_line: int,
        resolve: Resolver,
        suggest: Suggester | None = None,
    ) -> Rendered:
        """Render ``body`` of content file ``source`` ('docs/intro.md').

        ``body_line`` is the file line where the body starts, so errors point at the file.
        """
        converter = self._markdown
        with self._lock:
            self._links.start(body, source, body_line, resolve, suggest)
            converter.reset()
            try:
                output = converter.convert(body)
            except RecursionError:
                return _unrenderable(body, source, body_line, "is nested too deeply to render")
            toc_tokens = list(getattr(converter, "toc_tokens", []))
            toc_html = getattr(converter, "toc", "")
            errors, links = self._links.finish()
        return Rendered(
            html=output,
            toc_html=_unwrap_toc(toc_html) if toc_tokens else "",
            toc=toc_tokens,
            summary_html=summary_of(output),
            text=plain_text(output),
            errors=errors,
            links=links,
        )


def _unrenderable(body: str, source: str, body_line: int, problem: str) -> Rendered:
    """A page Markdown cannot render: the error names its most deeply nested line, and the
    preview shows it in place of the text."""
    lines = body.split("\n")
    deepest = max(range(len(lines)), key=lambda n: len(lines[n]) - len(lines[n].lstrip(" \t>")))
    error = SiteError(
        f"content/{source}",
        body_line + deepest,
        f"the Markdown {problem} (lists or quotes inside each other hundreds of times)",
        "flatten the nesting",
    )
    shown = f'<pre class="frostpage-error">{html.escape(str(error))}</pre>'
    return Rendered(html=shown, toc_html="", toc=[], summary_html="", errors=[error])


class _LinkRewriter(Treeprocessor):
    """Rewrites links to content files to their URLs, and root-relative links to carry the
    base path."""

    def __init__(self, renderer: Renderer) -> None:
        super().__init__()
        self.renderer = renderer

    def start(
        self,
        body: str,
        source: str,
        body_line: int,
        resolve: Resolver,
        suggest: Suggester | None,
    ) -> None:
        self.body = body
        self.source = source
        self.body_line = body_line
        self.resolve = resolve
        self.suggest = suggest
        self.errors: list[SiteError] = []
        self.links: dict[str, str | None] = {}

    def finish(self) -> tuple[list[SiteError], dict[str, str | None]]:
        return self.errors, self.links

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute) if attribute else None
            if attribute and target:
                element.set(attribute, self._rewrite(element, target))

    def _rewrite(self, element: etree.Element, target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            return target
        if parts.path.startswith("/"):
            return self.renderer.base_path + target
        wanted = posixpath.normpath(
            posixpath.join(posixpath.dirname(self.source), unquote(parts.path))
        )
        url = self.resolve(wanted)
        self.links[wanted] = url
        if url is None:
            # A relative link to anything but a page (../about/) is the author's to keep.
            if parts.path.endswith(".md"):
                self._report_broken(element, target, wanted)
            return target
        suffix = ("?" + parts.query if parts.query else "") + (
            "#" + parts.fragment if parts.fragment else ""
        )
        return self.renderer.base_path + quote(url) + suffix

    def _report_broken(self, element: etree.Element, target: str, wanted: str) -> None:
        message = f"broken link '{target}': there is no page content/{wanted}"
        nearest = self.suggest(wanted) if self.suggest else None
        hint = None
        if nearest:
            folder = posixpath.dirname(self.source) or "."
            hint = f"did you mean {posixpath.relpath(nearest, folder)}?"
        error = SiteError(f"content/{self.source}", self.line_of(target), message, hint)
        self.errors.append(error)
        element.set("class", (element.get("class", "") + " broken-link").strip())
        element.set("title", message)

    def line_of(self, target: str) -> int:
        """The file line of a link target, found in the Markdown source."""
        for needle in (f"]({target}", f"]: {target}", target):
            position = self.body.find(needle)
            if position >= 0:
                return self.body_line + self.body.count("\n", 0, position)
        return self.body_line


class _ScrollableBlocks(Postprocessor):
    """Code blocks and tables scroll sideways on narrow screens; keyboard users must be able
    to scroll them too, so each gets ``tabindex="0"`` (tables inside a scrolling wrapper)."""

    def run(self, text: str) -> str:
        text = re.sub(r"<pre(?![^>]*\btabindex=)(?=[\s>])", '<pre tabindex="0"', text)
        text = re.sub(r"<table(?=[\s>])", '<div class="table-scroll" tabindex="0"><table', text)
        return text.replace("</table>", "</table></div>")


def _unwrap_toc(toc_html: str) -> str:
    """Python-Markdown wraps the TOC list in <div class="toc">; templates choose the wrapper."""
    return re.sub(r'^\s*<div class="toc">\s*|\s*</div>\s*$', "", toc_html)


def printable(text: str) -> str:
    """``text`` without the characters no HTML or XML document may hold; Markup stays Markup."""
    if not NOT_IN_DOCUMENTS.search(text):
        return text
    return type(text)(NOT_IN_DOCUMENTS.sub("", text))


def summary_of(page_html: str) -> str:
    """The HTML before ``<!-- more -->``, else the first paragraph."""
    if MORE_MARKER in page_html:
        return page_html.split(MORE_MARKER, 1)[0].strip()
    match = re.search(r"<p\b.*?</p>", page_html, re.DOTALL)
    return match.group(0) if match else ""


def plain_text(fragment: str) -> str:
    """HTML → one line of plain text, for meta descriptions and feeds."""
    without_notes = re.sub(r'<sup id="fnref[^"]*">.*?</sup>', "", fragment, flags=re.DOTALL)
    without_tags = re.sub(r"<[^>]+>", "", without_notes)
    return " ".join(html.unescape(without_tags).split())
