"""A new site, as `frostpage init` writes it: settings, a home page, a first post, and what
it needs to be served, built and deployed like frostpage's own site (Makefile, freeze.py,
netlify.toml, .gitignore). Its templates and static files come from the default theme,
file by file, until the site writes its own (``--with-templates`` copies them all).

An installed wheel carries the theme, freeze.py and netlify.toml as ``frostpage/starter``;
a source checkout reads the repository's own. Each exists once.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import shutil
from pathlib import Path

from .themes import default_theme
from .version import VERSION
from .views import ENGINE_TEMPLATES

NEW_SITE = Path(str(importlib.resources.files("frostpage") / "new_site"))
CONFIG = """\
title = "{title}"
description = ""
base_url = "https://example.org/"
author = ""
language = "en"
posts_per_page = 10

[[nav]]
title = "Blog"
url = "/posts/"

[[nav]]
title = "About"
url = "/about/"
"""


def create_site(folder: Path, with_templates: bool = False) -> None:
    """Write a new site into ``folder`` (empty or missing): its templates and static files
    come from the default theme, unless ``with_templates`` copies them in for editing."""
    source = default_theme()
    if with_templates:
        copy_theme(folder)
    title = folder.resolve().name.replace("-", " ").replace("_", " ").title()
    today = dt.date.today().isoformat()
    files = {
        "site/config.toml": CONFIG.format(title=title.replace('"', "")),
        "content/index.md": (
            "---\ntitle: Home\n---\n\nWelcome to your new site. Read [about](about.md).\n"
        ),
        "content/about.md": "---\ntitle: About\n---\n\nWhat this site is about.\n",
        "content/posts/hello-world.md": (
            f"---\ntitle: Hello, world\ndate: {today}\ntags: [news]\n---\n\n"
            "The first post. Write the next one with `make new title='Title'`.\n"
        ),
        "requirements.txt": f"frostpage=={VERSION}\n",
        "Makefile": (NEW_SITE / "Makefile").read_text("utf-8"),
        ".gitignore": (NEW_SITE / "gitignore").read_text("utf-8"),
        "freeze.py": (source / "freeze.py").read_text("utf-8"),
        "netlify.toml": (source / "netlify.toml").read_text("utf-8"),
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def copy_theme(folder: Path) -> None:
    """Copy the default theme (templates/ and static/) into ``folder``, to edit it there."""
    source = default_theme()
    templates = folder / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    for template in sorted((source / "templates").iterdir()):
        if template.name in ENGINE_TEMPLATES or template.name.startswith("_"):
            shutil.copy2(template, templates / template.name)
    shutil.copytree(source / "static", folder / "static", dirs_exist_ok=True)
