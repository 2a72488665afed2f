"""The render cache: unchanged pages are never rendered again; a bad cache is never trusted."""

from __future__ import annotations

import os

import jinja2
import markdown

from frostpage import build, create_app
from frostpage.incremental import engine_stamp
from frostpage.markup import Rendered
from frostpage.paths import CACHE_FOLDER
from frostpage.state import site_state


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


def test_a_build_on_every_core_renders_each_page_once(write_site, monkeypatch, tmp_path):
    """A worker keeps what it rendered in the cache itself (only an outline comes back to
    the build), where the URLs that show the page find it."""
    converted = tmp_path / "converted"
    convert = markdown.Markdown.convert

    def noted(self: markdown.Markdown, source: str) -> str:
        with converted.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", noted)
    posts = {
        f"content/posts/p{n:03}.md": f"---\ntitle: Post {n}\ndate: 2025-01-01\n---\n*Text* {n}.\n"
        for n in range(150)
    }
    conversions = {}
    for cores in (1, 2):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        build(write_site(posts, root=tmp_path / f"on-{cores}"))
        conversions[cores] = converted.read_text().split()
        converted.unlink()
    assert len(set(conversions[2])) == 2  # pages were rendered in a worker too
    assert len(conversions[2]) == len(conversions[1]) > 150


def test_an_edited_page_alone_is_rendered_again(site_root):
    build(site_root)
    (site_root / "content/about/team.md").write_text("# The team\n\nChanged.\n", "utf-8")
    _hits, misses = renders(site_root)
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
    build(site_root, full=True)  # without it, nothing would be rendered: every file is kept
    assert (site_root / "build/docs/intro/index.html").read_bytes() == expected
    _hits, misses = renders(site_root)
    assert misses == 0


def test_a_rendering_the_cache_cannot_hold_is_left_out_and_the_others_kept(site_root):
    """A lone surrogate (from an escape in front matter, say) cannot be UTF-8: that page is
    rendered again next time, and the rest of its slice is kept."""
    renderer = site_state(create_app(site_root, dev=False)).renderer
    fine = Rendered(html="<p>Café ☕</p>", toc_html="", toc=[], summary_html="")
    odd = Rendered(html="<p>\ud800</p>", toc_html="", toc=[], summary_html="")
    keys = [renderer.key(digest, "x.md", 1) for digest in ("fine", "odd")]
    assert renderer.store([(keys[0], fine), (keys[1], odd)]) == {keys[0]}
    kept = renderer.cached("fine", "x.md", 1, lambda target: None)
    assert kept is not None and kept.html == "<p>Café ☕</p>"
    assert renderer.cached("odd", "x.md", 1, lambda target: None) is None


def test_a_cache_of_other_settings_is_not_used(site_root):
    build(site_root)
    config = site_root / "site/config.toml"
    config.write_text(config.read_text("utf-8") + "[markdown]\nsmart_quotes = false\n", "utf-8")
    hits, _misses = renders(site_root)
    assert hits == 0


def parsed_files(root) -> tuple[int, list[str]]:
    """Load the site as the preview does; (files parsed, titles of the pages)."""
    app = create_app(root, dev=False)
    state = site_state(app)
    with app.app_context():
        titles = sorted(page.title for page in state.site.pages)
    return state.files.parsed, titles


def test_parsed_pages_are_kept_so_the_next_start_parses_only_what_changed(site_root):
    build(site_root)
    assert (site_root / CACHE_FOLDER / "pages.pickle").is_file()
    parsed, titles = parsed_files(site_root)
    assert parsed == 0 and "The team" in titles
    (site_root / "content/about/team.md").write_text("# The crew\n\nChanged.\n", "utf-8")
    parsed, titles = parsed_files(site_root)
    assert parsed == 1 and "The crew" in titles and "The team" not in titles


def test_a_corrupt_or_foreign_page_cache_is_ignored(site_root):
    build(site_root)
    cache = site_root / CACHE_FOLDER / "pages.pickle"
    expected = parsed_files(site_root)[1]
    files = len(list((site_root / "content").rglob("*.md")))
    cache.write_bytes(b"not a pickle")
    assert parsed_files(site_root) == (files, expected)
    build(site_root)
    config = site_root / "site/config.toml"
    config.write_text(config.read_text("utf-8") + 'timezone = "Europe/Paris"\n', "utf-8")
    assert parsed_files(site_root)[0] == files  # other settings: parsed afresh


def test_compiled_templates_are_kept_and_follow_their_source(site_root, monkeypatch):
    build(site_root)
    folder = site_root / CACHE_FOLDER / "templates"
    stamp = engine_stamp()[:16]
    assert sorted(path.name[:16] for path in folder.iterdir()) == [stamp] * len(
        list(folder.iterdir())
    )
    # Another engine's file goes; a run that compiles nothing anew reads the kept ones.
    (folder / "0123456789abcdef-other.cache").write_bytes(b"compiled by other code")
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def noting(environment, source, name=None, filename=None, *rest):
        compiled.append(name)
        return compile_template(environment, source, name, filename, *rest)

    monkeypatch.setattr(jinja2.Environment, "compile", noting)
    app = create_app(site_root, dev=True)
    assert app.test_client().get("/about/").status_code == 200
    assert compiled == []
    base = site_root / "templates/base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<p>Edited.</p></body>"))
    build(site_root)
    assert compiled == ["base.html"]
    assert "<p>Edited.</p>" in (site_root / "build/about/index.html").read_text("utf-8")
    assert not (folder / "0123456789abcdef-other.cache").exists()


def test_a_build_reads_a_pages_rendering_once_to_write_it(site_root, monkeypatch):
    """A build keeps only an outline of each page; its template asks for the table of
    contents, then the HTML, and the rendering is read from the cache for both once."""
    from frostpage.cache import CachedRenderer

    reads: list[str] = []  # the sources whose rendering was found in the cache
    cached = CachedRenderer.cached

    def reading(self, digest, source, *args, **kwargs):
        found = cached(self, digest, source, *args, **kwargs)
        reads.extend([source] if found else [])
        return found

    monkeypatch.setattr(CachedRenderer, "cached", reading)
    build(site_root)
    assert reads.count("docs/intro.md") == 1
    html = (site_root / "build/docs/intro/index.html").read_text("utf-8")
    assert '<nav class="toc"' in html and 'href="#setup"' in html


def test_a_loaded_page_has_few_enough_attributes_for_cpython_to_share_their_names(site_root):
    """Under 30 attributes, the instances of a class share one table of their names: 1.3 KB
    less per page (130 MB on a site of 100,000 pages) than a dictionary of their own."""
    build(site_root)  # the pages come back from the page cache, with all they note
    app = create_app(site_root, dev=False)
    with app.app_context():
        site = site_state(app).site
        for page in site.all_pages:
            site.render(page)
            assert page.body_digest and page.metadata_digest and page.origin is not None
        assert max(len(vars(page)) for page in site.all_pages) < 30
