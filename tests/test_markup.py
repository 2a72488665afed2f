import pytest
from pygments.styles import get_style_by_name
from pygments.token import Error, Whitespace

from frostpage.config import MarkdownSettings
from frostpage.highlighting import highlight_css
from frostpage.markup import Renderer, plain_text

PAGES = {
    "docs/intro.md": "/docs/intro/",
    "index.md": "/",
    "posts/café.md": "/posts/café/",
    "docs/img/shot.png": "/docs/img/shot.png",
}


def render(body, source="about.md", base_path="", settings=None):
    renderer = Renderer(settings or MarkdownSettings(), base_path)
    return renderer.render(body, source, 5, PAGES.get)


def test_code_is_highlighted_with_pygments_classes():
    html = render("```python\ndef f():\n    return 1\n```\n").html
    assert '<div class="language-python highlight">' in html
    assert '<span class="k">def</span>' in html


def test_md_links_become_page_urls_with_fragment():
    html = render("See [setup](docs/intro.md#setup) and [home](index.md).").html
    assert '<a href="/docs/intro/#setup">setup</a>' in html
    assert '<a href="/">home</a>' in html


def test_links_to_other_content_files_become_their_urls():
    html = render("![A shot](img/shot.png) [up](../about/) [gone](img/gone.png)", "docs/x.md").html
    assert 'src="/docs/img/shot.png"' in html
    assert 'href="../about/"' in html  # not a content file: the author's link, untouched
    assert 'src="img/gone.png"' not in html and 'href="img/gone.png"' in html
    assert "broken-link" not in html  # the build's link check reports missing files


def test_code_blocks_and_tables_can_be_scrolled_from_the_keyboard():
    html = render("```python\nx = 1\n```\n\n    plain\n\n| a |\n|---|\n| 1 |\n").html
    assert html.count('<pre tabindex="0">') == 2
    assert '<div class="table-scroll" tabindex="0"><table>' in html
    assert html.count("</table></div>") == 1


def test_relative_md_links_resolve_from_the_page_folder():
    html = render("[intro](../docs/intro.md)", source="posts/hello.md").html
    assert 'href="/docs/intro/"' in html


def test_non_ascii_targets_are_percent_encoded():
    assert 'href="/posts/caf%C3%A9/"' in render("[c](posts/café.md)").html


def test_base_path_prefixes_site_links_but_not_external_or_fragments():
    html = render(
        "[a](docs/intro.md) [b](/tags/) [c](https://example.com/x) [d](#top)", base_path="/blog"
    ).html
    assert 'href="/blog/docs/intro/"' in html
    assert 'href="/blog/tags/"' in html
    assert 'href="https://example.com/x"' in html
    assert 'href="#top"' in html


def test_link_to_a_missing_page_is_an_error_with_line_and_is_marked():
    rendered = render("Intro.\n\nA [bad link](nope.md) here.\n")
    assert [str(error) for error in rendered.broken_links] == [
        "content/about.md:7: broken link 'nope.md': there is no page content/nope.md"
    ]
    assert 'class="broken-link"' in rendered.html


def test_headings_get_anchors_and_a_visible_permalink_and_toc():
    rendered = render("## Getting started\n\n### Café au lait\n")
    assert '<h2 id="getting-started">' in rendered.html
    assert 'class="headerlink" href="#getting-started"' in rendered.html
    assert 'id="café-au-lait"' in rendered.html
    assert rendered.toc[0]["id"] == "getting-started"
    assert rendered.toc_html.startswith("<ul>")


def test_extensions_tables_footnotes_admonitions_definitions_attributes():
    html = render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: A note.\n\n"
        '!!! note "Heads up"\n    Careful.\n\nTerm\n:   Definition\n\n'
        "Para\n{: .lead }\n"
    ).html
    assert "<table>" in html
    assert 'class="footnote"' in html
    assert '<div class="admonition note">' in html
    assert "<dl>" in html
    assert '<p class="lead">Para</p>' in html


def test_smart_quotes_follow_the_setting():
    assert "“quoted”" in render('"quoted"').html
    plain = render('"quoted"', settings=MarkdownSettings(smart_quotes=False)).html
    assert "&quot;quoted&quot;" in plain or '"quoted"' in plain


@pytest.mark.parametrize(
    ("markdown_text", "html"),
    [
        ("He said \"hi\" -- and 'bye'...", "<p>He said “hi” – and ‘bye’…</p>"),
        ("don't stop; the '90s were 'great'", "<p>don’t stop; the ’90s were ‘great’</p>"),
        ("\"'Nested' quotes\" a---b", "<p>“‘Nested’ quotes” a—b</p>"),
        ('"*yes*", she said.', "<p>“<em>yes</em>”, she said.</p>"),
        (
            '`"code" -- as is` and "[a link](x)"',
            '<p><code>"code" -- as is</code> and “<a href="x">a link</a>”</p>',
        ),
        ('x\n\n"new paragraph"', "<p>x</p>\n<p>“new paragraph”</p>"),
        ("* 'item'", "<ul>\n<li>‘item’</li>\n</ul>"),
    ],
)
def test_smart_punctuation_as_smartypants_writes_it(markdown_text: str, html: str) -> None:
    assert render(markdown_text).html == html


def test_smart_punctuation_leaves_code_blocks_and_heading_ids_plain():
    html = render('# Don\'t "panic"\n\n```\n"raw" -- code\n```\n').html
    assert '<h1 id="dont-panic">Don’t “panic”' in html
    code = html.split("<code>", 1)[1]
    assert "raw" in code and "-- code" in code and "“" not in code  # as written


def test_a_huge_page_gets_smart_punctuation_too():
    body = ("A \"quoted\" word -- and 'more' text... " * 30 + "\n\n") * 2000  # 2.6 MB
    html = render(body).html
    assert html.count("“quoted”") == 60_000


def test_summary_is_text_before_more_else_first_paragraph():
    assert (
        render("One.\n\nTwo.\n\n<!-- more -->\n\nThree.").summary_html == "<p>One.</p>\n<p>Two.</p>"
    )
    assert render("First para.\n\nSecond.").summary_html == "<p>First para.</p>"
    assert plain_text("<p>A <em>b</em> &amp; c.</p>") == "A b & c."


def test_plain_summary_leaves_out_footnote_markers():
    rendered = render("Built in[^1].\n\n[^1]: A note.\n")
    assert plain_text(rendered.summary_html) == "Built in."


def test_renderer_is_reused_without_leaking_state_between_pages():
    renderer = Renderer(MarkdownSettings())
    first = renderer.render("Text[^1].\n\n[^1]: Note one.\n\n## Alpha\n", "a.md", 1, PAGES.get)
    second = renderer.render("## Beta\n", "b.md", 1, PAGES.get)
    assert "Note one" not in second.html
    assert [entry["id"] for entry in second.toc] == ["beta"]
    assert first.toc[0]["id"] == "alpha"


def _luminance(color: str) -> float:
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    "style_name", [MarkdownSettings().highlight_style, MarkdownSettings().highlight_style_dark]
)
def test_default_code_colours_are_readable(style_name: str) -> None:
    """Every token colour of the default styles meets WCAG AA (4.5:1) on its background."""
    style = get_style_by_name(style_name)
    for token, attributes in style:
        if token in Whitespace or token in Error or not attributes["color"]:
            continue
        background = (
            "#" + attributes["bgcolor"] if attributes["bgcolor"] else style.background_color
        )
        ratio = _contrast("#" + attributes["color"], background)
        assert ratio >= 4.5, f"{style_name}: {token} has contrast {ratio:.2f}"


def test_highlight_css_is_compact_and_the_dark_style_resets_what_the_light_one_sets():
    light = highlight_css("friendly")
    assert ".highlight .k{color:#007020;font-weight:bold}" in light
    assert "/* Keyword */" not in light
    dark = highlight_css("monokai", over="friendly")
    # monokai's keywords are not bold: laid over friendly's, it must say so.
    assert ".highlight .k{color:#66D9EF;font-weight:normal}" in dark
    assert ".highlight{background:#272822;color:#F8F8F2}" in dark


def test_smart_punctuation_leaves_attribute_lists_alone():
    html = render('![Shot](a.png){: width="300" title="A \'shot\'" }\n').html
    # Alone in its paragraph, the image's title is its caption.
    assert '<img alt="Shot" src="a.png" width="300"><figcaption>A \'shot\'</figcaption>' in html
