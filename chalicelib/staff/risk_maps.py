"""Staff upload a new risk map: the district office only (the map is the district's
rule for every town), validated whole before anything is stored, audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.core import risk
from chalicelib.core.clock import china_day
from chalicelib.core.errors import Forbidden
from chalicelib.core.roles import DISTRICT_OFFICE
from chalicelib.staff.access import StaffClaim
from chalicelib.store import audit, risk_maps


def upload(
    claim: StaffClaim, content: bytes, kind: str, now: datetime, source_ip: str | None = None
) -> risk.RiskMap:
    """A new version from a CSV or JSON upload (chalicelib/core/risk.py, parse_upload):
    Forbidden for a town's link, risk.MapRefused naming every problem, nothing stored."""
    if claim.role != DISTRICT_OFFICE:
        raise Forbidden("only the district office sets the risk map")
    current = risk_maps.current()
    parsed = risk.parse_upload(content, kind, current, china_day(now))
    stored = risk_maps.save(parsed, claim.name, now)
    subject = audit.staff_subject(claim.role, claim.scope)
    audit.record(subject, "risk-map", claim.name, source_ip, stored.version)
    return stored


def summary(risk_map: risk.RiskMap) -> dict[str, object]:
    """What an answer and the dashboard say of a version."""
    by_level = {level: 0 for level in risk.LEVELS}
    for level in risk_map.levels.values():
        by_level[level] += 1
    return {
        "version": risk_map.version,
        "published": risk_map.published,
        "default_level": risk_map.default_level,
        "counties": len(risk_map.levels),
        "by_level": by_level,
        "rules": risk_map.rules.as_json(),
    }


def dashboard_block() -> dict[str, Any]:
    """What the dashboard's risk map block shows (templates/dashboard_risk_map.html)."""
    return {"risk_map": summary(risk_maps.current()), "level_labels": risk.LEVEL_LABELS}
