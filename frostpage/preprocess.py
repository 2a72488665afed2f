"""A page's Markdown before Python-Markdown reads it: snippets included, shortcodes called,
code fence options put in one spelling, each problem reported with its file and line.

These work on lines, as the author wrote them, so every error can name its line: in the
page, or in the snippet file the lines came from. Shortcodes are never called inside code
blocks; snippets are included there too (``--8<-- "app.py"`` inside a fence shows the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown import Markdown
from markdown.preprocessors import Preprocessor

from . import fences
from .errors import SiteError
from .shortcodes import Shortcodes, unescape
from .snippets import BLOCK, INCLUDE, SnippetError, file_hash, read_snippet

DEEPEST = 10  # snippets inside snippets


@dataclass
class Source:
    """The page being read: where its lines come from, and what reading them found."""

    path: str  # 'content/docs/intro.md'
    first_line: int
    errors: list[SiteError] = field(default_factory=list)
    reads: dict[str, str] = field(default_factory=dict)  # project file → hash


class SourcePreprocessor(Preprocessor):
    """Includes snippets, calls shortcodes and reads code fences, line by line."""

    def __init__(self, md: Markdown, root: Path, shortcodes: Shortcodes) -> None:
        super().__init__(md)
        self.root = root
        self.shortcodes = shortcodes
        self.source = Source("", 1)

    def start(self, source: Source) -> None:
        self.source = source

    def run(self, lines: list[str]) -> list[str]:
        return self._lines(lines, self.source.path, self.source.first_line, ())

    def _error(self, path: str, line: int, message: str, hint: str | None = None) -> None:
        self.source.errors.append(SiteError(path, line, message, hint))

    def _lines(self, lines: list[str], path: str, first: int, within: tuple[str, ...]) -> list[str]:
        """``lines`` of file ``path`` (its line ``first`` first), read."""
        output: list[str] = []
        text: list[str] = []  # lines outside code, waiting for their shortcodes
        text_start = first
        opening: re.Match[str] | None = None
        opening_line = 0
        paths: list[tuple[str, int]] | None = None  # inside a block of snippet paths

        def flush() -> None:
            if text:
                output.extend(self._shortcodes("\n".join(text), path, text_start).split("\n"))
                text.clear()

        for index, line in enumerate(lines):
            number = first + index
            block = BLOCK.match(line)
            if paths is not None:
                if block:
                    for spec, spec_line in paths:
                        included = self._include(spec, path, spec_line, within, opening)
                        output.extend(block["space"] + part for part in included)
                    paths = None
                elif line.strip():
                    paths.append((line.strip(), number))
                continue
            snippet = INCLUDE.match(line) or block
            if snippet and snippet["escape"]:
                line = line.replace(";--8<--", "--8<--", 1)  # shown, not included
            elif snippet:
                flush()
                if snippet is block:
                    paths = []
                else:
                    included = self._include(snippet["spec"], path, number, within, opening)
                    output.extend(snippet["space"] + part for part in included)
                continue
            fence = fences.FENCE.match(line)
            if opening:
                if fence and fences.closes(fence, opening):
                    opening = None
                output.append(unescape(line) if "{{" in line else line)
            elif fence and fences.is_opening(fence):
                flush()
                read = fences.read_opening(fence)
                for problem in read.problems:
                    self._error(path, number, problem, "the fence is kept, without the option")
                output.append(read.line)
                opening, opening_line = fence, number
            else:
                if not text:
                    text_start = number
                text.append(line)
        flush()
        if opening:
            self._error(
                path,
                opening_line,
                "this code fence is never closed: everything after it would be code",
                f"close it with {opening['fence']} on a line of its own",
            )
        if paths is not None:
            self._error(path, first + len(lines) - 1, "a block of snippets is never closed")
        return output

    def _include(
        self,
        spec: str,
        path: str,
        line: int,
        within: tuple[str, ...],
        opening: re.Match[str] | None,
    ) -> list[str]:
        """The lines of snippet ``spec``: read as Markdown, or as they are inside code."""
        try:
            name, lines = read_snippet(self.root, spec, self.source.reads)
        except SnippetError as error:
            self._error(path, line, error.message, error.hint)
            return []
        if name in within or len(within) >= DEEPEST:
            self._error(path, line, f"snippet {name} includes itself, or snippets nest too deep")
            return []
        # As Python-Markdown has made the page's own lines: tabs as spaces, no STX or ETX.
        lines = [re.sub("[\x02\x03]", "", line).expandtabs(self.md.tab_length) for line in lines]
        if opening:
            return lines
        return self._lines(lines, name, 1, (*within, name))

    def _shortcodes(self, text: str, path: str, first: int) -> str:
        def output(result: str, is_markdown: bool, alone: bool) -> str:
            """Markdown as it is; HTML kept aside from Markdown, and a block of it on a
            line of its own made a paragraph of its own (Hugo's tabs put one per line)."""
            if is_markdown:
                return result
            placeholder = self.md.htmlStash.store(result)
            tag = re.match(r"\s*<([a-zA-Z][\w-]*)", result)
            block = tag is not None and self.md.is_block_level(tag.group(1))
            return f"\n\n{placeholder}\n\n" if alone and block else placeholder

        expanded, errors, used = self.shortcodes.expand(text, output, {"source": path})
        for error in errors:
            line = first + text.count("\n", 0, error.offset)
            self._error(path, line, error.message, error.hint)
        for template in used:
            self.source.reads[template] = file_hash((self.root / template).read_bytes())
        return expanded
