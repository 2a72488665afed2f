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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.core import Locale
from babel.dates import format_date as babel_date
from babel.dates import get_day_names, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import NullTranslations, Translations
from flask import current_app, g
from markupsafe import Markup

from .config import locale
from .errors import SiteError
from .state import current_language, site_state

SHIPPED = Path(__file__).parent / "locales"
CATALOGUE = "frostpage_catalogue"  # where a request keeps its language's (flask.g)


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
    """The catalogue of ``code``: its layers merged, an upper layer's strings first."""
    merged: NullTranslations = NullTranslations()
    for path in catalogue_files(code, folders):
        layer = _read(path, code, folders[0])
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


@dataclass
class Catalogue:
    """One language's catalogue in the running app, with the strings without variables
    that pages asked for, translated once (a page asks for dozens, the same each time)."""

    translations: NullTranslations
    plain: dict[str, Markup] = field(default_factory=dict)


def _current() -> Catalogue:
    """The catalogue of the page's language, read once per app (a change in site/ makes
    the preview a new app) and kept for the request."""
    found = g.get(CATALOGUE)
    if found is None:
        state = site_state(current_app)
        code = current_language()
        found = state.catalogues.get(code)
        if found is None:
            found = state.catalogues[code] = Catalogue(translations(code, state.themes))
        setattr(g, CATALOGUE, found)
    return found


def gettext(message: str, **variables: Any) -> Markup:
    """The page's language's words for ``message`` (``_('Tags')`` in a template), with
    ``variables`` put in: Jinja's "new style" gettext, without its wrapper."""
    catalogue = _current()
    if variables:
        return Markup(catalogue.translations.ugettext(message)) % variables
    found = catalogue.plain.get(message)
    if found is None:
        found = catalogue.plain[message] = Markup(catalogue.translations.ugettext(message)) % {}
    return found


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
    """The form of ``singular``/``plural`` for ``num`` in the page's language."""
    words = _current().translations.ungettext(singular, plural, num)
    return Markup(words) % {"num": num, **variables}


def lookup(text: str) -> str:
    """``text`` in the page's language where a catalogue has it, as it is otherwise; never
    read as a format (for titles: 'Blog', 'Categories')."""
    return str(_current().translations.ugettext(text))


@functools.lru_cache(maxsize=8192)  # a post's date is shown on every list that has it
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
