"""The risk rules as data (chalicelib/core/risk.py) and the division data they name
(chalicelib/core/divisions.py): an upload parsed and validated whole, a judgement over
one version."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chalicelib.core import divisions, risk

TODAY = date(2020, 2, 20)
BUILTIN = risk.builtin_map()


def parsed(text: str, kind: str = "csv") -> risk.RiskMap:
    return risk.parse_upload(text.encode(), kind, BUILTIN, TODAY)


def problems(text: str | bytes, kind: str = "csv") -> dict[str, str]:
    raw = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(risk.MapRefused) as refused:
        risk.parse_upload(raw, kind, BUILTIN, TODAY)
    return refused.value.problems


def test_the_division_data_has_every_county_with_its_city_and_province() -> None:
    assert len(divisions.provinces()) == 31
    assert divisions.county("330702") == divisions.County(
        "330702", "婺城区", "3307", "金华市", "33", "浙江省"
    )
    assert divisions.county("3307") is None and not divisions.is_county("999999")
    # a municipality's districts are grouped under its own name, not 市辖区
    assert [city for city, _ in divisions.by_city("11")] == ["北京市"]
    zhejiang = dict(divisions.by_city("33"))
    assert "婺城区" in [c.name for c in zhejiang["金华市"]]


def test_a_csv_map_is_read_with_its_extra_columns_and_blank_lines() -> None:
    found = parsed("name,code,level\n婺城区,330702,medium\n\n东城区,110101,high\n")
    assert dict(found.levels) == {"330702": "medium", "110101": "high"}
    assert found.published == "2020-02-20" and found.version == ""
    assert found.rules == risk.DEFAULT_RULES  # a CSV carries the rules in force over


def test_a_json_map_sets_its_date_default_and_rules() -> None:
    doc = {
        "published": "2020-02-21",
        "default_level": "medium_low",
        "counties": {"420102": "high"},
        "rules": {"may_return": ["low", "medium_low"], "isolation_first": ["medium_low"]},
    }
    found = parsed(json.dumps(doc), "json")
    assert found.level_of("420102") == "high" and found.level_of("330702") == "medium_low"
    assert found.rules.may_return == {"low", "medium_low"}
    assert found.rules.charter_accepts == risk.DEFAULT_RULES.charter_accepts  # not sent: kept


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("code,level\n999999,low\n", "counties.999999"),
        ("code,level\n330702,orange\n", "counties.330702"),
        ("code,level\n,low\n", "counties.line 2"),
        ("level\nlow\n", "file"),
        ("", "file"),
        ("code,level\n", "file"),
    ],
)
def test_a_bad_csv_names_its_problem(text: str, where: str) -> None:
    assert list(problems(text)) == [where]


def test_every_problem_is_named_up_to_a_limit() -> None:
    lines = "".join(f"99{n:04d},low\n" for n in range(50))
    assert len(problems("code,level\n" + lines)) == risk.MAX_PROBLEMS


def test_a_file_too_large_or_not_utf8_is_refused_whole() -> None:
    assert problems(b"\xff\xfe" + b"x" * 10) == {"file": risk.NOT_A_MAP}
    assert problems(b"code,level\n" + b"330702,low\n" * 7000) == {"file": risk.TOO_LARGE}


def test_a_stored_map_reads_back_as_it_was() -> None:
    found = parsed("code,level\n330702,high\n")
    assert risk.RiskMap.from_json(json.loads(json.dumps(found.as_json()))) == found


def test_the_counties_a_new_map_raises() -> None:
    older = parsed("code,level\n330702,medium\n110101,high\n")
    newer = parsed("code,level\n330702,high\n110101,low\n420102,medium\n")
    assert newer.raised_from(older) == {"330702", "420102"}


@pytest.mark.parametrize(
    ("level", "may", "isolation"),
    [
        ("low", True, False),
        ("medium_low", True, False),
        ("medium", True, True),
        ("medium_high", True, True),
        ("high", False, False),
    ],
)
def test_the_default_rules_judge_each_level(level: str, may: bool, isolation: bool) -> None:
    # GIVEN a county at each level, a green code, by train
    found = parsed(f"code,level\n330702,{level}\n")
    verdict = risk.judge(found, "330702", "green", "train")
    # THEN whether the worker may come back, and must isolate first, follow the rules
    assert (verdict.admitted, verdict.isolation_first) == (may, isolation)
    assert verdict.charter_subsidy is None
    assert verdict.record() == {
        "version": "",
        "county": "330702",
        "level": level,
        "isolation_first": isolation,
    }


def test_a_refused_health_code_and_the_charter_subsidy() -> None:
    verdict = risk.judge(BUILTIN, "330702", "red", "charter")
    assert verdict.health_refused and not verdict.admitted
    assert verdict.advice()[0].startswith("您的健康码颜色暂不能返婺")
    charter = risk.judge(BUILTIN, "330702", "green", "charter")
    assert charter.charter_subsidy is True
    assert any("企业可申请包车补助" in line for line in charter.advice())
