"""包车/专列补助: who is eligible (a county outside Jinhua city, more than 200 passengers
together), each refusal naming its field, and the money never a float. The origin's risk
level is the map's (tests/unit/filing/test_charter_eligibility.py), never typed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.core import divisions
from chalicelib.forms.charter_subsidy import JINHUA_CITY, in_jinhua
from chalicelib.forms.types import fen
from tests.support.form_rules import MISSING, REQUIRED, UPLOAD, FormRules

CHARTER = FormRules(
    "charter-subsidy",
    {
        "origin_code": "520402",  # 贵州省安顺市西秀区
        "passengers": 230,
        "travel_date": "2020-02-20",
        "vehicle": "贵G12345",
        "cost": "48000.50",
        "passenger_list": UPLOAD.format(form="charter-subsidy", field="passenger_list", ext="csv"),
    },
)


def test_the_baseline_claim_is_accepted_and_its_cost_stored_as_text() -> None:
    # GIVEN a claim that follows every rule WHEN validated
    model = CHARTER.accepted()
    stored = model.model_dump(mode="json")
    # THEN the cost is a Decimal, stored as its exact text, never a float
    assert model.cost == Decimal("48000.50")  # type: ignore[attr-defined]
    assert stored["cost"] == "48000.50"
    assert fen(stored["cost"]) == 4800050


# --- origin: a county outside Jinhua city ----------------------------------------------------

JINHUA_COUNTIES = [c.code for c in divisions.counties_of("33") if c.city_code == JINHUA_CITY]
IN_JINHUA = "出发地须在金华市以外，金华市内的包车不在补助范围"
ORIGIN_REQUIRED = "请选择来源区县"
ORIGIN_UNKNOWN = "没有找到这个区县，请先选省份，再从列表中选择"


def test_the_origin_by_code_fills_the_names_as_the_data_writes_them() -> None:
    # GIVEN a claim naming its county by code WHEN validated
    stored = CHARTER.accepted().model_dump(mode="json")
    # THEN the province, city and county are the division data's
    assert (stored["origin_province"], stored["origin_city"], stored["origin_county"]) == (
        "贵州省",
        "安顺市",
        "西秀区",
    )


def test_every_county_of_jinhua_city_is_refused_naming_the_origin() -> None:
    # GIVEN a charter from each of Jinhua city's nine districts and counties
    assert len(JINHUA_COUNTIES) == 9 and "330702" in JINHUA_COUNTIES
    for code in JINHUA_COUNTIES:
        # THEN it is refused on origin_code, in Chinese first
        assert CHARTER.refused(origin_code=code) == {"origin_code": IN_JINHUA}


def test_the_jinhua_refusal_is_in_english_under_lang_en() -> None:
    fields = CHARTER.refused("en", origin_code="330782")
    assert fields["origin_code"].startswith("The origin must be outside Jinhua city")


@pytest.mark.parametrize("code", ["330102", "330302", "330802", "331102", "331002"])
def test_a_county_of_another_city_of_zhejiang_is_accepted(code: str) -> None:
    assert CHARTER.accepted(origin_code=code)


def test_jinhua_is_a_city_of_zhejiang_only() -> None:
    assert in_jinhua("330702") and not in_jinhua("360702") and not in_jinhua("?")


def test_a_county_of_every_province_outside_zhejiang_is_accepted() -> None:
    for province in divisions.provinces():
        if province.code != "33":
            assert CHARTER.accepted(origin_code=divisions.counties_of(province.code)[0].code)


def test_a_client_naming_the_county_by_its_names_is_resolved_to_its_code() -> None:
    # GIVEN a client that names the province, city and county (no code)
    names = {"origin_province": "贵州省", "origin_city": "遵义市", "origin_county": "湄潭县"}
    stored = CHARTER.accepted(origin_code=MISSING, **names).model_dump()
    # THEN the county's code is found and kept
    assert stored["origin_code"] == "520328"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"origin_code": MISSING}, ORIGIN_REQUIRED),
        ({"origin_code": ""}, ORIGIN_REQUIRED),
        # the first contract's province and city, without a county: no county to judge
        ({"origin_code": MISSING, "origin_province": "贵州省", "origin_city": "安顺市"},
         ORIGIN_REQUIRED),
        ({"origin_code": "999999"}, ORIGIN_UNKNOWN),
        ({"origin_code": "3307"}, ORIGIN_UNKNOWN),  # a city, not a county
        ({"origin_code": "5204021"}, "长度不能超过6个字符"),
    ],
)  # fmt: skip
def test_an_origin_not_given_properly_is_refused_on_its_code(
    change: dict[str, object], message: str
) -> None:
    assert CHARTER.refused(**change) == {"origin_code": message}


# --- risk level: the map's, never typed ----------------------------------------------------


@pytest.mark.parametrize("typed", ["低风险", "高风险", "low", "high", "none"])
def test_a_typed_risk_level_is_not_kept(typed: str) -> None:
    # GIVEN an old client that still sends a risk level WHEN validated
    # THEN it is dropped (the level is the map's, set at submission), not refused
    assert CHARTER.accepted(origin_risk=typed).model_dump()["origin_risk"] is None


def test_the_schema_says_the_origin_and_the_rule_that_judges_it() -> None:
    schema = CHARTER.spec.json_schema()
    origin = schema["properties"]["origin_code"]
    # THEN the origin is a county's code outside Jinhua city, judged by the charter rule
    assert origin["pattern"] == "^[0-9]{6}$" and origin["not"] == {"pattern": "^3307"}
    assert origin["x-risk-rule"] == "charter_accepts" and origin["x-division"] is True
    assert schema["properties"]["origin_risk"]["x-derived"] is True
    assert {"required": ["origin_code"]} in schema["anyOf"]
    assert {"minimum": 201} in schema["properties"]["passengers"]["allOf"]


# --- passengers: more than 200 -------------------------------------------------------------


@pytest.mark.parametrize("passengers", [201, "201", 1000])
def test_more_than_200_passengers_are_accepted(passengers: object) -> None:
    assert CHARTER.accepted(passengers=passengers)


@pytest.mark.parametrize("passengers", [200, 150, 1])
def test_200_passengers_or_fewer_are_refused_naming_passengers(passengers: int) -> None:
    fields = CHARTER.refused(passengers=passengers)
    assert fields == {"passengers": "同一趟包车（专列）须运送200人以上方可申请补助"}


@pytest.mark.parametrize(
    ("passengers", "message"),
    [(0, "不能小于1"), (250.5, "请输入整数"), (True, "请输入整数"), ("二百五十", "请输入整数")],
)
def test_passengers_not_a_positive_whole_number_are_refused(
    passengers: object, message: str
) -> None:
    assert CHARTER.refused(passengers=passengers)["passengers"] == message


# --- cost: yuan, at most two decimals, never a float ---------------------------------------


@pytest.mark.parametrize(
    ("cost", "stored"),
    [("48000", "48000.00"), ("48,000.5", "48000.50"), (48000.5, "48000.50"), (48000, "48000.00"),
     ("４８０００.１", "48000.10"), (0.1, "0.10")],
)  # fmt: skip
def test_a_cost_is_accepted_and_stored_exactly(cost: object, stored: str) -> None:
    assert CHARTER.accepted(cost=cost).model_dump(mode="json")["cost"] == stored


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("48000.555", "请输入金额（元），最多两位小数"),
        ("-1", "请输入金额（元），最多两位小数"),
        ("1e5", "请输入金额（元），最多两位小数"),
        (True, "请输入金额（元），最多两位小数"),
        ("0", "金额应大于0"),
        ("0.00", "金额应大于0"),
        ("", REQUIRED),
        ("9999999999", "金额过大"),
    ],
)
def test_a_bad_cost_is_refused_naming_cost(cost: object, message: str) -> None:
    assert CHARTER.refused(cost=cost) == {"cost": message}


# --- the rest: date, vehicle, the uploaded list, the enterprise ----------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"travel_date": "2020/02/20"}, "travel_date", "日期格式应为YYYY-MM-DD"),
        ({"vehicle": "贵"}, "vehicle", "长度应为2至20个字符"),
        ({"passenger_list": "名单.xlsx"}, "passenger_list", "请先上传文件，再提交"),
        ({"passenger_list": MISSING}, "passenger_list", REQUIRED),
        ({"enterprise_filing_id": "not-an-id"}, "enterprise_filing_id", "请填写企业复工备案的编号"),
    ],
)
def test_other_fields_are_refused_by_name(
    change: dict[str, object], field: str, message: str
) -> None:
    assert CHARTER.refused(**change) == {field: message}


def test_every_bad_field_is_named_at_once() -> None:
    fields = CHARTER.refused(origin_code="330782", vehicle="贵", passengers=12)
    assert set(fields) == {"origin_code", "vehicle", "passengers"}


def test_one_claim_per_trip_is_keyed_by_enterprise_date_and_origin() -> None:
    # GIVEN the claim's unique key THEN it joins the enterprise, the day and the origin
    data = CHARTER.accepted().model_dump(mode="json")
    assert CHARTER.spec.unique_value(data) == (
        "0123456789abcdef0123456789abcdef#2020-02-20#贵州省#安顺市"
    )


def test_the_charter_figures_count_claims_and_whole_yuan_from_the_stored_filing() -> None:
    from chalicelib.store.models import Filing

    # GIVEN a claim of 48000.50 yuan, approved at 45000.49
    data = CHARTER.accepted().model_dump(mode="json")
    filing = Filing(data=data, outputs={"finance": {"approved_amount": "45000.49"}})
    figures = {f.name: f for f in CHARTER.spec.figures}
    # THEN it counts one claim, 48001 yuan claimed (half up), 45000 approved
    assert {name: f.value(filing) for name, f in figures.items()} == {
        "claims": 1,
        "amount_claimed": 48001,
        "amount_approved": 45000,
    }
    # AND the approved amount counts only while approved; the claim while open too
    assert figures["amount_approved"].statuses == {"approved"}
    assert figures["claims"].statuses == {"submitted", "in_review", "approved"}
    # AND a claim not yet decided has approved nothing
    assert figures["amount_approved"].value(Filing(data=data)) == 0
