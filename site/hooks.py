"""frostpage's own hooks: a /stats/ page computed from the content.

It shows the two things a hooks file can do: add a Flask route (frozen like every page)
and a template filter. See content/docs/hooks-and-data.md.
"""

from flask import Blueprint, render_template

from frostpage import current_site

blueprint = Blueprint("hooks", __name__)


@blueprint.route("/stats/")
def stats() -> str:
    """Posts per year and per tag, counted from the site model."""
    site = current_site()
    per_year = [(year, len(posts)) for year, posts in site.years]
    per_tag = sorted(
        ((tag.name, len(tag.posts)) for tag in site.tags),
        key=lambda item: (-item[1], item[0].casefold()),
    )
    return render_template("stats.html", per_year=per_year, per_tag=per_tag, total=len(site.posts))


def plural(count: int, word: str) -> str:
    """`{{ 3|plural("post") }}` → '3 posts'."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


template_filters = {"plural": plural}
