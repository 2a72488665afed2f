"""The live preview's server side: the injected script, change events, broken config."""

from __future__ import annotations

import threading

from werkzeug.test import Client

from frostpage import build
from frostpage.live import SCRIPT_TAG, LivePreview


def preview_of(root):
    return LivePreview(root)


def test_html_pages_of_the_preview_carry_the_live_script(site_root):
    client = Client(preview_of(site_root))
    page = client.get("/about/")
    assert page.status_code == 200
    assert SCRIPT_TAG in page.text
    assert SCRIPT_TAG not in client.get("/static/css/site.css").text
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
    assert response.status_code == 500
    assert "content/about.md:3: &#39;draft&#39; must be true or false" in response.text
    assert "&gt; 3 | draft: maybe" in response.text
    assert "  2 | title: About" in response.text
    assert SCRIPT_TAG in response.text  # so the page comes back by itself once fixed


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
    config.write_text(good.replace('title = "Test site"', 'title = "Renamed site"'), "utf-8")
    preview.apply({str(config)})
    assert "Renamed site" in client.get("/").text


def test_event_stream_sends_changes_to_waiting_tabs(site_root):
    preview = preview_of(site_root)
    stream = preview._stream()
    assert next(stream) == "retry: 500\n\n"
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(next(stream)))
    reader.start()
    preview.broadcast.send("reload")
    reader.join(timeout=5)
    assert received == ["event: reload\ndata: []\n\n"]
