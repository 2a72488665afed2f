"""The render cache: unchanged pages are never rendered again; a bad cache is never trusted."""

from __future__ import annotations

from frostpage import build, create_app
from frostpage.app import site_state
from frostpage.cache import CACHE_FOLDER


def renders(root) -> tuple[int, int]:
    """Build, and return (cache hits, cache misses) of that build."""
    app = create_app(root, dev=False)
    state = site_state(app)
    with app.app_context():
        for page in state.site.pages:
            state.site.render(page)
    return state.renderer.hits, state.renderer.misses


def test_a_rebuild_renders_nothing_again(site_root):
    build(site_root)
    hits, misses = renders(site_root)
    assert misses == 0 and hits > 5


def test_an_edited_page_alone_is_rendered_again(site_root):
    build(site_root)
    (site_root / "content/about/team.md").write_text("# The team\n\nChanged.\n", "utf-8")
    hits, misses = renders(site_root)
    assert misses == 1


def test_a_moved_link_target_renders_the_linking_page_again(site_root):
    build(site_root)
    intro = site_root / "content/docs/intro.md"
    intro.write_text(intro.read_text("utf-8").replace("title: Intro", "title: Intro\nslug: start"))
    build(site_root)
    about = (site_root / "build/about/index.html").read_text("utf-8")
    assert 'href="/docs/start/#setup"' in about


def test_a_corrupt_cache_is_ignored_and_rebuilt(site_root):
    build(site_root)
    expected = (site_root / "build/docs/intro/index.html").read_bytes()
    database = site_root / CACHE_FOLDER / "render.sqlite"
    database.write_bytes(b"this is not a database" * 100)
    build(site_root)
    assert (site_root / "build/docs/intro/index.html").read_bytes() == expected
    hits, misses = renders(site_root)
    assert misses == 0


def test_a_cache_of_other_settings_is_not_used(site_root):
    build(site_root)
    config = site_root / "site/config.toml"
    config.write_text(config.read_text("utf-8") + "[markdown]\nsmart_quotes = false\n", "utf-8")
    hits, misses = renders(site_root)
    assert hits == 0
