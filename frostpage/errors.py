"""One error type for everything an author can get wrong, formatted once.

The command line, the browser and the tests all show ``str(error)``:
``content/about.md:3: date 'yesterday' is not a date`` followed by an optional hint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(unsafe_hash=True)
class SiteError(Exception):
    """A problem in the author's files: where it is, what is wrong, and how to fix it."""

    path: str
    line: int | None
    message: str
    hint: str | None = None

    def __reduce__(self) -> tuple[type, tuple[str, int | None, str, str | None]]:
        # Pickled by the build's worker processes; Exception's own reduce loses the fields.
        return (SiteError, (self.path, self.line, self.message, self.hint))

    @property
    def location(self) -> str:
        # A file name may hold a newline or another control character: shown escaped, so the
        # message stays one line that starts with where the problem is.
        path = self.path if self.path.isprintable() else _escaped(self.path)
        return f"{path}:{self.line}" if self.line else path

    def __str__(self) -> str:
        message = self.message if self.message.isprintable() else _escaped(self.message)
        text = f"{self.location}: {message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


def _escaped(text: str) -> str:
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


class SiteErrors(Exception):
    """Several errors at once: a build reports every error it finds, not only the first."""

    def __init__(self, errors: Iterable[SiteError]) -> None:
        self.errors = sorted(set(errors), key=lambda e: (e.path, e.line or 0, e.message))
        super().__init__(format_errors(self.errors))

    def __reduce__(self) -> tuple[type, tuple[list[SiteError]]]:
        # Raised in the build's worker processes and sent back to the main one.
        return (SiteErrors, (self.errors,))


def format_errors(errors: Iterable[SiteError]) -> str:
    """Every error, grouped by file (files in name order), with a count at the end."""
    errors = list(errors)
    lines: list[str] = []
    previous_path = None
    for error in errors:
        if previous_path is not None and error.path != previous_path:
            lines.append("")
        previous_path = error.path
        lines.append(str(error))
    files = len({error.path for error in errors})
    lines.append(f"\n{len(errors)} error(s) in {files} file(s)")
    return "\n".join(lines)


def from_template_exception(
    error: BaseException, root: str, themes: Iterable[Path] = ()
) -> SiteError | None:
    """A Jinja error as a SiteError naming the template file and line, or None if not one.

    Syntax errors carry their place; errors raised while rendering (an undefined variable
    in a build) are found in the traceback, which Jinja rewrites to template lines: the
    site's own templates, or its themes' (named by their full path).
    """
    import os
    import traceback

    import jinja2

    if not isinstance(error, jinja2.TemplateError):
        return None
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        path = os.path.relpath(error.filename, root)
        return SiteError(path, error.lineno, f"template syntax error: {error.message}")
    if isinstance(error, jinja2.TemplateNotFound):
        return SiteError("templates/", None, f"template not found: {error.name}")
    folders = tuple(
        os.path.join(folder, "templates") + os.sep for folder in (root, *map(str, themes))
    )
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(folders)
    ]
    if not frames:
        return SiteError("templates/", None, f"template error: {error}")
    frame = frames[-1]
    inside = frame.filename.startswith(os.path.join(root, ""))  # the site's, or themes/NAME
    path = os.path.relpath(frame.filename, root) if inside else frame.filename
    return SiteError(path, frame.lineno, f"template error: {error}")
