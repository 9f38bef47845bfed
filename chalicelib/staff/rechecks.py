"""Who the risk maps' re-checks touched (chalicelib/filing/recheck.py), for the dashboard:
per recent version, per town of the claim, the passes suspended and the observations
extended (the counters its transactions moved), and a town's slips for one version."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.core import privacy, recheck
from chalicelib.core.clock import china_day
from chalicelib.core.errors import NotFound
from chalicelib.settings import get_settings
from chalicelib.staff.access import StaffClaim
from chalicelib.store import counters, risk_maps
from chalicelib.store.models import Filing, bind_models

VERSIONS = 5  # the recent versions the dashboard names


class TownCount(NamedTuple):
    town: str
    suspended: int
    extended: int


class VersionRow(NamedTuple):
    version: str
    published: str
    towns: tuple[TownCount, ...]  # only the towns it touched

    @property
    def total(self) -> int:
        return sum(t.suspended + t.extended for t in self.towns)


def by_version(claim: StaffClaim, limit: int = VERSIONS) -> list[VersionRow]:
    """The recent versions that re-checked someone in the claim's towns, newest first,
    in one read of their counters."""
    versions = risk_maps.versions(limit)
    names = {
        (v.version, town, action): counters.recheck_counter(town, v.version, action)
        for v in versions
        for town in claim.towns
        for action in recheck.ACTIONS
    }
    found = counters.read(names.values())
    rows = []
    for v in versions:
        towns = tuple(
            TownCount(
                town,
                found[names[(v.version, town, recheck.SUSPEND)]],
                found[names[(v.version, town, recheck.EXTEND)]],
            )
            for town in claim.towns
        )
        touched = tuple(t for t in towns if t.suspended or t.extended)
        if touched:
            rows.append(VersionRow(v.version, v.published, touched))
    return rows


class Slip(NamedTuple):
    slip_no: str
    applicant: str
    action: str
    county: str
    level: str
    observation_until: str


def slips(claim: StaffClaim, version: str, town: str) -> list[Slip]:
    """The slips of `town` the map `version` re-checked (NotFound for a town the claim
    does not cover, or a version never stored): the workers of its raised counties
    through the origin index from the earliest arrival it could have reached (never a
    scan), kept where their history names the version."""
    if not claim.covers(town):
        raise NotFound(town)
    stored = risk_maps.row(version)
    if stored is None:
        raise NotFound(version)
    new, old = risk_maps.get(version), risk_maps.previous(version)
    # re-checked on or after the day it was uploaded: from that day's earliest arrival
    first = recheck.first_arrival(china_day(stored.uploaded_at), get_settings().observation_days)
    bind_models()
    found: list[Slip] = []
    for county in recheck.raised(new, old):
        if county.action is None:
            continue
        listed_from = Filing.origin_index.query(
            county.county, Filing.arrival_day >= first.isoformat()
        )
        for listed in listed_from:
            filing = Filing.get(listed.filing_id)
            if filing.town != town:
                continue
            for e in filing.history or []:
                if e.get("step") == recheck.HISTORY_STEP and e.get("version") == version:
                    name = filing.applicant
                    found.append(
                        Slip(
                            filing.slip_no,
                            name if claim.sees_personal_data else privacy.mask_name(name),
                            str(e["decision"]),
                            str(filing.data.get("origin_county") or county.county),
                            county.after,
                            str(e.get("observation_until", "")),
                        )
                    )
    return sorted(found, key=lambda s: s.slip_no)
