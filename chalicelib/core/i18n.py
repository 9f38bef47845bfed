"""The pages' languages: Chinese, in which they are written, and English from a gettext
catalogue (chalicelib/locale/en/LC_MESSAGES/messages.po, compiled to messages.mo).

Every text a page shows is written in Chinese and marked for translation: in templates
with `_()` or `{% trans %}`, in Python with `N_()` where it is defined and `translate()`
where it is shown. `make messages` extracts the marked texts with Babel, merges them into
the English catalogue and compiles it; tests/unit/test_i18n.py fails when a text has no
English or the compiled catalogue is older than its source. The runtime needs only the
standard library's gettext to read the compiled file.
"""

from __future__ import annotations

import functools
import gettext as _gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent.parent / "locale"  # chalicelib/locale, beside the templates
DOMAIN = "messages"
LANGUAGES = ("zh", "en")  # zh: the texts as written; en: the catalogue


def N_(message: str) -> str:
    """Marks a text for extraction where it is defined; translated where it is shown."""
    return message


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of a language; Chinese (and anything unknown) is the texts as written."""
    if lang == "zh" or lang not in LANGUAGES:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])


def translate(lang: str, message: str) -> str:
    """The message in the language; an empty one stays empty (gettext would answer it
    with the catalogue's header)."""
    return translations(lang).gettext(message) if message else message
