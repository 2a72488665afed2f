"""What a build does to its files for publishing. Portable builds (``relative_urls =
true``, ``frostpage build --relative``): every link of a page to the site is written
relative to the page, and a folder's link names its index.html, so build/ works from any
folder of any server and opened from disk (file://). Minified files (``minify``, on by
default): HTML by minify-html, with the options that keep it valid HTML; CSS and JS by
rcssmin and rjsmin.

The build rewrites each HTML response before it is written; the preview keeps its links
from the site's root. Links to other sites, absolute URLs (canonical, Open Graph, feeds,
the sitemap) and #fragments stay as they are.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote

import minify_html
import rcssmin
import rjsmin

from .paths import output_file

# A link attribute of an element, quoted: href, src, action, poster, srcset and the search
# box's data-index.
ATTRIBUTE = re.compile(r"""(\s(?:href|src|action|poster|srcset|data-index)=)(["'])(.*?)\2""")


def relative_links(html: str, page: str, base_path: str) -> str:
    """``html`` of the site path ``page`` ('/docs/intro/'), its links from the site's root
    ('/blog/docs/' under the base path '/blog') written relative to it."""
    folder = posixpath.dirname(output_file(unquote(page)))

    def rewrite(link: str) -> str:
        if not link.startswith("/") or link.startswith("//"):
            return link
        path = _split(link)[0]
        if base_path and (path == base_path or path.startswith(base_path + "/")):
            link = link[len(base_path) :] or "/"
        try:
            output_file(unquote(_split(link)[0]))
        except ValueError:
            return link  # not a path of the site: left for the link check to name
        return relative_url(link, folder)

    return rewrite_links(html, rewrite)


def rewrite_links(html: str, rewrite: Callable[[str], str]) -> str:
    """``html`` with the link of each link attribute (each candidate of a srcset) passed
    through ``rewrite``."""

    def replace(match: re.Match[str]) -> str:
        name, quote, value = match.groups()
        if name.strip().startswith("srcset"):
            items = [item.strip().split(" ", 1) for item in value.split(",") if item.strip()]
            value = ", ".join(" ".join([rewrite(item[0]), *item[1:]]) for item in items)
        else:
            value = rewrite(value)
        return f"{name}{quote}{value}{quote}"

    return ATTRIBUTE.sub(replace, html)


def relative_url(url: str, start: str) -> str:
    """The site path ``url`` ('/docs/x/') from the folder ``start`` of the site ('fr/_search')."""
    path, mark, rest = _split(url)
    quoted = path[1:] + "index.html" if path.endswith("/") else path[1:]
    relative = posixpath.relpath(quoted, start or ".")
    if ":" in relative.split("/", 1)[0]:
        relative = "./" + relative  # else 'notes:1/' is read as a URL of the scheme "notes"
    return relative + mark + rest


def _split(link: str) -> tuple[str, str, str]:
    """'/a/?x#y' → ('/a/', '?', 'x#y'): the path, and what follows it."""
    found = re.search(r"[?#]", link)
    if not found:
        return link, "", ""
    return link[: found.start()], link[found.start()], link[found.start() + 1 :]


def minified(text: str, kind: str) -> str:
    """A page, stylesheet or script without what a browser does not need; the same input
    gives the same bytes. HTML keeps its doctype, closing tags and quoted attribute values
    where HTML requires them, so the Nu checker finds it as valid as before."""
    if kind == "text/css":
        return str(rcssmin.cssmin(text))
    if kind == "text/javascript":
        return str(rjsmin.jsmin(text))
    return str(
        minify_html.minify(
            text,
            minify_css=True,
            minify_js=True,
            minify_doctype=False,
            allow_noncompliant_unquoted_attribute_values=False,
            allow_removing_spaces_between_attributes=False,
            keep_closing_tags=True,
            keep_html_and_head_opening_tags=True,
        )
    )
