"""The public self-check (/check) from the rules in force, storing nothing; and the
worker form's county picker without script (a province, then its counties by city)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.support.risk_maps import HONGSHAN, MEITAN, WUHAN_JIANGAN, csv_map, upload
from tests.support.stack import Stack


def check(stack: Stack, json_answer: bool = False, **asked: str) -> tuple[int, str]:
    headers = {"Accept": "application/json"} if json_answer else {}
    answer = stack.client.http.get(f"/check?{urlencode(asked)}", headers=headers)
    return answer.status_code, answer.body.decode()


def test_the_check_lists_the_provinces_then_the_counties_by_city(stack: Stack) -> None:
    status, page = check(stack)
    assert status == 200 and "返婺自查" in page and '<option value="42">湖北省</option>' in page
    assert 'name="origin_code"' not in page  # no county before a province
    status, page = check(stack, province="42")
    assert (
        '<optgroup label="武汉市">' in page
        and f'<option value="{HONGSHAN}">洪山区</option>' in page
    )


def test_a_county_at_high_risk_may_not_come_back_and_nothing_is_stored(stack: Stack) -> None:
    version = json.loads(upload(stack, csv_map({WUHAN_JIANGAN: "high"})).body)["version"]
    before = stack.item_count()
    asked = {"province": "42", "origin_code": WUHAN_JIANGAN, "health_code": "green"}
    status, page = check(stack, travel_mode="train", **asked)
    assert status == 200 and "暂不能返婺" in page and version in page
    status, body = check(stack, True, travel_mode="train", **asked)
    verdict = json.loads(body)
    assert (verdict["may_return"], verdict["level"], verdict["version"]) == (False, "high", version)
    assert stack.item_count() == before


def test_a_medium_county_must_isolate_first_in_english(stack: Stack) -> None:
    upload(stack, csv_map({HONGSHAN: "medium"}))
    asked = {"province": "42", "origin_code": HONGSHAN, "health_code": "green"}
    status, page = check(stack, travel_mode="charter", lang="en", **asked)
    assert status == 200 and "May return" in page
    assert "isolate at your lodging for 14 days" in page
    assert "does not qualify for the charter subsidy" in page


def test_an_incomplete_or_hostile_check_names_what_is_missing(stack: Stack) -> None:
    before = stack.item_count()
    status, page = check(stack, province="52", origin_code="<script>", health_code="purple")
    assert status == 200 and "请选择来源区县" in page and "请选择健康码颜色" in page
    assert "<script>" not in page
    status, body = check(stack, True, province="52", origin_code=MEITAN, health_code="green")
    assert status == 400
    assert json.loads(body) == {
        "error": "validation_error",
        "fields": {"travel_mode": "请选择返婺方式"},
    }
    # a county of another province than the one chosen: choose again
    status, page = check(
        stack, province="33", origin_code=MEITAN, health_code="green", travel_mode="car"
    )
    assert "请选择来源区县" in page
    assert stack.item_count() == before


def test_the_worker_form_picks_the_county_by_province(stack: Stack) -> None:
    page = stack.client.http.get("/forms/worker-return").body.decode()
    assert 'id="pick-origin_code"' in page and "请先在上方选择省份" in page
    assert 'name="origin_province"' not in page and 'name="origin_risk"' not in page
    page = stack.client.http.get("/forms/worker-return?province=52").body.decode()
    assert '<optgroup label="遵义市">' in page
    assert f'<option value="{MEITAN}">湄潭县</option>' in page
