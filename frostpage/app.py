"""The Flask application: one app serves the preview and is frozen for the build.

``create_app(root, dev=...)`` is the only switch between the two: the dev server shows
drafts and future posts and reloads changed files; the build leaves them out and makes an
undefined template variable an error. Everything else is the same code path.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import jinja2
from dotenv import dotenv_values
from flask import Flask

from . import incremental, routes
from .assets import Assets
from .cache import CachedRenderer, PageCache
from .config import load_settings
from .content_files import ContentFiles
from .data import load_data
from .hooks import Hooks, load_hooks
from .markup import Renderer, printable
from .paths import CACHE_FOLDER, MARKDOWN_SUFFIXES
from .state import SiteState
from .themes import CompiledTemplates, template_loader, theme_folders


def create_app(
    root: Path | str = ".",
    *,
    dev: bool = True,
    include_future: bool | None = None,
    relative: bool = False,
) -> Flask:
    """The site's Flask app, for the dev server (``dev=True``) or the build (``dev=False``).

    Raises SiteError when site/config.toml is wrong.
    """
    root = Path(root).resolve()
    # Like Flask: a .env file at the project root sets variables the environment does not.
    environ = {**dotenv_values(root / ".env"), **os.environ}
    settings, warnings = load_settings(root, {k: v for k, v in environ.items() if v is not None})
    if relative:  # frostpage build --relative: relative_urls for this build
        settings = dataclasses.replace(settings, relative_urls=True)
    hooks = load_hooks(root)
    data, data_errors = load_data(root)
    if include_future is None:
        include_future = dev or os.environ.get("FROSTPAGE_FUTURE", "") not in ("", "0")
    app = Flask(
        "frostpage",
        root_path=str(root),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
        static_url_path="/static",
    )
    app.config.update(
        FLATPAGES_ROOT=str(root / "content"),
        FLATPAGES_EXTENSION=MARKDOWN_SUFFIXES,
        FLATPAGES_AUTO_RELOAD=False,
        TEMPLATES_AUTO_RELOAD=dev,
        FROSTPAGE_DEV=dev,
        APPLICATION_ROOT=settings.base_path or "/",
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if not dev:
        app.jinja_env.undefined = jinja2.StrictUndefined
    # Whatever a template prints, from pages, settings or data, is a valid document.
    app.jinja_env.finalize = lambda value: printable(value) if isinstance(value, str) else value
    cache = PageCache(root / CACHE_FOLDER, settings)
    files = ContentFiles(app, settings, cache, keep_bodies=dev, on_every_core=not dev)
    renderer = CachedRenderer(
        Renderer(settings.markdown, settings.base_path, root, settings.images),
        root / CACHE_FOLDER,
    )
    themes = theme_folders(root, settings.theme)
    app.jinja_loader = template_loader(themes)
    app.jinja_env.bytecode_cache = CompiledTemplates(
        root / CACHE_FOLDER / "templates", incremental.engine_stamp()
    )
    assets = Assets(themes, unchanging=not dev)
    state = SiteState(
        root,
        settings,
        dev,
        include_future,
        files,
        renderer,
        assets,
        themes,
        hooks,
        data,
        data_errors,
        warnings,
    )
    app.extensions["frostpage"] = state

    routes.register(app)
    _register_hooks(app, hooks)
    return app


def _register_hooks(app: Flask, hooks: Hooks) -> None:
    """The site's own routes, filters, globals and context, as site/hooks.py defines them."""
    if hooks.blueprint is not None:
        app.register_blueprint(hooks.blueprint)
    for name, function in hooks.template_filters.items():
        app.add_template_filter(function, name)
    for name, function in hooks.template_globals.items():
        app.add_template_global(function, name)
    if hooks.template_context is not None:
        app.context_processor(hooks.template_context)
