"""The county risk map as versioned data: a staff upload validated whole, stored once
in S3 with its version in DynamoDB; a worker's origin judged by the version in force,
which the filing records; every bad upload a 400 naming the problem, nothing stored."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.settings import get_settings
from chalicelib.store.models import Filing, RiskMapVersion
from tests.support.risk_maps import (
    HONGSHAN,
    MEITAN,
    WUCHENG,
    WUHAN_JIANGAN,
    csv_map,
    district_token,
    town_token,
    upload,
)
from tests.support.stack import Stack
from tests.support.workers import approved_employer, worker

WORKERS = "/api/filings/worker-return"


def test_a_csv_upload_becomes_the_version_in_force(stack: Stack) -> None:
    # GIVEN the district office's upload of three counties
    answer = upload(stack, csv_map({WUHAN_JIANGAN: "high", HONGSHAN: "medium", WUCHENG: "low"}))
    # THEN it is a new version, stored once in S3 and named in DynamoDB
    assert answer.status_code == 201, answer.body
    summary = json.loads(answer.body)
    assert summary["counties"] == 3
    assert summary["by_level"]["high"] == 1 and summary["by_level"]["medium"] == 1
    assert summary["rules"]["may_return"] == ["low", "medium_low", "medium", "medium_high"]
    rows = list(RiskMapVersion.query("risk-map"))
    assert [r.version for r in rows] == [summary["version"]]
    key = f"risk-maps/{summary['version']}.json"
    stored = json.loads(stack.s3.get_object(Bucket=get_settings().bucket, Key=key)["Body"].read())
    assert stored["counties"] == {WUCHENG: "low", WUHAN_JIANGAN: "high", HONGSHAN: "medium"}
    # AND the public read of the map in force is that version
    current = json.loads(stack.client.http.get("/api/risk-maps/current").body)
    assert current["version"] == summary["version"]
    assert current["counties"][WUHAN_JIANGAN] == "high"


def test_a_json_upload_sets_the_rules_and_a_later_csv_keeps_them(stack: Stack) -> None:
    # GIVEN a JSON map whose rules refuse yellow codes and accept medium for charters
    rules = {"refused_health_codes": ["red", "yellow"], "charter_accepts": ["low", "medium"]}
    first = upload(
        stack, {"published": "2020-02-20", "counties": {MEITAN: "medium"}, "rules": rules}
    )
    assert first.status_code == 201, first.body
    # WHEN a CSV map follows (a CSV carries levels only)
    second = upload(stack, csv_map({MEITAN: "low"}))
    # THEN the new version keeps the rules in force, and is the newer one
    assert second.status_code == 201
    current = json.loads(stack.client.http.get("/api/risk-maps/current").body)
    assert current["version"] == json.loads(second.body)["version"]
    assert current["rules"]["refused_health_codes"] == ["yellow", "red"]
    assert current["rules"]["charter_accepts"] == ["low", "medium"]


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        (
            csv_map({"999999": "low"}),
            {"counties.999999": "没有这个区县代码（应为6位县级行政区划代码）"},
        ),
        (
            csv_map({"3307": "low"}),
            {"counties.3307": "没有这个区县代码（应为6位县级行政区划代码）"},
        ),
        (
            csv_map({WUCHENG: "purple"}),
            {f"counties.{WUCHENG}": "风险等级应为 low、medium_low、medium、medium_high、high 之一"},
        ),
        ("code,level\n330702,low\n330702,high\n", {"counties.330702": "区县重复出现"}),
        (
            "county;risk\n330702;low\n",
            {"file": "文件应为UTF-8编码的CSV（code,level）或JSON（counties、rules）"},
        ),
        ("code,level\n", {"file": "文件中没有区县"}),
        (
            {"counties": [WUCHENG]},
            {"file": "文件应为UTF-8编码的CSV（code,level）或JSON（counties、rules）"},
        ),
        (
            {"counties": {WUCHENG: "low"}, "rules": {"may_return": ["green"]}},
            {"rules.may_return": "规则应为风险等级（或健康码颜色）的列表"},
        ),
        (
            {"counties": {WUCHENG: "low"}, "rules": {"open_borders": []}},
            {"rules.open_borders": "没有这条规则"},
        ),
        (
            {"counties": {WUCHENG: "low"}, "published": "2020-02-30"},
            {"published": "日期格式应为YYYY-MM-DD"},
        ),
        (
            {
                "counties": {WUCHENG: "low"},
                "rules": {"may_return": ["low"], "isolation_first": ["medium"]},
            },
            {"rules.isolation_first": "须先隔离的等级必须是可以返回的等级"},
        ),
    ],
)
def test_a_bad_upload_is_refused_naming_it_with_nothing_stored(
    stack: Stack, content: Any, problems: dict[str, str]
) -> None:
    # GIVEN an upload with one problem (an unknown county, a bad level, a malformed file)
    before = stack.item_count()
    answer = upload(stack, content)
    # THEN 400 names it, and nothing is stored
    assert answer.status_code == 400
    assert json.loads(answer.body) == {"error": "validation_error", "fields": problems}
    assert stack.item_count() == before


def test_every_problem_is_named_at_once_and_in_english_on_request(stack: Stack) -> None:
    answer = stack.client.http.post(
        f"/api/risk-maps?token={district_token()}",
        headers={"Content-Type": "text/csv", "Accept-Language": "en"},
        body=b"code,level\n999999,low\n330702,purple\n",
    )
    assert answer.status_code == 400
    fields = json.loads(answer.body)["fields"]
    assert set(fields) == {"counties.999999", "counties.330702"}
    assert all(text.isascii() for text in fields.values())


def test_a_binary_file_is_refused(stack: Stack) -> None:
    before = stack.item_count()
    answer = stack.client.http.post(
        f"/api/risk-maps?token={district_token()}",
        headers={"Content-Type": "text/csv"},
        body=b"\xff\xfe\x00code",
    )
    assert answer.status_code == 400
    assert list(json.loads(answer.body)["fields"]) == ["file"]
    assert stack.item_count() == before


@pytest.mark.parametrize(("token", "status"), [("", 403), ("tampered", 403)])
def test_an_upload_without_a_good_link_is_refused(stack: Stack, token: str, status: int) -> None:
    before = stack.item_count()
    assert upload(stack, csv_map({WUCHENG: "low"}), token=token).status_code == status
    assert stack.item_count() == before


def test_a_towns_link_may_not_set_the_districts_map(stack: Stack) -> None:
    before = stack.item_count()
    answer = upload(stack, csv_map({WUCHENG: "high"}), token=town_token())
    assert answer.status_code == 403
    assert stack.item_count() == before


def test_another_content_type_is_415(stack: Stack) -> None:
    answer = stack.client.http.post(
        f"/api/risk-maps?token={district_token()}",
        headers={"Content-Type": "application/xml"},
        body=b"<map/>",
    )
    assert answer.status_code == 415


# --- the worker's origin judged by the map in force --------------------------------------


def test_before_any_upload_the_builtin_rules_judge_and_are_recorded(stack: Stack) -> None:
    employer = approved_employer(stack)
    answer = stack.post_json(WORKERS, worker(employer, origin_risk="high"))
    assert answer.status_code == 201, answer.body
    filing = Filing.get(json.loads(answer.body)["filing_id"])
    # a typed level is not kept: every county is low before the first map
    assert filing.data["origin_risk"] == "low"
    assert filing.data["origin_code"] == MEITAN
    assert filing.outputs["risk"] == {
        "version": "builtin",
        "county": MEITAN,
        "level": "low",
        "isolation_first": False,
    }


def test_a_worker_from_a_county_that_may_not_return_is_refused(stack: Stack) -> None:
    employer = approved_employer(stack)
    assert upload(stack, csv_map({MEITAN: "high"})).status_code == 201
    before = stack.item_count()
    answer = stack.post_json(WORKERS, worker(employer, origin_risk="low"))
    assert answer.status_code == 400
    assert json.loads(answer.body)["fields"] == {"origin_code": "来源地区县当前风险等级暂不能返婺"}
    assert stack.item_count() == before


def test_a_medium_origin_is_taken_with_isolation_first_and_its_version(stack: Stack) -> None:
    employer = approved_employer(stack)
    version = json.loads(upload(stack, csv_map({HONGSHAN: "medium"})).body)["version"]
    answer = stack.post_json(WORKERS, worker(employer, origin_code=HONGSHAN))
    assert answer.status_code == 201, answer.body
    filing = Filing.get(json.loads(answer.body)["filing_id"])
    assert (filing.data["origin_province"], filing.data["origin_county"]) == ("湖北省", "洪山区")
    assert filing.data["origin_risk"] == "medium"
    assert filing.outputs["risk"] == {
        "version": version,
        "county": HONGSHAN,
        "level": "medium",
        "isolation_first": True,
    }


def test_a_health_code_the_rules_refuse_is_named(stack: Stack) -> None:
    employer = approved_employer(stack)
    rules = {"refused_health_codes": ["red", "yellow"]}
    assert upload(stack, {"counties": {MEITAN: "low"}, "rules": rules}).status_code == 201
    answer = stack.post_json(WORKERS, worker(employer, health_code="yellow"))
    assert answer.status_code == 400
    assert list(json.loads(answer.body)["fields"]) == ["health_code"]


# --- the dashboard's form ----------------------------------------------------------------


def post_form(stack: Stack, token: str, **fields: str) -> Any:
    return stack.client.http.post(
        f"/dashboard/risk-maps?token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(fields).encode(),
    )


def test_the_dashboard_form_publishes_a_version_and_shows_it(stack: Stack) -> None:
    token = district_token()
    page = stack.client.http.get(f"/dashboard?token={token}").body.decode()
    assert "尚未上传风险地图" in page and 'action="/dashboard/risk-maps?token=' in page
    answer = post_form(stack, token, format="csv", content=csv_map({WUHAN_JIANGAN: "high"}))
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("#risk-map")
    page = stack.client.http.get(f"/dashboard?token={token}").body.decode()
    version = RiskMapVersion.query("risk-map").next().version
    assert version in page and 'data-level="high"><strong>1</strong>' in page


def test_the_dashboard_form_refuses_a_bad_map_naming_it(stack: Stack) -> None:
    before = stack.item_count()
    answer = post_form(stack, district_token(), format="csv", content="code,level\n123456,low\n")
    assert answer.status_code == 400
    assert "counties.123456" in answer.body.decode()
    assert stack.item_count() == before


def test_a_towns_dashboard_shows_the_map_without_the_form(stack: Stack) -> None:
    token = town_token()
    page = stack.client.http.get(f"/dashboard?token={token}").body.decode()
    assert 'id="risk-map"' in page and "/dashboard/risk-maps" not in page
    before = stack.item_count()
    assert (
        post_form(stack, token, format="csv", content=csv_map({WUCHENG: "low"})).status_code == 403
    )
    assert stack.item_count() == before
