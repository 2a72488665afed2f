"""Python-Markdown's inline patterns, tried only where they could match (frostpage.inline):
the same HTML as Python-Markdown's own inline processor gives, on text made of what those
patterns need."""

from __future__ import annotations

import os

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import LINE_BREAK_RE

from frostpage.config import MarkdownSettings
from frostpage.inline import NEEDS, QuickInline, might_hold_any
from frostpage.markup import EXTENSION_CONFIGS, EXTENSIONS, Renderer
from frostpage.mathml import MathExtension

# What the patterns look for, and what stands beside it in real pages.
PIECES = [
    "`", "``", "\\", "\\\\", "$", "$$", "\\(", "\\)", "@", ".", "-", "_", "+", "://", "http",
    "https://", "ftp://", "www.", "WwW.", "w", "W", "a", "x", "1", " ", "  ", "\n", "\n\n", "*",
    "(", ")", "[", "]", "[^", "![", "mail", "example.org", "<", ">", "</", "<b>", "<!--", "-->",
    "~", "^", "=", ":", "smile", "!", "&", "#", ";", "amp", "\t",
]  # fmt: skip
text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def converter(quick: bool) -> tuple[markdown.Markdown, MathExtension]:
    extensions = [e for e in EXTENSIONS if quick or not isinstance(e, QuickInline)]
    math = MathExtension()
    md = markdown.Markdown(
        extensions=[*extensions, math], extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    return md, math


QUICK, PLAIN = converter(True), converter(False)


def convert(pair: tuple[markdown.Markdown, MathExtension], source: str) -> tuple[str, list]:
    md, math = pair
    math.converter.errors = []
    md.reset()
    return md.convert(source), [str(error) for error in math.converter.errors]


# INLINE_EXAMPLES=5000 make test tries harder.
@settings(max_examples=int(os.environ.get("INLINE_EXAMPLES", 400)), deadline=None, database=None)
@given(source=text)
def test_prechecked_patterns_give_what_python_markdown_gives(source):
    assert convert(QUICK, source) == convert(PLAIN, source)


def test_each_prechecked_pattern_still_matches_where_it_should():
    source = (
        "A `span` and \\\\`escaped`, $x^2$ and \\(y\\), $$z$$, "
        "ann@example.org, https://example.org/a, ftp://example.org and WWW.example.org."
    )
    html, errors = convert(QUICK, source)
    assert html == convert(PLAIN, source)[0]
    assert errors == []
    assert html.count("<code>") == 2
    assert html.count("<math") == 3
    assert html.count('<a href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;') == 1  # mailto:
    assert 'href="https://example.org/a"' in html
    assert 'href="ftp://example.org"' in html
    assert 'href="http://WWW.example.org"' in html


def test_every_pattern_still_matches_where_it_should():
    source = (
        "A\\*b\\*, *em*, __strong__, ~~struck~~, H~2~O, ^^ins^^, x^2^, ==marked==, "
        "&amp; &#35;, :smile:, <b>raw</b>, <https://example.org>, <ann@example.org>, "
        "[link](https://example.org), ![image](a.png), [ref][r] and [r], a note[^1], "
        "a break  \nthere.\n\n[r]: https://example.org/r\n[^1]: The note.\n"
    )
    html, _ = convert(QUICK, source)
    assert html == convert(PLAIN, source)[0]
    for made in ("A*b*", "<em>em</em>", "<strong>strong</strong>", "<del>struck</del>",
                 "H<sub>2</sub>O", "<ins>ins</ins>", "x<sup>2</sup>", "<mark>marked</mark>",
                 "&amp; &#35;", "\U0001f604", "<b>raw</b>", '<a href="https://example.org">',
                 '<img alt="image" src="a.png"', 'href="https://example.org/r"',
                 'class="footnote-ref"', "<br>"):  # fmt: skip
        assert made in html, made


def test_a_page_s_converter_knows_what_each_pattern_needs_and_tries_the_site_s_own():
    """Each pattern of NEEDS is one a page's converter has, and each of its patterns is in
    NEEDS (a library that changes one fails here), so a text holding none of what they need
    is passed over at once. A pattern of the site's own extensions, registered after
    frostpage's, is asked its own search, and then no text is passed over at once."""
    plain = Renderer(MarkdownSettings())
    plain.render("A `span`.", "a.md", 1, lambda source: None)
    inline = plain._markdown.treeprocessors["inline"]
    sources = {p.getCompiledRegExp().pattern for p in inline.inlinePatterns}
    assert sources == set(NEEDS)
    assert inline.might_hold_any is not None
    assert not inline.might_hold_any("Plain words, no more. Www, then w.w.w.")
    for held in ("a `b", "wWw.x", "a  \nb", "$x", "a[b", "a&b", "a:b", "a~b"):
        assert inline.might_hold_any(held), held

    renderer = Renderer(MarkdownSettings(extensions=["pymdownx.keys"]))
    rendered = renderer.render("Press ++ctrl+c++ at `x`.", "a.md", 1, lambda source: None)
    assert '<kbd class="key-control">Ctrl</kbd>' in rendered.html
    assert "<code>x</code>" in rendered.html
    inline = renderer._markdown.treeprocessors["inline"]
    assert "keys" in {type(p).__module__.rsplit(".", 1)[-1] for p in inline.inlinePatterns}
    assert inline.might_hold_any is None


def test_patterns_that_need_no_sign_still_make_a_test_of_a_text():
    """A converter whose patterns all need a word or spaces (or that has none): no sign
    to search for, and the others are still looked for."""
    line_break = might_hold_any((LINE_BREAK_RE,))
    assert line_break("a  \nb") and not line_break("a `b` [c] <d> \\e")
    assert not might_hold_any(())("a `b`")
