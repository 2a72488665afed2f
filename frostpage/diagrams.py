"""Mermaid diagrams, drawn in the reader's browser by a copy of Mermaid the site serves.

A ```` ```mermaid ```` fence becomes ``<pre class="mermaid">`` with the diagram's source
(pymdownx.superfences). Pages that have one load ``diagrams.js``, which imports Mermaid's
ES module build only when a diagram comes near the screen; Mermaid then fetches just the
parts for that kind of diagram. Mermaid is vendored (frostpage/vendor/mermaid, from the npm
package named in package.json, by ``scripts/vendor_mermaid.sh``): nothing is fetched from
another site, and the files are in a build only when one of its pages has a diagram.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Site
    from .page import Page

PACKAGE = Path(__file__).parent
MERMAID = PACKAGE / "vendor" / "mermaid"
LOADER = "diagrams.js"
MARK = 'class="mermaid"><code>'  # a drawn fence: <pre tabindex="0" class="mermaid">
# What a page's text holds when it may have a diagram: a fence, a snippet or a shortcode.
MAY_DRAW = ("mermaid", "--8<--", "{{", "{%")


@functools.cache
def files() -> dict[str, Path]:
    """URL name → file, of the loader and Mermaid's module files."""
    names = {LOADER: PACKAGE / LOADER}
    for path in sorted(MERMAID.rglob("*.mjs")):
        names["mermaid/" + path.relative_to(MERMAID).as_posix()] = path
    return names


def has_diagrams(site: Site, page: Page) -> bool:
    """Whether the page has a diagram; a page whose text cannot make one is not rendered
    (nor read again from the cache) to find out."""
    return page.may_draw and MARK in site.render(page).html
