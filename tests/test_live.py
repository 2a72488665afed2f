"""The live preview's server side: the injected script, change events, broken config."""

from __future__ import annotations

import threading

import pytest
from markupsafe import escape
from werkzeug.test import Client

from frostpage import build
from frostpage.errors import SiteErrors
from frostpage.live import LIVE_PREFIX, LivePreview


def preview_of(root):
    return LivePreview(root)


def test_html_pages_of_the_preview_carry_the_live_script(site_root):
    client = Client(preview_of(site_root))
    page = client.get("/about/")
    assert page.status_code == 200
    assert f'<script src="{LIVE_PREFIX}live.js" data-version="0" defer></script>' in page.text
    with client.get("/static/css/site.css") as stylesheet:
        assert LIVE_PREFIX not in stylesheet.text
    script = client.get("/__frostpage/live.js")
    assert script.status_code == 200 and "EventSource" in script.text


def test_the_build_has_no_trace_of_the_live_preview(site_root):
    build(site_root)
    for path in (site_root / "build").rglob("*"):
        if path.is_file():
            assert "__frostpage" not in path.read_text("utf-8", errors="replace"), path


def test_a_saved_page_is_shown_and_tabs_are_told_to_reload(site_root):
    preview = preview_of(site_root)
    client = Client(preview)
    assert "People." in client.get("/about/team/").text
    number = preview.broadcast.number
    source = site_root / "content/about/team.md"
    source.write_text("# The team\n\nNew people.\n", "utf-8")
    preview.apply({str(source)})
    assert preview.broadcast.wait(number, 1) == (number + 1, ("reload", "[]"))
    assert "New people." in client.get("/about/team/").text


def test_a_stylesheet_change_is_swapped_without_reload(site_root):
    preview = preview_of(site_root)
    number = preview.broadcast.number
    preview.apply({str(site_root / "static/css/site.css")})
    assert preview.broadcast.wait(number, 1) == (number + 1, ("css", '["/css/site.css"]'))


def test_new_and_deleted_files_update_lists_without_restart(site_root):
    preview = preview_of(site_root)
    client = Client(preview)
    assert "Brand new" not in client.get("/tags/python/").text
    new = site_root / "content/posts/brand-new.md"
    new.write_text("---\ntitle: Brand new\ndate: 2026-01-01\ntags: [Python]\n---\nHi\n", "utf-8")
    preview.apply({str(new)})
    assert "Brand new" in client.get("/tags/python/").text
    new.unlink()
    preview.apply({str(new)})
    assert "Brand new" not in client.get("/tags/python/").text


def test_error_page_shows_file_line_and_source_around_it(site_root):
    preview = preview_of(site_root)
    source = site_root / "content/about.md"
    source.write_text("---\ntitle: About\ndraft: maybe\nweight: 1\n---\nBody\n", "utf-8")
    preview.apply({str(source)})
    response = Client(preview).get("/about/")
    assert response.status_code == 500 and "This page has an error" in response.text
    assert "content/about.md:3: &#39;draft&#39; must be true or false" in response.text
    assert "&gt; 3 | draft: maybe" in response.text
    assert "  2 | title: About" in response.text
    assert f"{LIVE_PREFIX}live.js" in response.text  # so the page comes back by itself once fixed


@pytest.mark.parametrize(
    ("front_matter", "error"),
    [
        ("url: /about/", "content/other.md:3: its URL /about/ is also the URL of content/about.md"),
        ("url: /tags/", "content/other.md: its URL /tags/ is reserved for the list of tags"),
        ("aliases: [/about/]", "content/other.md:3: alias '/about/' is also the URL of"),
        ("image: missing.png", "content/other.md:3: image 'missing.png' not found"),
    ],
)
def test_what_stops_a_build_of_the_site_shows_on_every_page_until_fixed(
    site_root, front_matter, error
):
    preview = preview_of(site_root)
    client = Client(preview)
    other = site_root / "content/other.md"
    other.write_text(f"---\ntitle: Other\n{front_matter}\n---\nBody.\n", "utf-8")
    preview.apply({str(other)})
    with pytest.raises(SiteErrors) as caught:
        build(site_root)
    assert str(caught.value.errors[0]).startswith(error)
    for path in ("/", "/posts/", "/sitemap.xml"):
        shown = client.get(path)
        assert shown.status_code == 500
        assert "The site has an error" in shown.text and escape(error) in shown.text
        assert f"{LIVE_PREFIX}live.js" in shown.text
    with client.get("/static/css/site.css") as stylesheet:
        assert stylesheet.status_code == 200
    other.write_text("---\ntitle: Other\n---\nBody.\n", "utf-8")
    preview.apply({str(other)})
    assert client.get("/").status_code == 200


def test_a_broken_config_is_shown_then_recovered_without_restart(site_root):
    preview = preview_of(site_root)
    client = Client(preview)
    config = site_root / "site/config.toml"
    good = config.read_text("utf-8")
    config.write_text(good + "posts_per_page = 'many'\n", "utf-8")
    preview.apply({str(config)})
    broken = client.get("/")
    assert broken.status_code == 500
    assert "site/config.toml:" in broken.text and "posts_per_page" in broken.text
    assert "The site has an error" in broken.text
    config.write_text(good.replace('title = "Test site"', 'title = "Renamed site"'), "utf-8")
    preview.apply({str(config)})
    assert "Renamed site" in client.get("/").text


def test_event_stream_sends_changes_to_waiting_tabs(site_root):
    preview = preview_of(site_root)
    stream = preview._stream(since=None)
    assert next(stream) == "retry: 500\n\n"
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(next(stream)))
    reader.start()
    preview.broadcast.send("reload")
    reader.join(timeout=5)
    assert received == ["event: reload\ndata: []\n\n"]


def test_a_change_between_a_page_and_its_script_connecting_still_reloads_it(site_root):
    preview = preview_of(site_root)
    page = Client(preview).get("/about/").text
    assert 'data-version="0"' in page
    preview.broadcast.send("reload")  # saved while the page was loading
    stream = preview._stream(since=0)  # the page's script connects afterwards
    assert next(stream) == "retry: 500\n\n"
    assert next(stream) == "event: reload\ndata: []\n\n"


def test_when_watched_only_the_files_named_by_the_watcher_are_read_again(site_root):
    preview = preview_of(site_root)
    preview.site_app.config["FROSTPAGE_WATCHED"] = True  # as start_watching sets it
    client = Client(preview)
    assert "Hello." in client.get("/posts/first/").text
    # Saving one page must not re-read the others: a change nobody reported stays unseen.
    (site_root / "content/posts/first.md").write_text(
        "---\ntitle: First post\ndate: 2025-01-10\n---\nUnreported.\n", "utf-8"
    )
    team = site_root / "content/about/team.md"
    team.write_text("# The team\n\nReported.\n", "utf-8")
    preview.apply({str(team)})
    assert "Reported." in client.get("/about/team/").text
    assert "Unreported." not in client.get("/posts/first/").text

    # A new file in a new folder, as watchdog reports it: the folder, then the file.
    new = site_root / "content/series/part-one.md"
    new.parent.mkdir()
    new.write_text("---\ntitle: Part one\n---\nOne.\n", "utf-8")
    preview.apply({str(new.parent), str(new)})
    assert "One." in client.get("/series/part-one/").text
    # A folder renamed: everything under it moves, so everything is walked again.
    new.parent.rename(site_root / "content/saga")
    preview.apply({str(site_root / "content/series"), str(site_root / "content/saga")})
    assert client.get("/series/part-one/").status_code == 404
    assert "One." in client.get("/saga/part-one/").text
    assert "Unreported." in client.get("/posts/first/").text
    # A deleted file leaves the site.
    (site_root / "content/saga/part-one.md").unlink()
    preview.apply({str(site_root / "content/saga/part-one.md")})
    assert client.get("/saga/part-one/").status_code == 404


def test_a_saved_body_keeps_the_site_model_and_what_shows_the_body_follows(site_root):
    preview = preview_of(site_root)
    preview.site_app.config["FROSTPAGE_WATCHED"] = True
    client = Client(preview)
    assert "Hello." in client.get("/posts/first/").text
    state = preview.site_app.extensions["frostpage"]
    model = state.site
    assert not model.shared.has_diagrams
    first = site_root / "content/posts/first.md"
    front = first.read_text("utf-8").split("---\n")[1]
    first.write_text(
        f"---\n{front}---\nGoodbye, with a drawing.\n\n```mermaid\ngraph TD; A-->B;\n```\n", "utf-8"
    )
    preview.apply({str(first)})
    assert state.site is model  # only a body changed: the model was not made again
    page = client.get("/posts/first/").text
    assert "Goodbye, with a drawing." in page and "diagrams.js" in page
    assert "Goodbye, with a drawing." in client.get("/tags/python/").text  # its summary
    assert model.shared.has_diagrams
    # Its front matter changed: the model is made again, and the lists follow.
    first.write_text(first.read_text("utf-8").replace("First post", "Renamed post"), "utf-8")
    preview.apply({str(first)})
    assert state.site is not model
    assert "Renamed post" in client.get("/tags/python/").text
