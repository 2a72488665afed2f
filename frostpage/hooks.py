"""site/hooks.py: the site's own Python, loaded by path and registered on the app.

``site`` cannot be a Python package (the standard library's ``site`` module wins), so the
file is loaded with ``importlib.util.spec_from_file_location``, the way MkDocs loads hook
files. It may define, all optional:

- ``blueprint``: a Flask Blueprint whose routes become pages of the site (frozen too);
- ``url_generators``: generator functions yielding the URLs of routes with parameters,
  as ``(endpoint, values)`` pairs or URL strings;
- ``template_filters`` and ``template_globals``: dicts of name → function;
- ``template_context()``: a function returning a dict of extra template variables.

An exception in the file is reported with its line in the hooks file.
"""

from __future__ import annotations

import importlib.util
import re
import reprlib
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Blueprint

from .errors import SiteError

HOOKS_PATH = "site/hooks.py"


@dataclass
class Hooks:
    blueprint: Blueprint | None = None
    url_generators: list[Callable[[], Iterable[Any]]] = field(default_factory=list)
    template_filters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    template_globals: dict[str, Callable[..., Any]] = field(default_factory=dict)
    template_context: Callable[[], dict[str, Any]] | None = None


def load_hooks(root: Path) -> Hooks:
    """Load site/hooks.py under ``root`` (no file: no hooks). Raises SiteError."""
    path = root / HOOKS_PATH
    if not path.is_file():
        return Hooks()
    module = _import(path, root)
    source = path.read_text("utf-8", errors="replace")

    def value(name: str, default: Any, valid: Callable[[Any], bool], expected: str) -> Any:
        found = getattr(module, name, default)
        if not valid(found):
            raise SiteError(
                HOOKS_PATH,
                _line_of(source, name),
                f"'{name}' must be {expected}, not {reprlib.repr(found)}",
            )
        return found

    def functions_by_name(name: str) -> dict[str, Callable[..., Any]]:
        return dict(
            value(
                name,
                {},
                lambda found: (
                    isinstance(found, dict)
                    and all(isinstance(k, str) and callable(v) for k, v in found.items())
                ),
                "a dict of names to functions",
            )
        )

    return Hooks(
        blueprint=value(
            "blueprint",
            None,
            lambda found: found is None or isinstance(found, Blueprint),
            "a flask.Blueprint",
        ),
        url_generators=list(
            value(
                "url_generators",
                [],
                lambda found: isinstance(found, list | tuple) and all(map(callable, found)),
                "a list of generator functions",
            )
        ),
        template_filters=functions_by_name("template_filters"),
        template_globals=functions_by_name("template_globals"),
        template_context=value(
            "template_context",
            None,
            lambda found: found is None or callable(found),
            "a function returning a dict",
        ),
    )


def _line_of(source: str, name: str) -> int | None:
    """The line where ``name`` is assigned or defined in the hooks file."""
    pattern = re.compile(rf"^(def\s+)?{name}\b")
    return next((n for n, line in enumerate(source.split("\n"), 1) if pattern.match(line)), None)


def _import(path: Path, root: Path) -> ModuleType:
    # A fresh module each time: a changed hooks file applies without a restart.
    name = "frostpage_site_hooks"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise SiteError(HOOKS_PATH, error.lineno, f"syntax error: {error.msg}") from None
    except (Exception, SystemExit) as error:
        raise from_hook_exception(error, root) or SiteError(HOOKS_PATH, None, str(error)) from None
    return module


def from_hook_exception(error: BaseException, root: Path) -> SiteError | None:
    """An exception raised by the hooks file, as a SiteError at its line; else None."""
    hooks_file = str((root / HOOKS_PATH).resolve())
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if str(Path(frame.filename).resolve()) == hooks_file
    ]
    if not frames:
        return None
    if isinstance(error, SystemExit):
        message = "calls sys.exit(): a hook must not end the program (raise an exception)"
    else:
        message = f"{type(error).__name__}: {error}"
    return SiteError(HOOKS_PATH, frames[-1].lineno, message)
