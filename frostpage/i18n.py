"""The theme's words and dates in the language of the page: gettext catalogues read with
Babel (the library Flask-Babel and Sphinx use), and dates formatted for each locale.

Catalogues are gettext .po files named by language, in layers: the site's own
(``site/i18n/fr.po``), its theme's (``i18n/fr.po`` in the theme's folder), then those
frostpage ships for its default theme (``frostpage/locales/``: en, fr, de, es, zh, ja, ar).
A string of an upper layer replaces the same string below; a string no layer translates is
shown as the template writes it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date as babel_date
from babel.dates import get_day_names, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import NullTranslations, Translations
from flask import current_app

from .config import locale
from .errors import SiteError
from .state import current_language, site_state

SHIPPED = Path(__file__).parent / "locales"
BABEL_FORMATS = ("short", "medium", "long", "full")


def catalogue_files(code: str, folders: list[Path]) -> list[Path]:
    """The .po files of language ``code``, lowest layer first: frostpage's, then each
    theme's, then the site's (``folders``: the site's own folder first, as themes lists
    them; the site's catalogues are in site/i18n/)."""
    found = [SHIPPED / f"{code}.po"]
    for folder in reversed(folders[1:]):
        found.append(folder / "i18n" / f"{code}.po")
    found.append(folders[0] / "site" / "i18n" / f"{code}.po")
    return [path for path in found if path.is_file()]


def translations(code: str, folders: list[Path]) -> NullTranslations:
    """The merged catalogue of ``code``: read again when one of its files changes."""
    files = catalogue_files(code, folders)
    return _merged(code, tuple((path, path.stat().st_mtime_ns) for path in files), folders[0])


@functools.lru_cache(maxsize=32)
def _merged(code: str, files: tuple[tuple[Path, int], ...], root: Path) -> NullTranslations:
    merged: NullTranslations = NullTranslations()
    for path, _ in files:
        layer = _read(path, code, root)
        if isinstance(merged, Translations):
            merged.merge(layer)
        else:
            merged = layer
    return merged


def _read(path: Path, code: str, root: Path) -> Translations:
    """One .po file, as Babel's Translations (compiled in memory: nothing to build)."""
    shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        with path.open("rb") as file:
            catalog = read_po(file, locale=code.replace("-", "_"), abort_invalid=True)
    except PoFileError as error:
        line = getattr(error, "lineno", 0) or None
        message = str(error).split(" on ")[0]
        raise SiteError(
            shown, line, f"is not a gettext catalogue Babel can read: {message}"
        ) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise SiteError(shown, None, f"cannot be read: {error}") from None
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def _current() -> NullTranslations:
    state = site_state(current_app)
    return translations(current_language(), state.themes)


def gettext(message: str) -> str:
    """The current page's language's word for ``message`` (templates: ``_('Tags')``)."""
    return _current().ugettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current().ungettext(singular, plural, count)


def format_date(value: dt.datetime | dt.date, pattern: str, code: str) -> str:
    """A date in the language ``code``: ``pattern`` is strftime's ('%-d %B %Y', with the
    month and day names of the language), Babel's 'short', 'medium', 'long' or 'full', or a
    CLDR pattern ('d MMMM y'); '' is the language's long date."""
    where = locale(code)
    if "%" not in pattern:
        return babel_date(value, pattern or "long", locale=where)
    return value.strftime(_named(pattern, value, where))


def _named(pattern: str, value: dt.datetime | dt.date, where: Locale) -> str:
    """strftime's pattern with the names of months and days written in, in the locale's
    words (strftime's own are the C locale's, English)."""
    names = {
        "%B": get_month_names("wide", locale=where)[value.month],
        "%b": get_month_names("abbreviated", locale=where)[value.month],
        "%A": get_day_names("wide", locale=where)[value.weekday()],
        "%a": get_day_names("abbreviated", locale=where)[value.weekday()],
    }
    parts = pattern.split("%%")
    for token, name in names.items():
        parts = [part.replace(token, name.replace("%", "%%")) for part in parts]
    return "%%".join(parts)
