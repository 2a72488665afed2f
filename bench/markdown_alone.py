"""The floor of a cold build: only Python-Markdown and Pygments, on every core.

    python bench/markdown_alone.py CORPUS

Converts the body of every Markdown file under CORPUS (its front matter cut off) with the
extensions and settings frostpage gives Python-Markdown, and Pygments as frostpage
calls it (frostpage.highlighting.use_quick_pygments), in one forked process per core,
and writes nothing. The design fixes these libraries, so a cold build cannot take less;
make bench prints a cold build's time beside this one's.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import markdown

from frostpage.highlighting import use_quick_pygments
from frostpage.markup import EXTENSION_CONFIGS, EXTENSIONS
from frostpage.parallel import worker_count

_converter: markdown.Markdown | None = None


def convert(path: Path) -> int:
    """The length of the HTML of ``path``'s body (a converter per process, as frostpage's)."""
    global _converter
    if _converter is None:
        use_quick_pygments()
        _converter = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
        )
    text = path.read_text("utf-8")
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + 5 :]
    _converter.reset()
    return len(_converter.convert(text))


def main(corpus: Path) -> None:
    files = sorted(corpus.rglob("*.md"))
    with multiprocessing.get_context("fork").Pool(worker_count()) as pool:
        total = sum(pool.imap_unordered(convert, files, chunksize=32))
    print(f"{len(files)} files, {total} bytes of HTML")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
