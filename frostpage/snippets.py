"""Files of the project included in a page, as MkDocs' snippets write them.

``--8<-- "docs/notice.md"`` on a line of its own puts that file's lines in its place;
``"file.py:3:10"`` takes lines 3 to 10, ``"file.py:3"`` from line 3 on, and
``"file.py:setup"`` the lines between ``--8<-- [start:setup]`` and ``--8<-- [end:setup]``.
A block of paths between two ``--8<--`` lines includes each; ``;--8<--`` is written as it is.
Paths are read from the project's folder, then from content/. Only files of the project are
read: never a file outside it (through ``..`` or a symbolic link), a hidden one (.env, .git),
or the build's own output.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from pygments.lexers import get_lexer_for_filename
from pygments.util import ClassNotFound

from .fences import code_block
from .paths import CACHE_FOLDER

INCLUDE = re.compile(
    r"^(?P<space>[ \t]*)(?P<escape>;?)--8<--[ \t]+(?P<q>[\"'])(?P<spec>.*)(?P=q)\s*$"
)
BLOCK = re.compile(r"^(?P<space>[ \t]*)(?P<escape>;?)--8<--[ \t]*$")
SECTION = re.compile(r"--8<--\s*\[(?P<end>start|end):(?P<name>[\w.-]+)\]")
LARGEST = 1_000_000  # bytes: a snippet is text an author wrote, not a data dump
NOT_READ = ("build", CACHE_FOLDER)
RANGES = r"\d*(?::\d*)?(?:,\d*(?::\d*)?)*"  # 3:10, 3 (to the end), 1:2,8:9


class SnippetError(Exception):
    """A snippet that cannot be included: the message, and what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def read_snippet(root: Path, spec: str, reads: dict[str, str]) -> tuple[str, list[str]]:
    """The project path and lines that ``spec`` ('file.py:3:10') names; its hash goes into
    ``reads`` (path → hash), so a page is rendered again when the file changes."""
    path_text, lines = _split(spec)
    path = _find(root, path_text)
    name = path.relative_to(root.resolve()).as_posix()
    data = path.read_bytes()
    if len(data) > LARGEST:
        raise SnippetError(f"snippet {name} is over {LARGEST:,} bytes", "include a part of it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SnippetError(f"snippet {name} is not UTF-8 text") from None
    reads[name] = file_hash(data)
    return name, _select(text.splitlines(), lines, name)


def file_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_of(
    root: Path,
    path: str,
    reads: dict[str, str],
    lang: str | None = None,
    lines: str | None = None,
    title: str | None = None,
    linenums: int | None = None,
    hl_lines: str | None = None,
) -> str:
    """A file of the project (or some of its ``lines``, '3-10') as a fenced code block in
    Markdown, titled with its name, in the language its name says unless ``lang`` does."""
    spec = f"{path}:{str(lines).replace('-', ':')}" if lines else path
    name, code = read_snippet(root, spec, reads)
    if lang is None:
        try:
            lang = get_lexer_for_filename(name).aliases[0]
        except ClassNotFound:
            lang = "text"
    options = [f"title={title or PurePosixPath(name).name}"]
    options += [f"linenums={linenums}"] if linenums else []
    options += [f"hl_lines={hl_lines}"] if hl_lines else []
    return code_block("\n".join(code), lang, options)


def unchanged(root: Path, reads: dict[str, str]) -> bool:
    """Whether each of the project's files in ``reads`` still has the hash it had."""
    for name, digest in reads.items():
        try:
            if file_hash((root / name).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _split(spec: str) -> tuple[str, str]:
    """'file.py:3:10' → ('file.py', '3:10'); 'file.md:setup' → ('file.md', 'setup')."""
    match = re.fullmatch(rf"(?P<path>.+?)(?::(?P<lines>{RANGES}|[\w.-]+))?", spec.strip())
    if not match or not match["path"]:
        raise SnippetError(f"snippet {spec!r} names no file")
    return match["path"], match["lines"] or ""


def _find(root: Path, path_text: str) -> Path:
    project = root.resolve()
    for base in (project, project / "content"):
        candidate = base / path_text
        if not candidate.exists():
            continue
        resolved = candidate.resolve()
        if not resolved.is_relative_to(project):
            raise SnippetError(
                f"snippet {path_text!r} is outside the project: only its own files are included"
            )
        parts = resolved.relative_to(project).parts
        if any(part.startswith(".") for part in parts) or parts[0] in NOT_READ:
            raise SnippetError(
                f"snippet {path_text!r} is a hidden file or the build's output: it is not included"
            )
        if not resolved.is_file():
            raise SnippetError(f"snippet {path_text!r} is not a file")
        return resolved
    raise SnippetError(
        f"snippet {path_text!r} not found",
        "paths are read from the project's folder, then from content/",
    )


def _select(lines: list[str], wanted: str, name: str) -> list[str]:
    """The lines ``wanted`` names ('3:10', '3', ':10', a section, or '' for all), without
    section markers."""
    if wanted and not re.fullmatch(RANGES, wanted):
        inside = False
        chosen: list[str] = []
        for line in lines:
            marker = SECTION.search(line)
            if marker and marker["name"] == wanted:
                inside = marker["end"] == "start"
            elif inside and not marker:
                chosen.append(line)
        if not chosen:
            raise SnippetError(f"snippet {name} has no section {wanted!r}")
        return chosen
    if wanted:
        chosen = []
        for span in wanted.split(","):
            start, _, end = span.partition(":")
            first = int(start or 1)
            last = int(end) if end else len(lines)
            if not 1 <= first <= max(last, 1) or first > len(lines):
                raise SnippetError(f"snippet {name} has no lines {span} ({len(lines)} lines)")
            chosen += lines[first - 1 : last]
        lines = chosen
    return [line for line in lines if not SECTION.search(line)]
