"""Sites written for other generators build as they are, with the output each documents.

tests/fixtures/ holds a small site per tool, written for these tests from each tool's own
documentation: a Jekyll blog, a Hugo blog, a Zola blog, a Pelican blog, an MkDocs docs
folder and a folder of GitHub-style notes. Each is dropped into a site with frostpage's
default theme, built, and its output checked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import BASE_CONFIG, copy_theme
from selectolax.lexbor import LexborHTMLParser

from frostpage import SiteErrors, build

FIXTURES = Path(__file__).parent / "fixtures"


def built(name: str, tmp_path: Path) -> tuple[Path, list[str]]:
    """Build the fixture ``name`` with the default theme; its build folder and warnings."""
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    copy_theme(root)
    config = root / "site" / "config.toml"
    if not config.exists():
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(BASE_CONFIG, "utf-8")
    else:  # pages as the templates write them, to read their markup
        config.write_text("minify = false\n" + config.read_text("utf-8"), "utf-8")
    result = build(root, root / "build")
    return root / "build", result.warnings


def page(output: Path, url: str) -> str:
    return (output / url.strip("/") / "index.html").read_text("utf-8")


def feed_items(output: Path) -> dict[str, dict]:
    feed = json.loads((output / "feed.json").read_text("utf-8"))
    return {item["title"]: item for item in feed["items"]}


def test_a_jekyll_blog(tmp_path):
    output, warnings = built("jekyll", tmp_path)
    # Date and slug from the file name, a .markdown file read as Markdown.
    welcome = page(output, "/posts/welcome-to-jekyll/")
    assert '<time datetime="2016-03-10' in welcome
    # tags: intro setup (a string of words), categories: jekyll update.
    assert 'href="/tags/intro/"' in welcome and 'href="/tags/setup/"' in welcome
    assert 'href="/categories/jekyll/"' in welcome and 'href="/categories/update/"' in welcome
    assert (output / "categories/update/index.html").is_file()
    # excerpt is the summary; redirect_from are old URLs sent to the new one.
    items = feed_items(output)
    assert items["Welcome to Jekyll!"]["summary"].startswith("A first post")
    redirects = (output / "_redirects").read_text("utf-8")
    assert "/2016/03/10/welcome.html /posts/welcome-to-jekyll/ 301!" in redirects
    # permalink with placeholders; the .html URL it names is kept as an alias.
    assert "Permalinks with placeholders" in page(output, "/news/2016/04/01/permalinks/")
    assert "/news/2016/04/01/permalinks.html /news/2016/04/01/permalinks/ 301!" in redirects
    # The link between posts, by file name, post_url or link, leads to the post's URL.
    for text in ("other post", "with post_url", "with link"):
        assert f'<a href="/news/2016/04/01/permalinks/">{text}</a>' in welcome
    # Liquid's highlight and raw tags.
    assert '<div class="language-ruby highlight">' in welcome and 'data-linenos="3 "' in welcome
    assert "Liquid such as {{ page.title }} is shown as it is." in welcome
    assert "About" in page(output, "/about-us/")
    assert "Not yet" not in json.dumps(items)  # published: false is a draft
    # 'layout' means nothing here: one warning, naming what to write instead.
    [layout] = [warning for warning in warnings if "'layout'" in warning]
    assert "write 'template: page.html'" in layout and "(and 3 more files)" in layout


def test_a_hugo_blog(tmp_path):
    output, warnings = built("hugo", tmp_path)
    first = page(output, "/posts/my-first-post/")
    assert '<time datetime="2024-01-14T07:07:07+01:00"' in first
    assert 'datetime="2024-02-01' in first  # lastmod is the update date
    assert '<meta name="description" content="What Hugo&#39;s quick start writes first.">' in first
    assert 'href="/categories/tutorials/"' in first
    assert '<a href="/posts/in-json/">the JSON post</a>' in first  # by its file, at its slug
    assert '<a href="/posts/in-json/">with ref</a>' in first
    assert '<a href="/custom/path/">with relref</a>' in first
    assert '<div class="language-python highlight">' in first and 'data-linenos="11 "' in first
    assert "<figcaption>Made by <em>Hugo’s</em> figure shortcode</figcaption>" in first
    assert 'data-linenos="1 "' in first and '<span class="hll">' in first
    assert "Front matter in JSON" in page(output, "/posts/in-json/")
    assert "Hugo’s <code>url</code> sets the whole path" in page(output, "/custom/path/")
    redirects = (output / "_redirects").read_text("utf-8")
    assert "/old/first-post/ /posts/my-first-post/ 301!" in redirects
    assert "/2024/first.html /posts/my-first-post/ 301!" in redirects
    # The summary ends at <!--more-->; _index.md introduces the list of posts.
    assert feed_items(output)["My First Post"]["summary"].startswith("Introduction")
    assert "whose section page is" in page(output, "/posts/")
    assert any("'type' is Hugo's content type" in warning for warning in warnings)


def test_a_zola_blog(tmp_path):
    output, warnings = built("zola", tmp_path)
    post = page(output, "/posts/some-post/")  # date and slug from 2016-08-10_some-post.md
    assert '<time datetime="2016-08-10' in post and 'datetime="2016-09-01' in post
    assert 'href="/tags/rust/"' in post and 'href="/categories/programming/"' in post
    assert 'href="/elsewhere/other/#details"' in post  # @/posts/other.md#details
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in post
    assert 'href="/posts/some-post/"' in page(output, "/elsewhere/other/")
    # An alias without a leading slash is from the site's root.
    redirects = (output / "_redirects").read_text("utf-8")
    assert "/2016/08/10/some-post.html /posts/some-post/ 301!" in redirects
    assert feed_items(output)["Some post"]["summary"].startswith("The date and the slug")
    assert any("'paginate_by' is Zola's" in warning for warning in warnings)
    assert any("'sort_by' is Zola's" in warning for warning in warnings)


def test_a_pelican_blog(tmp_path):
    output, _ = built("pelican", tmp_path)
    post = page(output, "/posts/my-super-post/")
    assert '<time datetime="2010-12-03T10:20:00' in post and 'datetime="2010-12-05' in post
    assert 'href="/tags/pelican/"' in post and 'href="/tags/publishing/"' in post
    assert 'href="/categories/python/"' in post
    assert 'href="/posts/second/"' in post and 'href="/pages/about/"' in post
    assert 'href="/posts/my-super-post/"' in page(output, "/posts/second/")
    assert feed_items(output)["My super title"]["summary"] == "Short version for index and feeds"
    assert not (output / "posts/hidden").exists()  # Status: draft
    # A first line that names no Pelican key stays in the text.
    about = page(output, "/pages/about/")
    assert "Warning: this line is not Pelican metadata" in about


def test_an_mkdocs_docs_folder(tmp_path):
    output, _ = built("mkdocs", tmp_path)
    home = page(output, "/docs/")
    assert '<h1 id="welcome-to-mkdocs">Welcome to MkDocs</h1>' in home
    assert 'href="/docs/user-guide/"' in home  # README.md is its folder's page
    assert 'class="admonition note"' in home
    guide = page(output, "/docs/user-guide/writing-your-docs/")
    assert 'class="tabbed-set tabbed-alternate"' in guide and "<details" in guide
    assert 'href="/docs/user-guide/#user-guide"' in guide
    assert "<em>Included from a snippet file.</em>" in guide


def test_a_folder_of_github_notes_builds_with_its_broken_links_listed(tmp_path):
    output, warnings = built("notes", tmp_path)
    heading = LexborHTMLParser(page(output, "/notes/")).css_first("h1")
    assert (heading.attributes["id"], heading.text()) == ("my-notes", "My notes")
    ideas = page(output, "/notes/ideas/")
    assert 'aria-label="Done"' in ideas and 'href="https://example.org/"' in ideas
    assert '<div class="admonition tip">' in ideas  # GitHub's alert
    broken = [warning for warning in warnings if "broken link" in warning]
    assert len(broken) == 2, broken  # each listed once, though two checks find it
    assert broken[0].startswith(
        "content/notes/ideas.md:8: broken link 'gone.md': there is no page content/notes/gone.md"
    )
    assert broken[1].startswith(
        "content/notes/python/basics.md:7: broken link 'basic.md': there is no page"
    )
    assert "did you mean basics.md" not in broken[1]  # never the note the link is on


def test_with_broken_links_as_errors_the_notes_do_not_build(tmp_path):
    root = tmp_path / "notes"
    shutil.copytree(FIXTURES / "notes", root)
    copy_theme(root)
    (root / "site/config.toml").write_text(BASE_CONFIG, "utf-8")
    with pytest.raises(SiteErrors) as failure:
        build(root, root / "build")
    assert "content/notes/ideas.md:8: broken link 'gone.md'" in str(failure.value)
    assert not (root / "build").exists()


def test_two_files_of_one_page_are_an_error(write_site):
    root = write_site({"content/about.markdown": "# Also about\n"})
    with pytest.raises(SiteErrors) as failure:
        build(root, root / "build")
    [error] = failure.value.errors
    assert "is the same page" in str(error)
    assert {error.path, str(error).split(": ")[1].split(" ")[0]} == {
        "content/about.md",
        "content/about.markdown",
    }


def test_jekylls_posts_folder_dropped_in_as_it_is_keeps_jekylls_urls(write_site):
    post = "---\nlayout: post\ntitle: Welcome\ncategories: jekyll update\n---\nHello.\n"
    root = write_site({"content/_posts/2016-03-10-welcome-to-jekyll.markdown": post})
    build(root, root / "build")
    url = "/jekyll/update/2016/03/10/welcome-to-jekyll/"
    assert "Hello." in page(root / "build", url)
    redirects = (root / "build/_redirects").read_text("utf-8")
    assert f"/jekyll/update/2016/03/10/welcome-to-jekyll.html {url} 301!" in redirects
    assert "Welcome" in feed_items(root / "build")  # a post: in the feeds and lists
