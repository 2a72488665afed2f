"""frostpage: a static site generator built on Flask.

Markdown in ``content/`` is served live by a Flask app during development and frozen
into plain files by Frozen-Flask for hosting. See ``create_app`` and ``build``.
"""

from .app import create_app
from .build import build
from .errors import SiteError, SiteErrors
from .state import current_site
from .version import VERSION as __version__

__all__ = ["SiteError", "SiteErrors", "__version__", "build", "create_app", "current_site"]
