"""Markdown as GitHub, MkDocs-Material, Hugo and Zola authors write it: one sample per
feature (written from each tool's documentation), asserted on the HTML frostpage makes,
and the errors, with their file and line, for what it cannot read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from frostpage import SiteErrors, build
from frostpage.config import MarkdownSettings
from frostpage.markup import Renderer


def render(body: str, root: Path, settings: MarkdownSettings | None = None):
    renderer = Renderer(settings or MarkdownSettings(), "", root)
    return renderer.render(body, "docs/page.md", 5, lambda source: None)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    return tmp_path


def messages(rendered) -> list[str]:
    return [str(error) for error in rendered.errors]


# GitHub and pymdown-extensions' inline syntax.


def test_task_lists_have_named_checkboxes(root):
    html = render("- [x] written\n- [ ] reviewed\n", root).html
    assert '<input type="checkbox" disabled checked aria-label="Done"> written' in html
    assert '<input type="checkbox" disabled aria-label="To do"> reviewed' in html


def test_strikethrough_mark_insert_sub_and_superscript(root):
    html = render("~~old~~ ==key== ^^new^^ H~2~O E=mc^2^", root).html
    assert "<del>old</del> <mark>key</mark> <ins>new</ins> H<sub>2</sub>O E=mc<sup>2</sup>" in html


def test_bare_urls_become_links_as_on_github(root):
    html = render("See https://example.com/a?b=1 and www.python.org.", root).html
    assert '<a href="https://example.com/a?b=1">https://example.com/a?b=1</a>' in html
    assert 'href="http://www.python.org"' in html


def test_emoji_are_characters_not_images_from_elsewhere(root):
    html = render("Ship it :tada: :smile:", root).html
    assert "\U0001f389" in html and "\U0001f604" in html
    assert "<img" not in html and "cdn" not in html


def test_summary_ends_at_more_in_every_spelling(root):
    for marker in ("<!-- more -->", "<!--more-->", "<!--  more  -->"):
        rendered = render(f"First.\n\nSecond.\n\n{marker}\n\nThird.\n", root)
        assert "Second" in rendered.summary_html and "Third" not in rendered.summary_html


# Admonitions, collapsible blocks and tabs (MkDocs-Material), GitHub's alerts.


def test_githubs_alerts_are_admonitions(root):
    html = render("> [!WARNING]\n> Careful **now**.\n\nText.\n\n> A quote.\n", root).html
    assert html.startswith(
        '<div class="admonition warning">\n<p class="admonition-title">Warning</p>'
    )
    assert "<p>Careful <strong>now</strong>.</p>" in html
    assert "<blockquote>\n<p>A quote.</p>" in html


def test_collapsible_admonitions_are_details(root):
    html = render('??? warning "Careful"\n    Hidden.\n\n???+ note\n    Open.\n', root).html
    assert '<details class="warning">\n<summary>Careful</summary>\n<p>Hidden.</p>' in html
    assert '<details class="note" open>' in html


def test_content_tabs_are_radio_buttons_with_labels(root):
    html = render('=== "One"\n    First.\n\n=== "Two"\n    Second.\n', root).html
    assert 'class="tabbed-set tabbed-alternate"' in html
    assert '<input checked id="__tabbed_1_1" name="__tabbed_1" type="radio">' in html
    assert '<label for="__tabbed_1_2">Two</label>' in html


# Code fences: MkDocs', Hugo's and Zola's options; the next heading always survives.

FENCES = {
    "mkdocs": '```python title="app.py" linenums="3" hl_lines="2"\na = 1\nb = 2\n```',
    "hugo": '```python {linenos=true, linenostart=3, hl_lines=[2], title="app.py"}\na = 1\nb = 2\n```',
    "zola": "```python,linenos,linenostart=3,hl_lines=2,name=app.py\na = 1\nb = 2\n```",
    "attributes": '```{.python title="app.py" linenums="3" hl_lines="2"}\na = 1\nb = 2\n```',
}


@pytest.mark.parametrize("spelling", FENCES)
def test_fence_options_in_each_tools_spelling(root, spelling):
    rendered = render(FENCES[spelling] + "\n\n## Next\n\nText.\n", root)
    assert rendered.errors == []
    html = rendered.html
    assert html.startswith('<div class="language-python highlight"><span class="filename">app.py')
    assert '<span class="linenos" data-linenos="3 "></span>' in html
    assert '<span class="hll"><span class="linenos" data-linenos="4 ">' in html
    assert '<h2 id="next">Next' in html and "<p>Text.</p>" in html


def test_every_code_block_has_a_language_class(root):
    html = render("```\nplain\n```\n\n```js\nlet a;\n```\n\n    indented\n", root).html
    assert html.count('class="language-') == 3


def test_inline_code_can_be_highlighted(root):
    html = render('Call `#!python print("hi")` now.', root).html
    assert '<code class="language-python highlight"><span class="nb">print</span>' in html


def test_an_unknown_fence_option_is_an_error_and_the_fence_stays_a_fence(root):
    rendered = render('Text.\n\n```python colour="red"\nx = 1\n```\n\n## Next\n', root)
    assert messages(rendered)[0].startswith(
        "content/docs/page.md:7: unknown code fence option 'colour'"
    )
    assert '<div class="language-python highlight">' in rendered.html
    assert '<h2 id="next">' in rendered.html


def test_fence_classes_and_ids_are_kept(root):
    html = render('```{.python .annotate #example linenums="2"}\nx = 1\n```\n', root).html
    assert html.startswith('<div id="example" class="language-python annotate highlight">')
    assert 'data-linenos="2 "' in html


def test_a_hugo_option_frostpage_does_not_have_says_what_to_do(root):
    rendered = render("```go {style=monokai, linenos=table}\nx\n```\n", root)
    assert messages(rendered) == [
        "content/docs/page.md:5: the code fence option 'style' is not per block here: the "
        "site's highlight_style colours all code\n  hint: the fence is kept, without the option"
    ]
    assert 'data-linenos="1 "' in rendered.html


def test_an_unclosed_fence_is_an_error_naming_its_line(root):
    rendered = render("Intro.\n\n````python\nx = 1\n```\n\n## Lost\n", root)
    assert messages(rendered)[0].startswith(
        "content/docs/page.md:7: this code fence is never closed"
    )


def test_bad_highlighted_lines_are_an_error(root):
    rendered = render("```go {hl_lines=[two]}\nx\n```\n", root)
    assert "hl_lines must be line numbers" in messages(rendered)[0]


# Math.


def test_math_becomes_mathml_in_every_delimiter(root):
    body = "Inline $a^2$ and \\(b_1\\).\n\n$$\n\\frac{1}{2}\n$$\n\n\\[\nx\n\\]\n"
    html = render(body, root).html
    assert html.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') == 4
    assert html.count('display="block"') == 2
    assert "<msup><mi>a</mi><mn>2</mn></msup>" in html and "<mfrac>" in html


def test_double_dollars_inside_a_line_are_a_displayed_formula(root):
    html = render("The sum $$\\sum_i i$$ and $x$.", root).html
    assert html.count('display="block"') == 1 and html.count('display="inline"') == 1
    assert "$" not in html


@pytest.mark.parametrize(
    "prose",
    [
        "It costs $5 and $10.",
        "From $5 to $10 a month",
        "Pay $20, not $30!",
        r"A \$ sign $x",
        "$5/$10",
        "Costs $$5 and $$10",
    ],
)
def test_dollars_in_prose_stay_money(root, prose):
    assert "<math" not in render(prose, root).html


def test_math_latex_cannot_read_is_an_error_with_its_line(root):
    rendered = render("Fine.\n\nBad $\\nosuch{x}$ here.\n", root)
    assert messages(rendered) == [
        "content/docs/page.md:7: unknown LaTeX command \\nosuch in '\\\\nosuch{x}'"
    ]


# Mermaid.


def test_mermaid_fences_become_diagram_sources(root):
    html = render("```mermaid\ngraph TD; A-->B;\n```\n", root).html
    assert html == '<pre tabindex="0" class="mermaid"><code>graph TD; A--&gt;B;</code></pre>'


# Shortcodes, in Hugo's and Zola's spellings.


def shortcode_site(root: Path) -> Path:
    folder = root / "templates" / "shortcodes"
    folder.mkdir(parents=True)
    (folder / "note.html").write_text(
        '<aside class="note {{ kind | default("info") }}">{{ body | markdown }}</aside>', "utf-8"
    )
    (folder / "greet.html").write_text("<b>Hello {{ name }}</b>", "utf-8")
    (folder / "stars.md").write_text("{{ '★' * (count | int) }} **bold**", "utf-8")
    (folder / "first.html").write_text("<i>{{ args[0] }}</i>", "utf-8")
    return root


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('{{< greet name="Ada" >}}', "<b>Hello Ada</b>"),
        ('{{< greet name="Ada" />}}', "<b>Hello Ada</b>"),
        ("{{< first Ada >}}", "<i>Ada</i>"),
        ('{{ greet(name="Ada") }}', "<b>Hello Ada</b>"),
        ("{{< note >}}*Body*{{< /note >}}", '<aside class="note info"><p><em>Body</em></p>'),
        ('{% note(kind="tip") %}*Body*{% end %}', '<aside class="note tip"><p><em>Body</em></p>'),
        ("{{% greet name=`*Ada*` %}}", "<b>Hello <em>Ada</em></b>"),
        ("{{< stars count=2 >}}", "<p>★★ <strong>bold</strong></p>"),
    ],
)
def test_shortcodes_in_every_spelling(root, call, expected):
    rendered = render(f"Before.\n\n{call}\n\nAfter.\n", shortcode_site(root))
    assert rendered.errors == []
    assert expected in rendered.html
    assert rendered.html.endswith("<p>After.</p>")
    assert "templates/shortcodes/" in next(iter(rendered.reads))


def test_shortcodes_inside_a_shortcodes_markdown_body_are_called(root):
    folder = root / "templates" / "shortcodes"
    folder.mkdir(parents=True)
    (folder / "tabs.html").write_text('<div class="tabs">{{ body | markdown }}</div>', "utf-8")
    (folder / "tab.html").write_text(
        '<section title="{{ args[0] }}">{{ body | markdown }}</section>', "utf-8"
    )
    body = '{{< tabs >}}\n{{< tab "One" >}}\n**First**\n{{< /tab >}}\n{{< tab "Two" >}}\nSecond\n{{< /tab >}}\n{{< /tabs >}}\n'
    rendered = render(body, root)
    assert rendered.errors == []
    assert (
        '<div class="tabs"><section title="One"><p><strong>First</strong></p></section>'
        in rendered.html
    )
    assert '<section title="Two"><p>Second</p></section>' in rendered.html
    assert set(rendered.reads) == {
        "templates/shortcodes/tabs.html",
        "templates/shortcodes/tab.html",
    }


def test_a_shortcode_that_calls_itself_is_an_error(root):
    folder = root / "templates" / "shortcodes"
    folder.mkdir(parents=True)
    (folder / "again.html").write_text("{{ '{{< again >}}' | markdown }}", "utf-8")
    rendered = render("Intro.\n\n{{< again >}}\n", root)
    assert messages(rendered)[0].startswith("content/docs/page.md:7: shortcode 'again'")
    assert "nest too deep" in messages(rendered)[0]


def test_shortcodes_in_code_stay_as_written_and_hugo_escapes_show_the_tag(root):
    body = '`{{< greet name="x" >}}`\n\n```\n{{< greet >}}\n{{</* greet */>}}\n```\n\n{{</* greet */>}}'
    rendered = render(body, shortcode_site(root))
    assert rendered.errors == []
    assert '<code>{{&lt; greet name="x" &gt;}}</code>' in rendered.html
    assert rendered.html.count("{{&lt; greet &gt;}}") == 3


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        ("{{< nosuch >}}", "unknown shortcode 'nosuch'"),
        ('{{< greet nme="Ada" >}}', "shortcode 'greet' takes no argument nme"),
        ("{{< greet >}}", "shortcode 'greet' needs the argument 'name'"),
        ("{% note() %}never closed", "shortcode 'note' is never closed"),
        ("{% end %}", "'{% end %}' closes no shortcode"),
        (
            '{{< youtube id="<script>" >}}',
            "shortcode 'youtube': youtube: <script> is not a video id",
        ),
    ],
)
def test_a_bad_shortcode_call_is_an_error_with_its_line(root, call, problem):
    rendered = render(f"Intro.\n\n{call}\n", shortcode_site(root))
    assert messages(rendered)[0].startswith(f"content/docs/page.md:7: {problem}")


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        ('{{< ref "nope.md" >}}', "shortcode 'ref': there is no page content/nope.md"),
        ("{% post_url 2020-01-01-gone %}", "shortcode 'post_url': there is no page content/posts"),
        ("{% highlight ruby %}\nx = 1\n", "shortcode 'highlight' is never closed"),
        (
            '{{< highlight go "colour=red" >}}x{{< /highlight >}}',
            "shortcode 'highlight': unknown code fence option",
        ),
    ],
)
def test_hugo_and_jekyll_tags_that_cannot_be_made_are_errors(root, call, problem):
    rendered = render(f"Intro.\n\n{call}\n", root)
    assert messages(rendered)[0].startswith(f"content/docs/page.md:7: {problem}")


def test_hugos_details_shortcode(root):
    call = '{{< details summary="*More*" open=true >}}Hidden **text**{{< /details >}}'
    html = render(call, root).html
    assert (
        "<details open>\n<summary><em>More</em></summary>\n<p>Hidden <strong>text</strong></p>"
        in html
    )


def test_built_in_figure_youtube_and_code(root):
    (root / "app.py").write_text("import os\n\n\ndef main():\n    print(os.name)\n", "utf-8")
    body = (
        '{{< figure src="https://example.org/a.png" alt="A cat" caption="A *cat*" >}}\n\n'
        '{{< youtube w7Ft2ymGmfc >}}\n\n{{< code file="app.py" lines="4:5" >}}\n'
    )
    html = render(body, root).html
    assert '<figure><img src="https://example.org/a.png" alt="A cat" loading="lazy">' in html
    assert "<figcaption>A <em>cat</em></figcaption>" in html
    assert 'href="https://www.youtube.com/watch?v=w7Ft2ymGmfc"' in html
    assert 'data-embed="https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc?autoplay=1"' in html
    assert "<iframe" not in html  # nothing from YouTube until the reader plays
    assert '<div class="language-python highlight"><span class="filename">app.py</span>' in html
    assert "main" in html and "import" not in html


# Snippets (MkDocs' --8<--), confined to the project.


def test_snippets_include_files_lines_and_sections(root):
    (root / "docs").mkdir()
    (root / "docs" / "notice.md").write_text("**Note**: shared text.\n", "utf-8")
    (root / "example.py").write_text(
        "# --8<-- [start:setup]\nsetup = 1\n# --8<-- [end:setup]\nother = 2\n", "utf-8"
    )
    body = (
        '--8<-- "docs/notice.md"\n\n```python\n--8<-- "example.py:setup"\n```\n\n'
        '```python\n--8<-- "example.py:4:4"\n```\n\n;--8<-- "shown.md"\n'
    )
    rendered = render(body, root)
    assert rendered.errors == []
    assert "<p><strong>Note</strong>: shared text.</p>" in rendered.html
    assert "setup" in rendered.html and "[start:setup]" not in rendered.html
    assert '<span class="n">other</span>' in rendered.html
    assert "8&lt;" in rendered.html and "shown.md" in rendered.html  # the line, not the file
    assert set(rendered.reads) == {"docs/notice.md", "example.py"}


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("../outside.md", "is outside the project"),
        ("link-out.md", "is outside the project"),
        (".env", "is a hidden file or the build's output"),
        ("build/index.html", "is a hidden file or the build's output"),
        ("missing.md", "not found"),
        ("content", "is not a file"),
        ("notes.md:9:12", "has no lines 9:12"),
    ],
)
def test_snippets_refuse_what_is_not_the_projects_own_text(root, path, problem):
    (root.parent / "outside.md").write_text("SECRET outside\n", "utf-8")
    os.symlink(root.parent / "outside.md", root / "link-out.md")
    (root / ".env").write_text("SECRET=1\n", "utf-8")
    (root / "build").mkdir()
    (root / "build" / "index.html").write_text("SECRET build\n", "utf-8")
    (root / "notes.md").write_text("one line\n", "utf-8")
    rendered = render(f'Intro.\n\n--8<-- "{path}"\n', root)
    assert problem in messages(rendered)[0]
    assert messages(rendered)[0].startswith("content/docs/page.md:7: snippet")
    assert "SECRET" not in rendered.html


def test_a_snippet_that_includes_itself_is_an_error(root):
    (root / "loop.md").write_text('Again:\n\n--8<-- "loop.md"\n', "utf-8")
    rendered = render('--8<-- "loop.md"\n', root)
    assert "loop.md:3: snippet loop.md includes itself" in messages(rendered)[0]


def test_errors_in_a_snippet_name_the_snippet_file_and_line(root):
    (root / "part.md").write_text('Fine.\n\n```python foo="1"\nx\n```\n', "utf-8")
    rendered = render('--8<-- "part.md"\n', root)
    assert messages(rendered)[0].startswith("part.md:3: unknown code fence option 'foo'")


# Settings.


def test_extension_settings_come_from_the_config(root):
    settings = MarkdownSettings(
        extension_configs={"pymdownx.tasklist": {"custom_checkbox": True}},
        extensions=["pymdownx.keys"],
    )
    html = render("- [x] done\n\n++ctrl+c++\n", root, settings).html
    assert '<label class="task-list-control">' in html
    assert '<kbd class="key-control">Ctrl</kbd>' in html


# A whole site: every feature built, and a snippet's edit seen by the next build.


def test_a_site_with_every_feature_builds_and_rebuilds_when_a_snippet_changes(write_site):
    root = write_site(
        {
            "content/docs/all.md": (
                "---\ntitle: All\n---\n- [x] task\n\n$x^2$\n\n```mermaid\ngraph TD; A-->B;\n```\n\n"
                '--8<-- "content/parts/shared.txt"\n\n{{< youtube w7Ft2ymGmfc >}}\n'
            ),
            "content/parts/shared.txt": "Shared version one.\n",
        }
    )
    output = root / "build"
    build(root, output)
    page = (output / "docs/all/index.html").read_text("utf-8")
    assert "Shared version one." in page and "<math" in page
    assert '<script type="module" src="/_diagrams/diagrams.js"></script>' in page
    assert (output / "_diagrams/mermaid/mermaid.esm.min.mjs").is_file()
    about = (output / "about/index.html").read_text("utf-8")
    assert "_diagrams" not in about  # only pages with a diagram load it
    (root / "content/parts/shared.txt").write_text("Shared version two.\n", "utf-8")
    build(root, output)
    assert "Shared version two." in (output / "docs/all/index.html").read_text("utf-8")


def test_a_site_without_diagrams_ships_no_mermaid(write_site):
    root = write_site()
    build(root, root / "build")
    assert not (root / "build/_diagrams").exists()


def test_a_bad_shortcode_fails_the_build_and_keeps_the_last_one(write_site):
    root = write_site()
    build(root, root / "build")
    (root / "content/about.md").write_text("# About\n\n{{< nosuch >}}\n", "utf-8")
    with pytest.raises(SiteErrors) as failure:
        build(root, root / "build")
    assert "content/about.md:3: unknown shortcode 'nosuch'" in str(failure.value)
    assert "We write" in (root / "build/about/index.html").read_text("utf-8")


def test_every_vendored_mermaid_module_it_imports_is_there():
    import re

    from frostpage import diagrams

    files = diagrams.files()
    version = (diagrams.MERMAID / "VERSION").read_text().strip()
    assert f'"{version}"' in (diagrams.MERMAID / "mermaid.esm.min.mjs").read_text("utf-8")
    for name, path in files.items():
        text = path.read_text("utf-8")
        for imported in re.findall(r"""(?:from|import)\s*\(?["'](\.{1,2}/[^"']+)["']""", text):
            target = os.path.normpath(os.path.join(os.path.dirname(name), imported))
            assert target in files, f"{name} imports {imported}, which is not vendored"


def test_the_preview_shows_a_snippet_or_shortcode_edit_at_once(write_site):
    from frostpage import create_app
    from frostpage.state import site_state

    root = write_site(
        {
            "content/docs/all.md": '# All\n\n--8<-- "content/parts/shared.txt"\n\n{{< hello >}}\n',
            "content/parts/shared.txt": "Shared version one.\n",
            "templates/shortcodes/hello.html": "<b>Hello one</b>",
        }
    )
    app = create_app(root, dev=True)
    client = app.test_client()
    text = client.get("/docs/all/").get_data(as_text=True)
    assert "Shared version one." in text and "Hello one" in text
    changed = [root / "content/parts/shared.txt", root / "templates/shortcodes/hello.html"]
    changed[0].write_text("Shared version two.\n", "utf-8")
    changed[1].write_text("<b>Hello two</b>", "utf-8")
    with app.app_context():
        site_state(app).refresh(changed)  # what the watcher does on a save
    text = client.get("/docs/all/").get_data(as_text=True)
    assert "Shared version two." in text and "Hello two" in text
