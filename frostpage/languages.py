"""Languages: which language each content file is in, which page it translates, and each
language's settings and URL prefix.

A translation is named by its file (``about.fr.md`` beside ``about.md``, as Hugo and Zola
name them) or by its folder (``content/fr/about.md``, Hugo's content folder per language);
both are the French ``about.md`` and live at ``/fr/about/``. Pages that translate each
other share a key: their path without the language (or their ``translation_key``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .config import Settings, is_language, locale

# A file name's last part that reads as a language: 'fr', 'pt-br', 'zh_hant'.
MARKER = re.compile(r"[a-z]{2}([-_][a-z0-9]{2,4})?", re.IGNORECASE)


@dataclass(frozen=True)
class Language:
    """One language of the site: what templates and URLs need of it."""

    code: str  # 'fr': for hreflang, <html lang> and the prefix
    name: str  # as the switcher shows it, in the language itself: 'Français'
    direction: str  # 'ltr' or 'rtl' (Arabic, Hebrew, Persian…)
    prefix: str  # '' (the default language, at /) or '/fr'
    settings: Settings  # the site's, with this language's own keys
    default: bool = False


def site_languages(settings: Settings) -> list[Language]:
    """The site's languages, the default one first, then in the order of [languages]."""
    tables = {config.code: config for config in settings.languages}
    found = []
    for code in codes(settings):
        table = tables.get(code)
        own = dict(table.settings) if table else {}
        default = code == settings.language
        if not default:
            # The site's date format and [[nav]] are its default language's: another
            # language has its locale's dates, and a header made of its own sections.
            own.setdefault("date_format", "")
            own.setdefault("nav", [])
        own["language"] = code
        name = table.name if table and table.name else _name(code)
        found.append(
            Language(
                code=code,
                name=name,
                direction="rtl" if locale(code).character_order == "right-to-left" else "ltr",
                prefix=url_prefix(code, settings),
                settings=dataclasses.replace(settings, **own),
                default=default,
            )
        )
    return found


def _name(code: str) -> str:
    name = locale(code).get_display_name(locale(code)) or code
    return name[:1].upper() + name[1:]


def url_prefix(code: str, settings: Settings) -> str:
    """'/fr' for a language other than the default; '' for the default one, unless the
    site puts it under its own prefix too."""
    if code == settings.language and not settings.prefix_default_language:
        return ""
    return f"/{code}"


def codes(settings: Settings) -> tuple[str, ...]:
    """The codes of the site's languages, the default one first."""
    return tuple(dict.fromkeys([settings.language, *(c.code for c in settings.languages)]))


@dataclass(frozen=True)
class Placed:
    """A content file's language, and its path without the language (its key)."""

    language: str
    key: str  # 'about.fr.md' and 'fr/about.md' → 'about.md'
    problem: tuple[str, str] | None = None  # what is wrong with its name, and what to do
    # A language the name is marked with that the site does not declare, and the path of
    # the page it would translate: ('de', 'about.md') for 'about.de.md'.
    undeclared: tuple[str, str] | None = None


def place(source: str, settings: Settings) -> Placed:
    """The language of ``content/<source>``: its folder's (``fr/…``, on a site of several
    languages), else its name's (``about.fr.md``), else the default language."""
    known = codes(settings)
    language = settings.language
    key = source
    first, _, rest = source.partition("/")
    if len(known) > 1 and rest and first in known:
        language, key = first, rest
    folder, _, name = key.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    base, _, marker = stem.rpartition(".")
    if dot and base and MARKER.fullmatch(marker):
        code = marker.lower().replace("_", "-")
        if code in known:
            if language != settings.language and code != language:
                return Placed(
                    language,
                    key,
                    (
                        f"is named as a translation into {code!r} in the folder of {language!r}",
                        f"move it to content/{code}/ or drop '.{marker}' from its name",
                    ),
                )
            language = code
            key = f"{folder}/{base}.{suffix}" if folder else f"{base}.{suffix}"
        elif is_language(code):
            # 'about.de.md' is a translation only beside its original ('how.to.md' is not).
            original = f"{folder}/{base}.{suffix}" if folder else f"{base}.{suffix}"
            return Placed(language, key, undeclared=(code, original))
    return Placed(language, key)
