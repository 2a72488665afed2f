"""What frostpage uses of its libraries beyond their public API, checked on the installed
versions: a new release that changes any of it fails here, loudly, before it can change a
site. pyproject.toml bounds these libraries below their next release that may."""

from __future__ import annotations

import inspect

import markdown
import pymdownx.highlight
import pytest
from conftest import BASE_CONFIG
from flask import Flask, url_for
from flask_flatpages import FlatPages
from flask_frozen import Freezer
from pygments.formatters import HtmlFormatter
from pymdownx.arithmatex import InlineArithmatexPattern

from frostpage.highlighting import TokenTables, lexer_by_name, use_quick_pygments
from frostpage.inline import QuickInline
from frostpage.mathml import INLINE, MathExtension


def test_flatpages_loads_each_file_through_load_file_and_keeps_its_caches(tmp_path):
    assert list(inspect.signature(FlatPages._load_file).parameters) == [
        "self",
        "path",
        "filename",
        "rel_path",
    ]
    (tmp_path / "a.md").write_text("title: A\n\nText.\n", "utf-8")
    app = Flask(__name__)
    app.config.update(FLATPAGES_ROOT=str(tmp_path), FLATPAGES_EXTENSION=".md")
    loaded = []

    class Recording(FlatPages):
        def _load_file(self, path: str, filename: str, rel_path: str) -> str:
            loaded.append((path, filename, rel_path))
            return path

    pages = Recording(app)
    assert isinstance(pages._file_cache, dict)
    with app.app_context():
        assert pages._pages == {"a": "a"}  # path → what _load_file returned
        assert pages.root == str(tmp_path)
    assert loaded == [("a", str(tmp_path / "a.md"), "")]
    # frostpage walks the files itself (ContentFiles._pages, a cached property of the same
    # name); reload() must forget what it found.
    pages.reload()
    assert "_pages" not in pages.__dict__


def test_frozen_flask_generates_and_writes_urls_as_frostpage_drives_it(tmp_path):
    app = Flask(__name__)
    app.add_url_rule("/page/<name>/", "page", lambda name: name)
    app.config.update(FREEZER_DESTINATION=str(tmp_path / "out"))
    freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False)
    assert isinstance(freezer.url_generators, list)
    freezer.register_generator(lambda: [("page", {"name": "x"}, None)])
    assert list(freezer._generate_all_urls())[-1] == ("/page/x/", "page", None)
    assert freezer.root == tmp_path / "out"
    assert list(inspect.signature(Freezer._build_one).parameters) == [
        "self",
        "url",
        "last_modified",
    ]

    # Every file _build_one writes is named by urlpath_to_filepath: frostpage's confinement.
    class Confined(Freezer):
        def urlpath_to_filepath(self, path: str) -> str:
            raise PermissionError(path)

    confined = Confined(app, with_static_files=False, with_no_argument_rules=False)
    with app.test_request_context(), pytest.raises(PermissionError):
        confined._build_one("/page/x/")


def test_pygments_makes_its_token_table_in_create_stylesheet():
    formatter = HtmlFormatter(style="default")
    formatter.ttype2class, formatter.class2style = {}, {}
    formatter._create_stylesheet()
    assert formatter.ttype2class and formatter.class2style


def test_pymdownx_highlight_makes_its_formatters_and_lexers_by_their_module_names():
    # frostpage.highlighting.use_quick_pygments replaces them with faster subclasses.
    source = inspect.getsource(pymdownx.highlight.Highlight.highlight)
    assert "InlineHtmlFormatter if inline else BlockHtmlFormatter" in source
    # … and its lexers by the name its module imported, with lexer_by_name in its place.
    assert "get_lexer_by_name(language, **lexer_options)" in inspect.getsource(
        pymdownx.highlight.Highlight.get_lexer
    )
    use_quick_pygments()
    html = markdown.markdown("```python\nx = 1\n```", extensions=["pymdownx.superfences"])
    assert '<span class="n">x</span>' in html
    assert issubclass(pymdownx.highlight.BlockHtmlFormatter, TokenTables)
    assert pymdownx.highlight.get_lexer_by_name is lexer_by_name


def test_python_markdown_s_inline_loop_is_handle_inline_over_apply_pattern():
    # frostpage.inline overrides the private loop over the patterns and calls the private
    # method that applies one, as the loop does.
    from markdown.treeprocessors import InlineProcessor

    handle = InlineProcessor._InlineProcessor__handleInline
    assert list(inspect.signature(handle).parameters) == ["self", "data", "patternIndex"]
    apply = InlineProcessor._InlineProcessor__applyPattern
    assert list(inspect.signature(apply).parameters) == [
        "self",
        "pattern",
        "data",
        "patternIndex",
        "startIndex",
    ]
    md = markdown.Markdown(extensions=[QuickInline()])
    loop = md.treeprocessors["inline"]
    seen = []

    def recording(data, patternIndex=0):
        seen.append((data, patternIndex))
        return handle(loop, data, patternIndex)

    loop._InlineProcessor__handleInline = recording
    assert md.convert("An *em* and `code`.") == "<p>An <em>em</em> and <code>code</code>.</p>"
    assert ("An *em* and `code`.", 0) in seen
    assert any(index > 0 for _, index in seen)  # the text inside <em>, from the next pattern


def test_arithmatex_takes_frostpage_pattern_and_marks_math_for_it():
    # frostpage.mathml registers InlineArithmatexPattern with its own pattern (the groups
    # of arithmatex's: escapes, then $…$, then \(…\)) and reads the generic output.
    assert list(inspect.signature(InlineArithmatexPattern.__init__).parameters) == [
        "self",
        "pattern",
        "config",
    ]
    md = markdown.Markdown(extensions=[MathExtension()])
    assert md.inlinePatterns["arithmatex-inline"].compiled_re.pattern == INLINE
    html = md.convert("$x$ and $5 and $10 and \\(y\\)\n\n$$\nz\n$$")
    assert html.count("<math") == 3
    assert "$5 and $10" in html


@pytest.mark.parametrize("prefix_default", [False, True])
def test_the_model_s_urls_are_what_frozen_flask_and_url_for_would_make(
    write_site, tmp_path, prefix_default
):
    """The freezer (model_paths) and the sitemap (url_builder) skip url_for for pages,
    files and aliases, and the freezer builds the other URLs without it: each URL must be
    what Frozen-Flask's own loop, or url_for, makes of the same values, under a base URL
    with a path, in every language (the default one under its prefix too), for tags and
    terms whose names are not ASCII."""
    from frostpage.app import create_app
    from frostpage.freezer import SiteFreezer
    from frostpage.state import site_state
    from frostpage.urls import PATH_RULES, site_urls, url_builder

    odd = "/a b/é!$&'()*+,;=@:x~/"
    root = write_site(
        {
            "content/odd.md": f'---\nurl: "{odd}"\naliases: ["/old b/ü&x.html"]\n---\nOdd.\n',
            "content/files/a b&c é+.txt": "text\n",
            "content/posts/p.fr.md": "---\ntitle: P\ndate: 2025-01-02\ntags: [Été]\n"
            "categories: [Ça + là]\n---\nFr.\n",
            "content/posts/p.md": "---\ntitle: P\ndate: 2025-01-02\ntags: [C++]\n---\nEn.\n",
        },
        config=f"prefix_default_language = {str(prefix_default).lower()}\n{BASE_CONFIG}"
        '\n[languages.fr]\ntitle = "Site"\n',
    )
    app = create_app(root, dev=False)
    app.config.update(
        FREEZER_DESTINATION=str(tmp_path / "out"),
        FREEZER_BASE_URL="https://example.org/base path/",
    )
    with app.app_context():
        site = site_state(app).site
        freezer = SiteFreezer(app, site, {}, tmp_path / "previous", {}, True)
        fast = list(freezer.model_paths())
        values = [(e, v) for e, v, _, _ in site_urls(site)]
        freezer.url_generators = [lambda: values]
        slow = [(url, endpoint, None) for url, endpoint, _ in Freezer._generate_all_urls(freezer)]
    assert fast == slow
    assert {"page", "file", "alias", "tag", "term", "posts"} <= {e for _, e, _ in fast}
    home = "/en" if prefix_default else ""
    assert (home + odd, "page", None) in fast and ("/old b/ü&x.html", "alias", None) in fast
    assert ("/fr/tags/été/", "tag", None) in fast and ("/", "home", None) in fast
    values = [(e, v) for e, v in values if e in PATH_RULES]
    # The sitemap's URLs: quoted as url_for quotes them, after the same script root.
    with app.test_request_context(base_url="https://example.org/base path/"):
        build_url = url_builder()
        assert [build_url(e, v) for e, v in values] == [url_for(e, **v) for e, v in values]
        assert build_url("page", {"path": "a b"}).endswith("/a%20b/")
