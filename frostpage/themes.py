"""Themes: a site's own templates/ and static/ over its theme's, over the default theme's,
file by file, as Hugo looks up layouts and MkDocs reads ``custom_dir``.

A site overrides one template by writing only that one; the rest come from below.
``theme = "NAME"`` in site/config.toml picks a theme: a folder of the project (``NAME`` or
``themes/NAME``) or a Python package that declares itself in the ``frostpage.themes`` entry
point group. Each theme is a folder with templates/ and static/. The default theme ships in
the frostpage package (a source checkout reads the repository's own).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.resources
from collections.abc import Callable
from pathlib import Path

import jinja2

from .config import CONFIG_PATH, line_of
from .errors import SiteError
from .paths import escapes

ENTRY_POINTS = "frostpage.themes"
THEMES_FOLDER = "themes"


@functools.cache
def default_theme() -> Path:
    """Where the default theme is: in the wheel, or in this source checkout."""
    packaged = Path(str(importlib.resources.files("frostpage") / "starter"))
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent


def theme_folders(root: Path, name: str = "") -> list[Path]:
    """The folders whose templates/ and static/ the site uses, the first that has a file
    giving it: the site itself, its theme (``name``), the default theme."""
    folders = [root, *([find_theme(root, name)] if name else []), default_theme()]
    unique: dict[Path, Path] = {}
    for folder in folders:
        unique.setdefault(folder.resolve(), folder)
    return list(unique.values())


def find_theme(root: Path, name: str) -> Path:
    """The folder of theme ``name``: a folder of the project, or an installed package's."""
    for folder in (root / name, root / THEMES_FOLDER / name):
        if folder.is_dir() and not escapes(folder, root):
            return folder
    installed = installed_themes()
    if name in installed:
        return installed[name]()
    known = sorted(installed) + sorted(
        path.name for path in (root / THEMES_FOLDER).glob("*") if path.is_dir()
    )
    config = root / CONFIG_PATH
    raise SiteError(
        CONFIG_PATH,
        line_of(config.read_text("utf-8"), "theme") if config.is_file() else None,
        f"unknown theme {name!r}",
        f"themes here are: {', '.join(known)}"
        if known
        else f"put a theme in {THEMES_FOLDER}/{name}/ (templates/ and static/), or install one",
    )


def installed_themes() -> dict[str, Callable[[], Path]]:
    """Themes installed as Python packages: name → where its folder is."""

    def folder_of(entry: importlib.metadata.EntryPoint) -> Callable[[], Path]:
        def load() -> Path:
            module = entry.load()
            return Path(str(importlib.resources.files(module)))

        return load

    return {
        entry.name: folder_of(entry)
        for entry in importlib.metadata.entry_points(group=ENTRY_POINTS)
    }


class ThemeTemplates(jinja2.FileSystemLoader):
    """The templates/ of one folder, where a template whose symbolic link leads out of that
    folder's owner (the project, or the theme) is not found."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder / "templates"))
        self.owner = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if filename and escapes(Path(filename), self.owner):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


def template_loader(folders: list[Path]) -> jinja2.ChoiceLoader:
    return jinja2.ChoiceLoader([ThemeTemplates(folder) for folder in folders])


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates as Jinja compiled them, kept in ``folder`` between runs: a rebuild that
    writes a few pages, or the preview starting, need not compile again every template
    they use. Jinja checks each against its source; the file names carry ``stamp`` (the
    engine's code, where its settings of Jinja are), and files of other stamps are removed.
    A file that cannot be stored only costs speed."""

    def __init__(self, folder: Path, stamp: str) -> None:
        self.prefix = stamp[:16]
        super().__init__(str(folder), f"{self.prefix}-%s.cache")

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        folder = Path(self.directory)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for path in folder.iterdir():
                if not path.name.startswith(self.prefix):
                    path.unlink(missing_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass
