"""The public self-check, /check: "can I come back now, and what must I do", from the
rules in force (the county risk map, chalicelib/core/risk.py) for an origin county, a
health code and a travel mode. A GET form that works without script: the province
first, then its counties by city. It stores nothing (no rate window either: it writes
nothing to count)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib.core import divisions, risk
from chalicelib.core.i18n import N_, translate
from chalicelib.forms import code_labels, get_form
from chalicelib.web.form_view import division_choices
from chalicelib.web.pages import render
from chalicelib.web.request import lang_of, query, switch_url, wants_json
from chalicelib.web.responses import json_response

bp = Blueprint(__name__)

WORKER_FORM = "worker-return"  # whose health codes and travel modes the check offers
CHOOSE_COUNTY = N_("请选择来源区县")
CHOOSE_HEALTH = N_("请选择健康码颜色")
CHOOSE_MODE = N_("请选择返婺方式")


def _choices(name: str, lang: str) -> list[tuple[str, str]]:
    prop = get_form(WORKER_FORM).json_schema()["properties"][name]
    return list(code_labels(prop, lang).items())


@bp.route("/check", methods=["GET"])
def check_page() -> Response:
    from chalicelib.filing import eligibility

    request = bp.current_request
    lang = lang_of(request)
    asked = {
        name: (query(request, name) or "").strip()[:10]
        for name in ("province", "origin_code", "health_code", "travel_mode")
    }
    health = dict(_choices("health_code", lang))
    modes = dict(_choices("travel_mode", lang))
    picker = division_choices(asked["origin_code"], asked["province"], lang)
    county = divisions.county(asked["origin_code"])
    if county is not None and picker["province"] != county.province_code:
        county = None  # the province was changed: choose a county of the new one
    problems: dict[str, str] = {}
    if county is None:
        problems["origin_code"] = CHOOSE_COUNTY
    if asked["health_code"] not in health:
        problems["health_code"] = CHOOSE_HEALTH
    if asked["travel_mode"] not in modes:
        problems["travel_mode"] = CHOOSE_MODE
    verdict = None
    if county is not None and not problems:
        verdict = eligibility.check(county.code, asked["health_code"], asked["travel_mode"])
    if wants_json(request):
        if verdict is None or county is None:
            fields = {name: translate(lang, said) for name, said in problems.items()}
            return json_response({"error": "validation_error", "fields": fields}, 400)
        return json_response(_as_json(verdict, county, lang))
    path = "/check" + (
        f"?{urlencode({k: v for k, v in asked.items() if v})}" if any(asked.values()) else ""
    )
    return render(
        "check.html",
        lang=lang,
        switch_url=switch_url(path, lang),
        picker=picker,
        asked=asked,
        health=health,
        modes=modes,
        county=county,
        verdict=verdict,
        problems=problems if any(asked.values()) else {},
        level_labels=risk.LEVEL_LABELS,
    )


def _as_json(verdict: risk.Verdict, county: divisions.County, lang: str) -> dict[str, Any]:
    """200: the verdict of the rules in force, with the version it used."""
    return {
        "version": verdict.version,
        "county": {
            "code": county.code,
            "name": county.name,
            "city": county.city,
            "province": county.province,
        },
        "level": verdict.level,
        "may_return": verdict.admitted,
        "isolation_first": verdict.isolation_first,
        "charter_subsidy": verdict.charter_subsidy,
        "advice": [translate(lang, line) for line in verdict.advice()],
    }
