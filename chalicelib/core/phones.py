"""Mainland mobile numbers: one normal form for every key, hash and comparison."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9][0-9]{9})", re.ASCII)


def normalize_mobile(text: object) -> str | None:
    """The eleven digits of a mainland mobile number ("+86 138-1234-5678" ->
    "13812345678"), or None when `text` is not one."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        return None
    compact = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", text))
    match = _MOBILE.fullmatch(compact)
    return match.group(1) if match else None
