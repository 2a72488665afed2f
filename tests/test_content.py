import datetime as dt

import pytest

from frostpage.config import Settings
from frostpage.markup import Renderer
from frostpage.model import build_site
from frostpage.page import parse_page, slugify, url_for_source

SETTINGS = Settings()


@pytest.mark.parametrize(
    ("source", "url"),
    [
        ("index.md", "/"),
        ("about.md", "/about/"),
        ("about/team.md", "/about/team/"),
        ("docs/intro.md", "/docs/intro/"),
        ("docs/index.md", "/docs/"),
        ("posts/hello-world.md", "/posts/hello-world/"),
        ("My Notes/Café Crème.md", "/my-notes/café-crème/"),
        ("About.md", "/about/"),
    ],
)
def test_url_rules(source, url):
    assert url_for_source(source) == url


def test_slug_replaces_the_last_segment():
    assert url_for_source("docs/intro.md", "start-here") == "/docs/start-here/"


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Python", "python"), ("Web Dev", "web-dev"), ("C'est Ça!", "c-est-ça"), ("  x  ", "x")],
)
def test_slugify_is_stable_and_keeps_letters(name, slug):
    assert slugify(name) == slug


def page(source, text):
    return parse_page(text, source, SETTINGS)


def test_title_from_front_matter_then_heading_then_file_name():
    assert page("a.md", "---\ntitle: Given\n---\n# Heading\n").title == "Given"
    from_heading = page("a.md", "Intro line? no\n")
    assert from_heading.title == "A"
    heading = page("my-notes.md", "\n# The *real* title\n\nText\n")
    assert heading.title == "The real title"
    assert "# The" not in heading.body  # the template shows it once, as the page's h1
    assert heading.body.count("\n") == "\n# The *real* title\n\nText\n".count("\n")
    assert page("my_great-notes.md", "Just text.\n").title == "My great notes"
    assert page("docs/index.md", "").title == "Docs"


def test_heading_inside_code_is_not_a_title():
    assert page("code.md", "```\n# comment\n```\n").title == "Code"


def test_empty_file_works_with_title_from_name():
    empty = page("empty-page.md", "")
    assert empty.errors == [] and empty.title == "Empty page" and empty.url == "/empty-page/"


def test_post_needs_a_date():
    post = page("posts/undated.md", "---\ntitle: x\n---\n")
    assert next(str(error) for error in post.errors).startswith(
        "content/posts/undated.md:1: a post needs a 'date'"
    )


def site_of(*pages, drafts=False, future=True):
    return build_site(
        list(pages),
        SETTINGS,
        Renderer(SETTINGS.markdown),
        include_drafts=drafts,
        include_future=future,
        now=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
    )


def test_posts_newest_first_and_pages_by_weight_then_title():
    site = site_of(
        page("posts/old.md", "---\ntitle: Old\ndate: 2024-01-01\n---\n"),
        page("posts/new.md", "---\ntitle: New\ndate: 2025-01-01\n---\n"),
        page("posts/mid.md", "---\ntitle: Mid\ndate: 2024-06-01\n---\n"),
        page("zeta.md", "---\ntitle: Zeta\nweight: 1\n---\n"),
        page("beta.md", "---\ntitle: beta\nweight: 2\n---\n"),
        page("alpha.md", "---\ntitle: Alpha\nweight: 2\n---\n"),
    )
    assert [post.title for post in site.posts] == ["New", "Mid", "Old"]
    assert [p.title for p in site.plain_pages] == ["Zeta", "Alpha", "beta"]
    assert site.neighbours(site.posts[1]) == (site.posts[0], site.posts[2])


def test_drafts_and_future_posts_are_left_out_unless_asked():
    draft = page("posts/draft.md", "---\ntitle: D\ndate: 2024-01-01\ndraft: true\ntags: [x]\n---\n")
    future = page("posts/future.md", "---\ntitle: F\ndate: 2030-01-01\n---\n")
    published = site_of(draft, future, future=False)
    assert published.posts == [] and published.tags == []
    preview = site_of(draft, future, drafts=True)
    assert {post.title for post in preview.posts} == {"D", "F"}


def test_tags_group_posts_by_slug():
    site = site_of(
        page("posts/a.md", "---\ntitle: A\ndate: 2024-01-01\ntags: [Web Dev, python]\n---\n"),
        page("posts/b.md", "---\ntitle: B\ndate: 2024-02-01\ntags: [Python, web-dev]\n---\n"),
        page("posts/c.md", "---\ntitle: C\ndate: 2024-03-01\ntags: [PYTHON, Python, x]\n---\n"),
    )
    assert [(tag.name, tag.slug, [p.title for p in tag.posts]) for tag in site.tags] == [
        ("PYTHON", "python", ["C", "B", "A"]),  # spelled as in the newest post, once each
        ("web-dev", "web-dev", ["B", "A"]),
        ("x", "x", ["C"]),
    ]


def test_two_sources_for_one_url_are_an_error_naming_both():
    site = site_of(page("about.md", ""), page("about/index.md", ""), page("About.md", ""))
    messages = sorted(str(error).split("\n")[0] for error in site.all_errors())
    assert messages == [
        "content/about.md: its URL /about/ is also the URL of content/About.md",
        "content/about/index.md: its URL /about/ is also the URL of content/About.md",
    ]


def test_a_url_taken_by_front_matter_is_the_error_of_the_page_that_wrote_it():
    """Whatever the order of the files, the page whose front matter chose the URL is to
    blame, at that line, not the page whose URL comes from its file's name."""
    named = page("zebra.md", "")
    for key in ("url: /zebra/", "slug: zebra", "permalink: /zebra/"):
        chose = page("a.md", f"---\ntitle: A\n{key}\n---\n")
        for pages in ((chose, named), (named, chose)):
            [error] = [str(e).split("\n") for e in site_of(*pages).all_errors()]
            assert error == [
                "content/a.md:3: its URL /zebra/ is also the URL of content/zebra.md",
                f"  hint: write another '{key.split(':')[0]}'",
            ]


def test_reserved_urls_are_refused():
    site = site_of(page("tags.md", ""), page("404.html.md", ""))
    assert [str(error).split("\n")[0] for error in site.all_errors()] == [
        "content/404.html.md: its URL /404.html/ is reserved for the not-found page",
        "content/tags.md: its URL /tags/ is reserved for the list of tags",
    ]


def test_a_later_heading_is_the_title_but_stays_in_the_body():
    later = page("later.md", "Some intro.\n\n# Main heading\n")
    assert later.title == "Main heading"
    assert "# Main heading" in later.body
