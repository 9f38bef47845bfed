"""Checkpoints (卡口) and their scan log.

Staff register a checkpoint (a name, a town, where it stands if they know) and hand its
guard a signed checkpoint link; the scanner page (/scan) keeps the link and queues each
scan on the device, sending the queue when it is online (`POST /api/scans`). A scan is
stored once by its client id (a resent queue stores nothing twice), counted per
checkpoint and China day in the same transaction, kept until its TTL, and flagged when
the same document was shown at another checkpoint farther away than anyone could have
travelled in the time between.

Location: a checkpoint has a town and, optionally, its latitude and longitude; only two
checkpoints that both have coordinates can flag a journey (no invented town centroids).
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib import links
from chalicelib.core.clock import china_day
from chalicelib.core.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.core.privacy import expiry
from chalicelib.core.towns import is_town
from chalicelib.store import counters
from chalicelib.store.models import Checkpoint, Scan, bind_models
from chalicelib.store.tx import transaction

CHECKPOINT = "jiafuwu.checkpoint"  # the signed link's own salt (chalicelib/links.py)
LINK_DAYS = 120  # a checkpoint's link outlives the drive's busiest months
MAX_BATCH = 100  # scans in one POST: a day's queue at a quiet gate, sent in a few calls
RESULTS = frozenset({"valid", "not_yet_valid", "invalid"})
# Faster than a car on the district's roads, with a margin for the devices' clocks and
# GPS-less positions: a pass seen farther apart than this is flagged.
MAX_KMH = 120.0
SLACK_KM = 2.0
LOOKBACK = timedelta(hours=12)
_CLIENT_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
_CODE = re.compile(r"[A-Z0-9]{4,32}")
_REASON = re.compile(r"[a-z_]{1,32}")  # documents/seal.py's INVALID_REASONS, as the page sent


@dataclass(frozen=True)
class Recorded:
    accepted: int
    duplicates: int
    flagged: int


def register(
    name: str, town: str, lat: str, lng: str, actor: str, now: datetime
) -> tuple[Checkpoint, str]:
    """A new checkpoint and its signed link's token; ValidationFailed naming each bad field."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not 1 <= len(name) <= 50:
        errors["name"] = "请填写卡口名称（1至50字）"
    if not is_town(town):
        errors["town"] = "请选择所在镇（乡、街道）"
    position = _position(lat, lng, errors)
    if errors:
        raise ValidationFailed(errors)
    bind_models()
    checkpoint = Checkpoint(
        checkpoint_id=secrets.token_hex(8),
        name=name,
        town=town,
        lat=position[0] if position else None,
        lng=position[1] if position else None,
        created_at=now,
        created_by=actor,
    )
    checkpoint.save(condition=Checkpoint.checkpoint_id.does_not_exist())
    return checkpoint, token_of(checkpoint.checkpoint_id)


def _position(lat: str, lng: str, errors: dict[str, str]) -> tuple[float, float] | None:
    lat, lng = lat.strip(), lng.strip()
    if not lat and not lng:
        return None
    try:
        la, lo = float(lat), float(lng)
    except ValueError:
        errors["lat"] = "经纬度应为数字（如 29.08、119.65），或都不填"
        return None
    if not (-90 <= la <= 90 and -180 <= lo <= 180) or math.isnan(la) or math.isnan(lo):
        errors["lat"] = "经纬度超出范围"
        return None
    return la, lo


def token_of(checkpoint_id: str) -> str:
    return links.sign(CHECKPOINT, {"c": checkpoint_id})


def scan_url(token: str) -> str:
    return f"{links.public_base()}/scan?checkpoint={token}"


def checkpoint_of(token: str | None) -> Checkpoint:
    """The checkpoint a link names; Forbidden when tampered with, Gone when expired."""
    payload = links.read(CHECKPOINT, token, LINK_DAYS * 86400)
    bind_models()
    try:
        return Checkpoint.get(str(payload.get("c")))
    except Checkpoint.DoesNotExist:
        raise Forbidden("no such checkpoint") from None


def all_checkpoints() -> list[Checkpoint]:
    bind_models()
    return sorted(Checkpoint.scan(), key=lambda c: (c.town, c.name))


def record(token: str | None, posted: Any, now: datetime) -> Recorded:
    """A device's queued scans: all checked first (400 naming each bad one, nothing
    stored), then each stored once by its client id."""
    checkpoint = checkpoint_of(token)
    scans = _valid_scans(posted, now)
    accepted = duplicates = flagged = 0
    for scan in scans:
        item = Scan(
            client_id=scan["id"],
            code=scan["code"],
            checkpoint_id=checkpoint.checkpoint_id,
            scanned_at=scan["at"].isoformat(),
            result=scan["result"],
            reason=scan.get("reason"),
            received_at=now,
            expires_at=expiry(now),
        )
        flag = _journey_flag(checkpoint, item, scan["at"])
        if flag:
            item.flag = flag
            item.flag_day = china_day(scan["at"]).isoformat()
        day = china_day(scan["at"])
        try:
            with transaction() as tx:
                tx.save(item, condition=Scan.client_id.does_not_exist())
                counters.move(tx, {scans_counter(checkpoint, day): 1})
        except Conflict:
            duplicates += 1  # sent before (a queue resent after a lost answer)
            continue
        accepted += 1
        flagged += bool(flag)
    return Recorded(accepted, duplicates, flagged)


def _valid_scans(posted: Any, now: datetime) -> list[dict[str, Any]]:
    if not isinstance(posted, dict) or not isinstance(posted.get("scans"), list):
        raise ValidationFailed({"scans": "应为扫码记录的列表"})
    items = posted["scans"]
    if not 1 <= len(items) <= MAX_BATCH:
        raise ValidationFailed({"scans": f"每次应提交1至{MAX_BATCH}条扫码记录"})
    errors: dict[str, str] = {}
    scans: list[dict[str, Any]] = []
    for i, raw in enumerate(items):
        problem, scan = _valid_scan(raw, now)
        if problem:
            errors[f"scans[{i}].{problem[0]}"] = problem[1]
        else:
            scans.append(scan)
    if errors:
        raise ValidationFailed(errors)
    return scans


def _valid_scan(raw: Any, now: datetime) -> tuple[tuple[str, str] | None, dict[str, Any]]:
    if not isinstance(raw, dict):
        return ("id", "应为对象"), {}
    if not isinstance(raw.get("id"), str) or not _CLIENT_ID.fullmatch(raw["id"]):
        return ("id", "客户端编号应为8至64位字母、数字或连字符"), {}
    if not isinstance(raw.get("code"), str) or not _CODE.fullmatch(raw["code"]):
        return ("code", "证件编号格式不正确"), {}
    if raw.get("result") not in RESULTS:
        return ("result", "核验结果应为 valid、not_yet_valid 或 invalid"), {}
    reason = raw.get("reason")
    if reason is not None and not (isinstance(reason, str) and _REASON.fullmatch(reason)):
        return ("reason", "无效原因不在可选范围内"), {}
    try:
        at = datetime.fromisoformat(str(raw.get("at")))
    except ValueError:
        return ("at", "扫码时间应为ISO 8601格式"), {}
    if at.tzinfo is None or not now - timedelta(days=30) <= at <= now + timedelta(minutes=10):
        return ("at", "扫码时间应带时区，且在30天内"), {}
    return None, {**raw, "at": at, "reason": reason}


def _journey_flag(checkpoint: Checkpoint, item: Scan, at: datetime) -> dict[str, Any] | None:
    """The same document seen shortly before or after at a checkpoint too far away."""
    if checkpoint.lat is None or checkpoint.lng is None:
        return None
    window = Scan.code_index.query(
        item.code,
        Scan.scanned_at.between((at - LOOKBACK).isoformat(), (at + LOOKBACK).isoformat()),
    )
    places: dict[str, Checkpoint | None] = {}
    for other in window:
        if other.checkpoint_id == checkpoint.checkpoint_id or other.client_id == item.client_id:
            continue
        if other.checkpoint_id not in places:
            try:
                places[other.checkpoint_id] = Checkpoint.get(other.checkpoint_id)
            except Checkpoint.DoesNotExist:
                places[other.checkpoint_id] = None
        there = places[other.checkpoint_id]
        if there is None or there.lat is None or there.lng is None:
            continue
        km = distance_km(checkpoint.lat, checkpoint.lng, there.lat, there.lng)
        hours = abs((at - datetime.fromisoformat(other.scanned_at)).total_seconds()) / 3600
        if implausible(km, hours):
            return {
                "other": there.name,
                "checkpoint": checkpoint.name,
                "km": round(km, 1),
                "minutes": round(hours * 60),
            }
    return None


def implausible(km: float, hours: float) -> bool:
    return km > SLACK_KM + MAX_KMH * hours


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def scans_counter(checkpoint: Checkpoint, day: date) -> counters.Name:
    """A checkpoint's scans on a day: one item per town and day holds its checkpoints'
    counts (a few each: the item stays within one write unit)."""
    return counters.Name(f"scans#{checkpoint.town}#{day:%Y%m%d}", checkpoint.checkpoint_id)


@dataclass(frozen=True)
class ScanFigures:
    days: list[date]  # newest first
    rows: list[tuple[Checkpoint, list[int]]]  # each checkpoint's scans on each day
    flags: list[Scan]  # the implausible journeys, newest first


def figures(today: date, towns: tuple[str, ...], days: int = 7) -> ScanFigures:
    """Scans per checkpoint per day in these towns, and their flagged journeys."""
    bind_models()
    span = [today - timedelta(days=i) for i in range(days)]
    checkpoints = [c for c in all_checkpoints() if c.town in towns]
    ids = {c.checkpoint_id for c in checkpoints}
    names = [scans_counter(c, d) for c in checkpoints for d in span]
    totals = counters.read(names) if names else {}
    rows = [(c, [totals.get(scans_counter(c, d), 0) for d in span]) for c in checkpoints]
    flags: list[Scan] = []
    for day in span:
        found = Scan.flag_index.query(day.isoformat(), scan_index_forward=False)
        flags += [f for f in found if f.checkpoint_id in ids]
    return ScanFigures(span, rows, flags)
