"""The risk rules applied to a filing at submission: the origin's level comes from the
map in force (never typed) and is judged by the form's rule (`FormSpec.risk_rule`): a
worker's origin that may not come back or a refused health code, or a charter's origin
whose level the map's charter rule does not accept, is a 400 naming its field; the
verdict with its rule version is recorded in the filing's outputs (outputs["risk"])."""

from __future__ import annotations

from typing import Any

from chalicelib.core import risk
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.forms import FormSpec
from chalicelib.store import risk_maps

OUTPUT = "risk"  # the filing's outputs key: {"version", "county", "level", "isolation_first"}
MAY_NOT_RETURN = N_("来源地区县当前风险等级暂不能返婺")
HEALTH_REFUSED = N_("健康码为此颜色，暂不能返婺，请按当地要求隔离观察")
CHARTER_REFUSED = N_("出发地区县当前风险等级（%(level)s）不在包车（专列）补助范围")
CHARTER = "charter"  # the travel mode a charter subsidy's origin is judged for


def check(county: str, health_code: str, travel_mode: str) -> risk.Verdict:
    """The verdict of the map in force (the public self-check asks the same)."""
    return risk.judge(risk_maps.current(), county, health_code, travel_mode)


def judge_filing(
    origin_field: str, data: dict[str, Any], lang: str, rule: str = "may_return"
) -> dict[str, Any]:
    """The filing's data with its origin's level (`origin_risk`) from the map, and the
    record its outputs keep; ValidationFailed when the form's `rule` refuses it."""
    if rule == "charter_accepts":
        verdict = check(str(data[origin_field]), "", CHARTER)
        if not verdict.charter_subsidy:
            level = translate(lang, risk.LEVEL_LABELS.get(verdict.level, verdict.level))
            said = translate(lang, CHARTER_REFUSED) % {"level": level}
            raise ValidationFailed({origin_field: said})
    else:
        verdict = check(
            str(data[origin_field]),
            str(data.get("health_code", "")),
            str(data.get("travel_mode", "")),
        )
        bad: dict[str, str] = {}
        if not verdict.may_return:
            bad[origin_field] = translate(lang, MAY_NOT_RETURN)
        if verdict.health_refused:
            bad["health_code"] = translate(lang, HEALTH_REFUSED)
        if bad:
            raise ValidationFailed(bad)
    data["origin_risk"] = verdict.level
    return verdict.record()


def origin_keys(spec: FormSpec, data: dict[str, Any]) -> tuple[str | None, str | None]:
    """A worker's origin county and arrival day, for the origin index: the workers a new
    risk map re-checks (chalicelib/filing/recheck.py). Only a form judged by `may_return`
    that has an arrival day (a charter subsidy's origin is no worker's)."""
    county, arrival = data.get(spec.risk_origin or ""), data.get("arrival_date")
    if spec.risk_rule != "may_return" or not county or not arrival:
        return None, None
    return str(county), str(arrival)
