"""The dev server, as an author sees it through HTTP."""

from frostpage import create_app


def test_pages_posts_and_lists_are_served(client):
    assert "Welcome." in client.get("/").text
    assert client.get("/about/").status_code == 200
    assert client.get("/about/team/").status_code == 200
    assert "Intro" in client.get("/docs/intro/").text
    assert "Secret draft" in client.get("/posts/").text  # two per page, newest first
    assert "First post" in client.get("/posts/page/2/").text
    tags = client.get("/tags/").text
    assert "Web Dev" in tags and "/tags/web-dev/" in tags
    assert "First post" in client.get("/tags/web-dev/").text


def test_unknown_urls_give_the_404_template_with_status_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert client.get("/tags/nothing/").status_code == 404
    assert client.get("/404.html").status_code == 200


def test_drafts_show_in_the_preview_with_a_marker(client):
    response = client.get("/posts/secret/")
    assert response.status_code == 200
    assert "Draft" in response.text
    assert "Secret draft" in client.get("/posts/").text


def test_bad_front_matter_shows_the_error_and_the_rest_keeps_working(write_site):
    root = write_site({"content/broken.md": "---\ntitle: [oops\n---\nbody\n"})
    client = create_app(root, dev=True).test_client()
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "content/broken.md:2: invalid YAML in front matter" in response.text
    assert client.get("/").status_code == 200
    assert client.get("/about/").status_code == 200


def test_edits_show_on_the_next_request_without_restart(site_root, client):
    assert "People." in client.get("/about/team/").text
    (site_root / "content/about/team.md").write_text("# The team\n\nNew people.\n", "utf-8")
    assert "New people." in client.get("/about/team/").text
    (site_root / "content/new-page.md").write_text("# Fresh\n", "utf-8")
    assert client.get("/new-page/").status_code == 200
    (site_root / "content/new-page.md").unlink()
    assert client.get("/new-page/").status_code == 404


def test_template_edits_show_without_restart(site_root, client):
    client.get("/")
    path = site_root / "templates/404.html"
    path.write_text(path.read_text("utf-8").replace("Page not found", "Lost at sea"), "utf-8")
    assert "Lost at sea" in client.get("/missing/").text


def test_template_error_shows_template_name_and_line(site_root, client):
    (site_root / "templates/doc.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ page.title }\n{% endblock %}\n', "utf-8"
    )
    response = client.get("/docs/intro/")
    assert response.status_code == 500
    assert "templates/doc.html:3: template syntax error" in response.text


def test_broken_md_link_is_marked_in_the_preview(write_site):
    root = write_site({"content/about.md": "See [gone](gone.md).\n"})
    response = create_app(root, dev=True).test_client().get("/about/")
    assert response.status_code == 200
    assert 'class="broken-link"' in response.text
    assert "there is no page content/gone.md" in response.text


def test_nothing_outside_the_site_is_served(site_root, client):
    (site_root / ".env").write_text("SECRET=1\n", "utf-8")
    for url in (
        "/static/../site/config.toml",
        "/static/..%2fsite/config.toml",
        "/static/%2e%2e/site/config.toml",
        "/static/..%5csite%5cconfig.toml",
        "/static/" + str(site_root / "site/config.toml"),
        "/site/config.toml",
        "/.env",
        "/static/.env",
        "/content/about.md",
        "/.git/config",
    ):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 404, url
        assert "SECRET" not in response.text and "base_url" not in response.text


def test_code_highlight_stylesheet_is_served(client):
    response = client.get("/highlight.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert ".highlight" in response.text
