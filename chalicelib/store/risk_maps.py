"""The risk map's versions: each an immutable S3 object (risk-maps/<version>.json) and a
row in DynamoDB naming it; the newest row is the map in force. A version's map never
changes, so a warm function keeps the maps it has read."""

from __future__ import annotations

import functools
import secrets
from dataclasses import replace
from datetime import datetime

from chalicelib.core.errors import Conflict
from chalicelib.core.risk import RiskMap, builtin_map
from chalicelib.store import s3
from chalicelib.store.models import RiskMapVersion, bind_models

KIND = "risk-map"


def new_version(now: datetime) -> str:
    """Sorts by time, to the microsecond (the newest last: two uploads in one second
    stay in their order); the random tail keeps two of one microsecond apart."""
    return f"{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(3)}"


def save(risk_map: RiskMap, uploaded_by: str, now: datetime) -> RiskMap:
    """Store a validated map as the newest version: the object first (a row never names
    a missing object), then its row, conditional on the version being new."""
    from pynamodb.exceptions import PutError

    bind_models()
    stored = replace(risk_map, version=new_version(now))
    key = s3.risk_map_key(stored.version)
    s3.put_json(key, stored.as_json())
    row = RiskMapVersion(
        kind=KIND,
        version=stored.version,
        published=stored.published,
        counties=len(stored.levels),
        s3_key=key,
        uploaded_by=uploaded_by,
        uploaded_at=now,
    )
    try:
        row.save(condition=RiskMapVersion.version.does_not_exist())
    except PutError as exc:
        raise Conflict(f"risk map version {stored.version} exists") from exc
    return stored


def versions(limit: int = 10) -> list[RiskMapVersion]:
    """The newest versions first."""
    bind_models()
    return list(RiskMapVersion.query(KIND, scan_index_forward=False, limit=limit))


def current() -> RiskMap:
    """The map in force: the newest version, else the built-in one (every county low,
    the default rules) before staff upload the first."""
    newest = versions(limit=1)
    return _read(newest[0].s3_key) if newest else builtin_map()


def previous(version: str) -> RiskMap:
    """The version in force before `version` (the built-in one before the first)."""
    bind_models()
    older = list(
        RiskMapVersion.query(
            KIND, RiskMapVersion.version < version, scan_index_forward=False, limit=1
        )
    )
    return _read(older[0].s3_key) if older else builtin_map()


def get(version: str) -> RiskMap:
    return _read(s3.risk_map_key(version))


@functools.lru_cache(maxsize=8)
def _read(key: str) -> RiskMap:
    return RiskMap.from_json(s3.get_json(key))


def row(version: str) -> RiskMapVersion | None:
    """A version's row, None for a version never stored (a forged or mistyped one)."""
    bind_models()
    found = list(RiskMapVersion.query(KIND, RiskMapVersion.version == version, limit=1))
    return found[0] if found else None
