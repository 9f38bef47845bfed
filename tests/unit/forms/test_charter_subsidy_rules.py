"""包车/专列补助: who is eligible (outside Jinhua city, a low-risk area, more than 200
passengers together), each refusal naming its field, and the money never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.forms.charter_subsidy import JINHUA, PROVINCES, in_jinhua
from chalicelib.forms.types import fen
from tests.support.form_rules import MISSING, REQUIRED, UPLOAD, FormRules

CHARTER = FormRules(
    "charter-subsidy",
    {
        "origin_province": "贵州省",
        "origin_city": "安顺市",
        "origin_risk": "低风险",
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


# --- origin: outside Jinhua city ------------------------------------------------------------


@pytest.mark.parametrize(
    "city",
    ["金华", "金华市", "浙江金华", "浙江省金华市", " 金华市 ", "婺城区", "金东区", "兰溪市",
     "东阳市", "义乌", "义乌市", "永康市", "浦江县", "武义县", "磐安县"],
)  # fmt: skip
def test_an_origin_in_jinhua_city_is_refused_naming_the_city(city: str) -> None:
    # GIVEN a charter from Jinhua city or one of its districts and counties
    # THEN it is refused, the city named, in Chinese first
    fields = CHARTER.refused(origin_province="浙江省", origin_city=city)
    assert fields == {"origin_city": "出发地须在金华市以外，金华市内的包车不在补助范围"}


def test_the_jinhua_refusal_is_in_english_under_lang_en() -> None:
    fields = CHARTER.refused("en", origin_province="浙江省", origin_city="金华市")
    assert fields["origin_city"].startswith("The origin must be outside Jinhua city")


@pytest.mark.parametrize("city", ["杭州市", "温州", "衢州市", "丽水市", "台州市"])
def test_another_city_of_zhejiang_is_accepted(city: str) -> None:
    assert CHARTER.accepted(origin_province="浙江省", origin_city=city)


def test_a_city_named_like_jinhua_in_another_province_is_not_jinhua() -> None:
    # GIVEN a province other than Zhejiang THEN no city of it is Jinhua's
    assert not in_jinhua("江西省", "金华")
    assert all(in_jinhua("浙江省", place) for place in JINHUA)


@pytest.mark.parametrize("province", PROVINCES)
def test_every_listed_province_is_accepted_with_a_city_outside_jinhua(province: str) -> None:
    assert CHARTER.accepted(origin_province=province, origin_city="某某市")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"origin_province": "金华"}, "origin_province", "请从列表中选择"),
        ({"origin_province": MISSING}, "origin_province", REQUIRED),
        ({"origin_city": " "}, "origin_city", REQUIRED),
        ({"origin_city": MISSING}, "origin_city", REQUIRED),
    ],
)
def test_an_origin_not_given_properly_is_refused(
    change: dict[str, object], field: str, message: str
) -> None:
    assert CHARTER.refused(**change)[field] == message


# --- risk level: only low ------------------------------------------------------------------


@pytest.mark.parametrize("risk", ["中风险", "高风险"])
def test_a_charter_from_a_medium_or_high_risk_area_is_refused(risk: str) -> None:
    fields = CHARTER.refused(origin_risk=risk)
    assert fields == {"origin_risk": "仅低风险地区出发的包车（专列）可申请补助"}


def test_an_unknown_risk_level_is_refused_as_a_choice() -> None:
    assert CHARTER.refused(origin_risk="low")["origin_risk"] == "请从列表中选择"


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
    fields = CHARTER.refused(
        origin_province="浙江省", origin_city="义乌市", origin_risk="高风险", passengers=12
    )
    assert set(fields) == {"origin_city", "origin_risk", "passengers"}


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
