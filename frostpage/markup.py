"""Markdown → HTML, with the table of contents, summary and outgoing links kept.

One ``Markdown`` instance is reused (``reset()`` between pages) instead of one per page.
Links to other Markdown files (``[x](../docs/intro.md#setup)``) are rewritten to the URL
of that page (``/docs/intro/#setup``), and links to other files of content/
(``![shot](img/shot.png)``) to theirs, so the same files read well on GitHub and on the
site; a link to a ``.md`` file that is not a page is reported with its line, and marked in
the page so the author sees it in the preview.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import posixpath
import re
import sys
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup
from pymdownx.emoji import to_alt
from pymdownx.superfences import fence_code_format
from selectolax.lexbor import LexborHTMLParser

from . import images
from .assets import file_digest
from .config import ImageSettings, MarkdownSettings
from .errors import SiteError
from .fences import code_block
from .highlighting import HIGHLIGHT_CLASS, use_quick_pygments
from .inline import QuickInline
from .mathml import MathExtension
from .paths import MARKDOWN_SUFFIXES
from .preprocess import Source, SourcePreprocessor
from .punctuation import SmartPunctuation
from .shortcodes import Shortcodes
from .snippets import SnippetError, code_of

# Where the summary ends: <!-- more -->, as frostpage, Hugo, Jekyll and Zola write it.
MORE_MARKER = re.compile(r"<!--\s*more\s*-->")
# Characters that XML forbids and HTML calls a parse error (control characters pasted from a
# word processor, lone surrogates, non-characters): they never reach a written file.
NOT_IN_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# On for every page: what GitHub, MkDocs-Material and Hugo authors expect of Markdown.
EXTENSIONS: list[str | Extension] = [
    "pymdownx.superfences",  # fences anywhere, with titles, line numbers, highlighted lines
    "pymdownx.highlight",
    "pymdownx.inlinehilite",  # `#!python print()`
    "tables",
    "footnotes",
    "toc",
    "attr_list",
    "def_list",
    "admonition",  # !!! note
    "pymdownx.details",  # ??? note (collapsible)
    "pymdownx.tabbed",  # === "Tab"
    "md_in_html",
    "sane_lists",
    "pymdownx.tasklist",  # - [x] done
    "pymdownx.tilde",  # ~~struck~~, H~2~O
    "pymdownx.caret",  # ^^inserted^^, x^2^
    "pymdownx.mark",  # ==marked==
    "pymdownx.magiclink",  # bare URLs become links, as on GitHub
    "pymdownx.emoji",  # :smile:, as the character itself: nothing fetched from elsewhere
    QuickInline(),  # the same output, in three quarters of the time
]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {
        "permalink": "#",
        "permalink_title": "Link to this section",
        "slugify": slugify_unicode,
    },
    "pymdownx.highlight": {
        "css_class": HIGHLIGHT_CLASS,
        "guess_lang": False,
        "pygments_lang_class": True,  # language-python on every block
        "linenums_style": "pymdownx-inline",  # numbers that copying leaves out
    },
    "pymdownx.superfences": {
        # A <pre>: its source keeps its lines, shown as it is until it is drawn, and
        # minified builds leave a <pre>'s text alone.
        "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": fence_code_format}]
    },
    "pymdownx.inlinehilite": {"css_class": HIGHLIGHT_CLASS},
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.emoji": {"emoji_generator": to_alt},
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
}

# Lists or quotes nested deeper than this (Python-Markdown renders 200 levels in a second, and
# fails at about 400, after many seconds) are an error at once.
DEEPEST_NESTING = 250

# Links written from content/ (or, without a slash after them, from the page's folder).
CONTENT_LINK_PREFIXES = ("@/", "{filename}", "{static}", "{attach}", "|filename|", "|static|")
# The attribute of an element written by Markdown that holds a link to rewrite.
LINKING_ATTRIBUTE = {"a": "href", "img": "src"}

# Shortcodes inside shortcodes' Markdown, at most this deep (Hugo's tabs hold tab: 2).
DEEPEST_SHORTCODES = 8

# Given a content-relative source path ('docs/intro.md'): the page's URL, or None.
Resolver = Callable[[str], str | None]
# Given a missing source path and the page linking to it: the nearest other existing one,
# for "did you mean" hints.
Suggester = Callable[[str, str], str | None]


class PageRenderer(Protocol):
    """What the site model needs to render a page: a Renderer, or one with a cache, which
    the model asks for a kept rendering before it reads the body to render it."""

    def render(
        self,
        body: str,
        source: str,
        body_line: int,
        resolve: Resolver,
        suggest: Suggester | None = None,
    ) -> Rendered:
        """Render ``body`` (and keep it, if the renderer keeps renderings)."""

    def cached(
        self, digest: str, source: str, body_line: int, resolve: Resolver
    ) -> Rendered | None:
        """The rendering kept of the body whose ``text_digest`` is ``digest``, if any."""


def text_digest(text: str) -> str:
    """A short name of a text: a page's body (naming its rendering in the render cache) or
    a rendering's text (naming its words for search)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


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
    # The project's files that went into the page (snippets, shortcodes): path → hash.
    reads: dict[str, str] = field(default_factory=dict)
    # Links to pages that do not exist: errors, or warnings with [links] broken = "warn".
    broken_links: list[SiteError] = field(default_factory=list)
    # The images of content/ it shows: source → digest, so a changed image renders it again.
    images: dict[str, str] = field(default_factory=dict)
    warnings: list[SiteError] = field(default_factory=list)  # images without alt text
    words: int = 0  # in the text, for reading times
    text_digest: str = ""  # names the text: the search index's words of it are kept by it
    # Only what lists, checks and records need: the HTML and the text are in the render cache.
    outline: bool = False

    def __post_init__(self) -> None:
        if not self.words:
            self.words = len(self.text.split())
        if not self.text_digest:
            self.text_digest = text_digest(self.text)

    def without_html(self) -> Rendered:
        """This rendering without its HTML, text and table of contents, which the render
        cache holds: what a build keeps of each page, so a hundred thousand pages' HTML is
        not all in memory. The names its links hold are each one object, whichever pages
        link to them."""
        links = {sys.intern(name): url and sys.intern(url) for name, url in self.links.items()}
        return dataclasses.replace(
            self, html="", text="", toc=[], toc_html="", outline=True, feed_html={}, links=links
        )

    @property
    def clean(self) -> bool:
        """Rendered with no error and no broken link: the same next time, so kept."""
        return not self.errors and not self.broken_links

    # The HTML with absolute links, per page URL, as every feed that lists the page needs it.
    feed_html: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


class Renderer:
    """Renders page bodies with the site's Markdown settings."""

    def __init__(
        self,
        settings: MarkdownSettings,
        base_path: str = "",
        root: Path | None = None,
        images: ImageSettings | None = None,
    ) -> None:
        self.settings = settings
        self.base_path = base_path
        self.root = (root or Path.cwd()).resolve()
        self.images = images or ImageSettings()
        self._lock = threading.Lock()
        self._links = _LinkRewriter(self)
        self._pictures = _Pictures(self._links)
        self._math = MathExtension()
        self._shortcodes = Shortcodes(self.root, self._shortcode_functions())
        use_quick_pygments()
        self._markdown, self._source = self._new_markdown(self._math)
        # Converters of Markdown inside shortcodes, one for each depth of nesting.
        self._inner: list[tuple[markdown.Markdown, SourcePreprocessor, MathExtension]] = []
        self._depth = 0

    def _new_markdown(self, math: MathExtension) -> tuple[markdown.Markdown, SourcePreprocessor]:
        """A converter of the site's Markdown, and the preprocessor that reads its source."""
        instance = markdown.Markdown(
            extensions=[*EXTENSIONS, math, *self.settings.extensions],
            extension_configs=self._configs(),
            output_format="html",
        )
        if self.settings.smart_quotes:
            # After the inline patterns (20) and attribute lists (8), before the TOC takes
            # the headings' text (5).
            instance.treeprocessors.register(SmartPunctuation(instance), "frostpage_smarty", 6)
        source = SourcePreprocessor(instance, self.root, self._shortcodes)
        # After Python-Markdown normalises whitespace (30), which would remove the marks of
        # the HTML that shortcodes put in; before fences (25) and raw HTML (20).
        instance.preprocessors.register(source, "frostpage_source", 29)
        # After the inline patterns (20), which leave "[!NOTE]" as text.
        instance.treeprocessors.register(_GitHubAlerts(instance), "frostpage_alerts", 15)
        # Runs after inline links exist and after the TOC has added heading anchors.
        instance.treeprocessors.register(self._links, "frostpage_links", 0)
        instance.postprocessors.register(_ScrollableBlocks(instance), "frostpage_scrolling", 0)
        if math is self._math:  # the page's own converter: a shortcode's Markdown is in it
            instance.postprocessors.register(self._pictures, "frostpage_pictures", 1)
        return instance, source

    def _configs(self) -> dict[str, dict[str, Any]]:
        """Each extension's settings: frostpage's, with the site's own over them."""
        configs = {name: dict(values) for name, values in EXTENSION_CONFIGS.items()}
        configs["toc"]["toc_depth"] = self.settings.toc_depth
        for name, values in self.settings.extension_configs.items():
            configs.setdefault(name, {}).update(values)
        return configs

    def _shortcode_functions(self) -> dict[str, Callable[..., Any]]:
        """What shortcode templates may call: the page's links, Markdown, project files."""
        return {
            "url_of": self._links.url_of,
            "markdown": self._markdown_filter,
            "include_code": self._include_code,
            "fenced": _fenced,
            "page_url": self._links.page_url,
            "fail": _fail,
        }

    def _markdown_filter(self, text: str, inline: bool = False) -> Markup:
        """Markdown in a shortcode's argument or body, as HTML (without the paragraph
        around it when ``inline``), read as a page's is: shortcodes inside it are called
        (Hugo's tabs hold tab shortcodes), so each depth of nesting has its converter."""
        if self._depth >= DEEPEST_SHORTCODES:
            raise ValueError("shortcodes nest too deep (one calls itself?)")
        if self._depth == len(self._inner):
            math = MathExtension()
            self._inner.append((*self._new_markdown(math), math))
        converter, source, math = self._inner[self._depth]
        page = self._source.source
        inner = Source(page.path, page.first_line)
        source.start(inner)
        math.converter.errors = []
        converter.reset()
        self._depth += 1
        try:
            output = converter.convert(str(text))
        finally:
            self._depth -= 1
        page.reads.update(inner.reads)
        problems = [error.message for error in inner.errors] + [
            error.message for error in math.converter.errors
        ]
        if problems:
            raise ValueError(problems[0])
        if inline:
            output = re.sub(r"^<p>(.*)</p>$", r"\1", output.strip(), flags=re.DOTALL)
        return Markup(output)

    def _include_code(self, path: str, **options: Any) -> str:
        """A file of the project as a fenced code block (the code shortcode)."""
        try:
            return code_of(self.root, str(path), self._source.source.reads, **options)
        except SnippetError as error:
            raise ValueError(error.message) from None

    def cached(
        self, digest: str, source: str, body_line: int, resolve: Resolver
    ) -> Rendered | None:
        return None  # nothing is kept: see cache.CachedRenderer

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
        if _nesting(body) > DEEPEST_NESTING:  # it would take seconds to fail in Python-Markdown
            return _unrenderable(body, source, body_line, "is nested too deeply to render")
        with self._lock:
            self._links.start(body, source, body_line, resolve, suggest)
            self._pictures.start()
            read = Source(f"content/{source}", body_line)
            self._source.start(read)
            self._math.converter.errors = []
            converter.reset()
            try:
                output = converter.convert(body)
            except RecursionError:
                return _unrenderable(body, source, body_line, "is nested too deeply to render")
            toc_tokens = list(getattr(converter, "toc_tokens", []))
            toc_html = getattr(converter, "toc", "")
            broken, links = self._links.finish()
            errors = read.errors + self._math_errors(body, source, body_line)
            errors += self._pictures.errors
        return Rendered(
            html=output,
            toc_html=_unwrap_toc(toc_html) if toc_tokens else "",
            toc=toc_tokens,
            summary_html=summary_of(output),
            text=plain_text(output),
            errors=errors,
            links=links,
            reads=read.reads,
            broken_links=broken,
            images=self._pictures.shown,
            warnings=self._links.warnings,
        )

    def _math_errors(self, body: str, source: str, body_line: int) -> list[SiteError]:
        errors = []
        for error in self._math.converter.errors:
            position = max(body.find(error.latex), 0)
            line = body_line + body.count("\n", 0, position)
            errors.append(SiteError(f"content/{source}", line, error.message))
        return errors


def _fenced(code: str | None, args: list[Any], mark_lines: str | None = None) -> str:
    """A code block in Markdown, from Hugo's ``{{< highlight go "linenos=table" >}}`` or
    Jekyll's ``{% highlight ruby linenos %}``: the language, then options in any spelling."""
    options = [str(option).strip() for option in args[1:]]
    if mark_lines:
        options.append(f"hl_lines={mark_lines}")
    return code_block((code or "").strip("\n"), str(args[0]) if args else "text", options)


def _fail(message: str) -> None:
    """A shortcode template's own error (``fail("needs an id")``)."""
    raise ValueError(message)


def _nesting(text: str) -> int:
    """How deep the most deeply nested line of ``text`` is: its indentation, 4 columns a
    level, and its quote marks."""
    return max((len(line) - len(line.lstrip(" \t>")) for line in text.split("\n")), default=0) // 4


def _unrenderable(body: str, source: str, body_line: int, problem: str) -> Rendered:
    """A page Markdown cannot render: the error names its most deeply nested line, and the
    preview shows it in place of the text."""
    lines = body.split("\n")
    deepest = max(range(len(lines)), key=lambda n: _nesting(lines[n]))
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
        self.warnings: list[SiteError] = []
        self.links: dict[str, str | None] = {}
        # A URL written for a file of content/ → the file, and the link as written.
        self.files: dict[str, tuple[str, str]] = {}

    def finish(self) -> tuple[list[SiteError], dict[str, str | None]]:
        return self.errors, self.links

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attribute = LINKING_ATTRIBUTE.get(element.tag)
            target = element.get(attribute) if attribute else None
            if attribute and target:
                element.set(attribute, self._rewrite(element, target))
            if element.tag == "img" and not (element.get("alt") or "").strip():
                self.warn_alt(target or "")

    def warn_alt(self, target: str, in_html: bool = False) -> None:
        """An image without a text for those who cannot see it: a warning, with its line
        (``in_html``: written as an <img> element)."""
        line = self.line_of(f'"{target}"' if in_html else target) if target else None
        self.warnings.append(
            SiteError(
                f"content/{self.source}",
                line or self.body_line,
                f"the image '{target}' has no alt text",
                'say what it shows: ![a red kite over the hill](kite.jpg), or alt="…" in HTML',
            )
        )

    def file_of(self, src: str) -> tuple[str, str, str] | None:
        """The file of content/ an image's ``src`` leads to, its URL, and the link as
        written: one of the Markdown, rewritten already, or one written relative to the
        page in its HTML."""
        if src in self.files:
            return (*self.files[src], src)
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path or src.startswith(("/", "#")):
            return None
        url = self._rewrite(None, src)
        return (*self.files[url], url) if url in self.files else None

    def page_url(self, written: str, from_root: bool = False) -> str:
        """The URL of a page named by its file, for Hugo's ref and relref, Jekyll's link and
        post_url: from the page's folder (unless ``from_root``), then from content/, with or
        without its suffix ('about', 'posts/x.md', 'docs/' for docs/index.md)."""
        path, _, anchor = str(written).partition("#")
        folders = (
            [""] if from_root or path.startswith("/") else [posixpath.dirname(self.source), ""]
        )
        stem = path.strip("/")
        names = [stem, *(stem + suffix for suffix in MARKDOWN_SUFFIXES)]
        names += [f"{stem}/{index}{suffix}" for index in ("index", "_index") for suffix in (".md",)]
        for folder in folders:
            for name in names:
                wanted = posixpath.normpath(posixpath.join(folder, name))
                url = self.resolve(wanted) if wanted.endswith(MARKDOWN_SUFFIXES) else None
                if url is not None:
                    self.links[wanted] = url
                    return url + (f"#{anchor}" if anchor else "")
        also = "" if stem.endswith(MARKDOWN_SUFFIXES) else f" (nor {stem}.md)"
        raise ValueError(f"there is no page content/{stem}{also}")

    def url_of(self, target: str) -> str:
        """A link given to a shortcode, written as the same link in Markdown would be."""
        return self._rewrite(None, str(target))

    def _rewrite(self, element: etree.Element | None, written: str) -> str:
        if written.startswith(("https://", "http://", "#")):  # most links: as written
            return written
        folder, target = posixpath.dirname(self.source), written
        # Zola's @/docs/intro.md and Pelican's {filename}/docs/intro.md start from content/;
        # Pelican's {filename}intro.md (no slash) from the page's folder.
        for prefix in CONTENT_LINK_PREFIXES:
            if target.startswith(prefix):
                target = target[len(prefix) :]
                if prefix == "@/" or target.startswith("/"):
                    target, folder = target.lstrip("/"), ""
                break
        else:
            if target.startswith("/"):
                return self.renderer.base_path + self._from_root(target)
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            return written
        wanted = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        url = self.resolve(wanted)
        self.links[wanted] = url
        if url is None:
            # A relative link to anything but a page (../about/) is the author's to keep.
            if parts.path.endswith(MARKDOWN_SUFFIXES) or folder != posixpath.dirname(self.source):
                self._report_broken(element, written, wanted)
            return written
        suffix = ("?" + parts.query if parts.query else "") + (
            "#" + parts.fragment if parts.fragment else ""
        )
        if not url.endswith("/"):  # a file, not a page
            self.files[self.renderer.base_path + quote(url)] = (wanted, written)
        return self.renderer.base_path + quote(url) + suffix

    def _from_root(self, target: str) -> str:
        """A link from the site's root, as written, but to a file of content/ published
        under another name (a fingerprinted image: '/img/a.png' → '/img/a.<digest>.png')."""
        parts = urlsplit(target)
        wanted = unquote(parts.path).lstrip("/")
        if not wanted or wanted.endswith("/") or parts.scheme or parts.netloc:
            return target
        url = self.resolve(wanted)
        if url is None or url.endswith("/"):
            return target
        self.links[wanted] = url
        self.files[self.renderer.base_path + quote(url)] = (wanted, target)
        return quote(url) + target[len(parts.path) :]

    def _report_broken(self, element: etree.Element | None, target: str, wanted: str) -> None:
        message = f"broken link '{target}': there is no page content/{wanted}"
        nearest = self.suggest(wanted, self.source) if self.suggest else None
        hint = None
        if nearest:
            folder = posixpath.dirname(self.source) or "."
            hint = f"did you mean {posixpath.relpath(nearest, folder)}?"
        error = SiteError(f"content/{self.source}", self.line_of(target), message, hint)
        self.errors.append(error)
        if element is None:
            return
        element.set("class", (element.get("class", "") + " broken-link").strip())
        element.set("title", message)

    def line_of(self, target: str) -> int:
        """The file line of a link target, found in the Markdown source."""
        for needle in (f"]({target}", f"]: {target}", target):
            position = self.body.find(needle)
            if position >= 0:
                return self.body_line + self.body.count("\n", 0, position)
        return self.body_line


class _Pictures(Postprocessor):
    """Each image of content/ with its size and its copies (images.picture_html), and one
    alone in its paragraph with a title as a <figure> with that caption: on the final HTML,
    so images of shortcodes and of raw HTML are seen too."""

    IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
    ALONE = re.compile(r"<p>\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)\s*</p>", re.IGNORECASE)
    TITLE = re.compile(r"""\stitle=(["'])(.*?)\1""", re.DOTALL)

    def __init__(self, links: _LinkRewriter) -> None:
        super().__init__()
        self.links = links
        self.start()

    def start(self) -> None:
        self.first = True
        self.shown: dict[str, str] = {}
        self.errors: list[SiteError] = []

    def run(self, text: str) -> str:
        if "<img" not in text:
            return text
        return self.IMG.sub(self._picture, self.ALONE.sub(self._figure, text))

    def _figure(self, match: re.Match[str]) -> str:
        inner = match.group(1)
        title = self.TITLE.search(inner)
        if not title or not title.group(2).strip():
            return match.group(0)
        inner = inner[: title.start()] + inner[title.end() :]
        return f"<figure>{inner}<figcaption>{title.group(2)}</figcaption></figure>"

    def _picture(self, match: re.Match[str]) -> str:
        tag = match.group(0)
        found = LexborHTMLParser(tag).css_first("img")
        if found is None:
            return tag
        attributes = dict(found.attributes)
        src = attributes.get("src") or ""
        if "alt" not in attributes:
            self.links.warn_alt(src, in_html=True)
        found_file = self.links.file_of(src)
        first, self.first = self.first, False
        if found_file is None or not images.is_image(found_file[0]):
            return tag
        source, written, attributes["src"] = found_file
        renderer = self.links.renderer
        content = renderer.root / "content"
        try:
            shown = images.picture(content, source, renderer.images)
        except images.UnreadableImage as error:
            problem = f"the image {source} cannot be shown: {error}"
            where = self.links.line_of(written)
            self.errors.append(SiteError(f"content/{self.links.source}", where, problem))
            return tag
        self.shown[source] = file_digest(content / source)

        def url_of(name: str) -> str:
            return renderer.base_path + "/" + quote(name)

        return images.picture_html(shown, attributes, url_of, renderer.images, first)


class _GitHubAlerts(Treeprocessor):
    """GitHub's alerts, ``> [!NOTE]`` and ``> [!WARNING]`` on a quote's first line, as the
    admonitions they are (``!!! note``)."""

    MARK = re.compile(r"\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*\n?", re.IGNORECASE)

    def run(self, root: etree.Element) -> None:
        for block in root.iter("blockquote"):
            first = block[0] if len(block) else None
            if first is None or first.tag != "p" or not (mark := self.MARK.match(first.text or "")):
                continue
            kind = mark.group(1).lower()
            block.tag = "div"
            block.set("class", f"admonition {kind}")
            first.text = (first.text or "")[mark.end() :] or None
            if first.text is None and not len(first):
                block.remove(first)
            title = etree.Element("p", {"class": "admonition-title"})
            title.text = kind.capitalize()
            block.insert(0, title)


class _ScrollableBlocks(Postprocessor):
    """Code blocks and tables scroll sideways on narrow screens; keyboard users must be able
    to scroll them too, so each gets ``tabindex="0"`` (tables inside a scrolling wrapper).
    A task list's checkbox gets a name for screen readers: "Done" or "To do"."""

    def run(self, text: str) -> str:
        text = re.sub(r"<pre(?![^>]*\btabindex=)(?=[\s>])", '<pre tabindex="0"', text)
        text = re.sub(r"<table(?=[\s>])", '<div class="table-scroll" tabindex="0"><table', text)
        text = text.replace("</table>", "</table></div>")
        text = text.replace(
            '<input type="checkbox" disabled checked/>',
            '<input type="checkbox" disabled checked aria-label="Done">',
        )
        unchecked = '<input type="checkbox" disabled aria-label="To do">'
        return text.replace('<input type="checkbox" disabled/>', unchecked)


def _unwrap_toc(toc_html: str) -> str:
    """Python-Markdown wraps the TOC list in <div class="toc">; templates choose the wrapper."""
    return re.sub(r'^\s*<div class="toc">\s*|\s*</div>\s*$', "", toc_html)


def printable(text: str) -> str:
    """``text`` without the characters no HTML or XML document may hold; Markup stays Markup."""
    if not NOT_IN_DOCUMENTS.search(text):
        return text
    return type(text)(NOT_IN_DOCUMENTS.sub("", text))


def summary_of(page_html: str) -> str:
    """The HTML before ``<!-- more -->`` (or ``<!--more-->``), else the first paragraph."""
    more = MORE_MARKER.search(page_html)
    if more:
        return page_html[: more.start()].strip()
    match = re.search(r"<p\b.*?</p>", page_html, re.DOTALL)
    return match.group(0) if match else ""


def plain_text(fragment: str) -> str:
    """HTML → one line of plain text, for meta descriptions and feeds."""
    without_notes = re.sub(
        r'<sup id="fnref[^"]*">.*?</sup>|<a class="headerlink"[^>]*>[^<]*</a>',
        "",
        fragment,
        flags=re.DOTALL,
    )
    without_tags = re.sub(r"<[^>]+>", "", without_notes)
    return " ".join(html.unescape(without_tags).split())
