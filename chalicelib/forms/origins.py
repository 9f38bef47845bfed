"""An origin named by a county (chalicelib/core/divisions.py), as the worker's and the
charter's forms take it: the county's code from the picker, its names derived from the
division data, and its risk level derived at submission from the map in force
(chalicelib/filing/eligibility.py), never typed."""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.core import divisions
from chalicelib.forms.messages import rule_error

OriginRisk = Literal["low", "medium_low", "medium", "medium_high", "high"]  # core/risk.py


def origin_by_code(data: object) -> object:
    """A model's data (before validation) with its origin's names filled from
    `origin_code`. A client of the first contract names the county by its province, city
    and county: resolved here to the code. Either way the stored names are the division
    data's, and a typed risk level (`origin_risk`) is not kept."""
    if not isinstance(data, dict):
        return data
    data = {k: v for k, v in data.items() if k != "origin_risk"}
    code = data.get("origin_code")
    if code in (None, ""):
        names = [data.get(f"origin_{part}") for part in ("province", "city", "county")]
        if all(isinstance(n, str) and n.strip() for n in names):
            found = divisions.find(*names)  # type: ignore[arg-type]
            data["origin_code"] = found.code if found else "?"
    found = (
        divisions.county(data["origin_code"]) if isinstance(data.get("origin_code"), str) else None
    )
    if found is not None:
        data["origin_province"], data["origin_city"] = found.province, found.city
        data["origin_county"] = found.name
    return data


def known_county(code: str | None) -> str:
    """The origin's code, or the refusal naming it: none chosen, or no such county."""
    if code is None:
        raise rule_error("origin_required", "请选择来源区县", "Choose the county of origin")
    if not divisions.is_county(code):
        raise rule_error(
            "origin_unknown",
            "没有找到这个区县，请先选省份，再从列表中选择",
            "No such county: choose the province, then the county from the list",
        )
    return code


def origin_schema_rules() -> dict[str, Any]:
    """`origin_by_code` and `known_county` said for a published schema: an origin is a
    county's code or its three names (which county a code or names are is the shipped
    divisions' to say: `x-division`)."""
    return {
        "properties": {"origin_code": {"pattern": "^[0-9]{6}$"}},  # a county's division code
        "anyOf": [
            {"required": ["origin_code"]},
            {"required": ["origin_province", "origin_city", "origin_county"]},
        ],
    }
