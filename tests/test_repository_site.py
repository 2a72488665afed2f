"""This repository's own site (frostpage's docs and sample blog) builds with no error."""

from conftest import REPOSITORY
from selectolax.lexbor import LexborHTMLParser
from sitecheck import unresolved_links

from frostpage import build
from frostpage.config import load_settings


def test_the_repository_site_builds_with_no_broken_link(tmp_path):
    output = tmp_path / "build"
    result = build(REPOSITORY, output, force=True)
    assert result.warnings == []
    settings, _ = load_settings(REPOSITORY)
    assert unresolved_links(output, settings.base_url) == []
    for name in (
        "docs/getting-started",
        "docs/writing-content",
        "docs/templates",
        "docs/configuration",
        "docs/deploying",
    ):
        assert (output / name / "index.html").is_file(), name
    posts = sorted(path.parent.name for path in (output / "posts").glob("*/index.html"))
    assert len(posts) >= 3
    html = "".join(path.read_text("utf-8") for path in (output / "posts").rglob("*.html"))
    tree = LexborHTMLParser(html)  # the site is minified: parsed
    for feature in (".highlight", "table", ".footnote", ".admonition"):
        assert tree.css_first(feature) is not None, feature
