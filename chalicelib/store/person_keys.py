"""Keyed hashes of people's numbers for index keys: a search finds a filing by an ID
number without any key holding it in plain. HMAC-SHA256 under a key derived from the
stage's oldest signing key (rotation adds newer keys; the index keeps answering)."""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.settings import get_settings


def _index_key() -> bytes:
    oldest = get_settings().signing_keys[-1]
    return hmac.new(oldest.encode(), b"jiafuwu.person-index", hashlib.sha256).digest()


def keyed(kind: str, value: str) -> str:
    """The index key of `value` (normalised: trimmed, upper case), for `kind`."""
    text = f"{kind}:{value.strip().upper()}".encode()
    return hmac.new(_index_key(), text, hashlib.sha256).hexdigest()[:32]


def id_key(id_number: str) -> str:
    """A resident identity number's index key."""
    return keyed("id", id_number)
