"""Seal keys for tests: ES256 key pairs made on the spot, as SEAL_KEYS or a trust list."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def key_entry(
    kid: str, valid_from: str = "2020-01-01", valid_to: str | None = None
) -> dict[str, Any]:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {"kid": kid, "key": pem, "valid_from": valid_from, "valid_to": valid_to}


def seal_keys_env(*entries: dict[str, Any]) -> str:
    return json.dumps(list(entries))
