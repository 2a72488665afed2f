"""Registration: the route table's rules, the template helpers and the error handlers, on
one app.

The app serves the preview and is frozen for the build; only the request hooks at the end
differ in the preview (the files are read again, drafts' feeds stay on this origin).
"""

from __future__ import annotations

from typing import Any

import jinja2
from flask import Flask, Response, current_app, g, request

from . import error_pages, i18n, templating, views
from .errors import SiteError, SiteErrors
from .portable import minified, relative_links
from .state import LANGUAGE, site_state
from .urls import BY_ENDPOINT, ROUTES, converters, cross_origin, rules, url_space


def register(app: Flask) -> None:
    """Add frostpage's routes, template helpers and error pages to ``app``."""
    app.url_map.converters.update(converters(url_space(site_state(app).settings)))
    for route in ROUTES:
        view = getattr(views, route.view)
        if route.endpoint == "static":
            app.view_functions["static"] = view  # Flask made the rule, for its static folder
            continue
        for rule in rules(route):
            app.add_url_rule(
                rule,
                route.endpoint,
                view,
                defaults=route.defaults or None,
                build_only=route.build_only,
                # The page rule also answers without the slash: a file of content/, an
                # alias with a file name (/old.html), or a redirect to the page.
                strict_slashes=False if route.endpoint == "page" else None,
            )
    app.url_value_preprocessor(take_language)
    app.url_defaults(add_language)
    app.register_error_handler(404, views.not_found)
    app.register_error_handler(SiteError, error_pages.site_error)
    app.register_error_handler(SiteErrors, error_pages.site_error)
    app.register_error_handler(jinja2.TemplateError, error_pages.template_error)
    app.register_error_handler(Exception, error_pages.unexpected_error)
    app.context_processor(templating.template_context)
    for name in templating.HELPERS:
        app.add_template_global(getattr(templating, name))
    app.jinja_env.globals["url_for"] = templating.remembered_url_for
    app.add_template_filter(templating.format_date, "date")
    app.add_template_filter(templating.iso_date, "isodate")
    # The theme's words: _() and ngettext() in templates, {% trans %} blocks too.
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.globals.update(_=i18n.gettext, gettext=i18n.gettext, ngettext=i18n.ngettext)
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]
    if not app.config["FROSTPAGE_DEV"]:
        app.after_request(finish_for_publishing)
    if app.config["FROSTPAGE_DEV"]:
        app.before_request(refresh_in_dev)
        app.before_request(error_pages.show_site_errors)
        app.after_request(allow_cross_origin)


def take_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A language's URL (/fr/posts/) is answered by the same view as the default
    language's: the language is taken from the URL's values before the view is called."""
    language = (values or {}).pop("lang", None)
    if language:
        g.setdefault(LANGUAGE, language)


def add_language(endpoint: str, values: dict[str, Any]) -> None:
    """url_for stays in the language of the page being written: url_for('posts') on a
    French page is /fr/posts/. ``lang='fr'`` asks for another language's; ``lang=''`` for
    the unprefixed URL."""
    route = BY_ENDPOINT.get(endpoint)
    if route is None or route.scope != "language":
        return
    site = site_state(current_app).site
    if "lang" not in values:
        values["lang"] = g.get(LANGUAGE) or site.language.code
    if not values["lang"] or not site.in_language(values["lang"]).language.prefix:
        del values["lang"]


def finish_for_publishing(response: Response) -> Response:
    """What a build does to a file before it is written, as the site's settings ask: its
    links relative to it (portable.py), then minified."""
    settings = site_state(current_app).settings
    kind = response.mimetype
    if response.status_code != 200 or not (settings.relative_urls or settings.minify):
        return response
    if kind not in ("text/html", "text/css", "text/javascript") or request.path.startswith(
        "/_diagrams/"  # Mermaid's own files, minified already
    ):
        return response
    response.direct_passthrough = False
    text = response.get_data(as_text=True)
    if kind == "text/html" and settings.relative_urls:
        text = relative_links(text, request.path, settings.base_path)
    if settings.minify:
        text = minified(text, kind)
    response.set_data(text)
    return response


def refresh_in_dev() -> None:
    """In the dev server, every page request sees the files as they are now.

    When the live preview watches the files it refreshes on each change instead.
    """
    if not request.path.startswith("/static/") and not current_app.config.get("FROSTPAGE_WATCHED"):
        site_state(current_app).refresh()


def allow_cross_origin(response: Response) -> Response:
    """Other sites' scripts may read what the built site lets them read (the route table's
    cross-origin rows, sent by the host from build/_headers), and only while the preview
    shows nothing unpublished: drafts never leave this origin."""
    if cross_origin(request.endpoint) and not site_state(current_app).site.unpublished:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response
