"""帮扶补助: the three categories, each with its limit (configurable through
SUPPORT_LIMITS), a claim above its limit refused naming the amount."""

from __future__ import annotations

import pytest

from chalicelib.forms.support_subsidy import CATEGORIES
from chalicelib.settings import SUPPORT_LIMITS, get_settings
from tests.support.form_rules import MISSING, REQUIRED, UPLOAD, FormRules

SUPPORT = FormRules(
    "support-subsidy",
    {
        "category": "防疫物资",
        "amount": "12000",
        "description": "口罩、消毒液采购",
        "supporting_file": UPLOAD.format(
            form="support-subsidy", field="supporting_file", ext="pdf"
        ),
    },
)


def test_the_baseline_claim_is_accepted() -> None:
    assert SUPPORT.accepted().model_dump(mode="json")["amount"] == "12000.00"


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_accepts_a_claim_at_its_default_limit(category: str) -> None:
    # GIVEN no SUPPORT_LIMITS set WHEN a claim asks exactly its category's limit
    limit = SUPPORT_LIMITS[category]
    # THEN it is accepted
    assert SUPPORT.accepted(category=category, amount=str(limit))


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_claim_above_its_category_limit_is_refused_naming_amount(category: str) -> None:
    limit = SUPPORT_LIMITS[category]
    fields = SUPPORT.refused(category=category, amount=f"{limit}.01")
    assert fields == {"amount": f"{category}补助每家企业最多{limit}元"}


def test_the_limit_refusal_is_in_english_under_lang_en() -> None:
    fields = SUPPORT.refused("en", category="房租", amount="100000.01")
    assert fields == {"amount": "A 房租 subsidy is at most 100000 yuan"}


def test_the_limits_are_configured_by_support_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the rent limit lowered to 5000 yuan, the others left to their defaults
    monkeypatch.setenv("SUPPORT_LIMITS", '{"房租": 5000}')
    get_settings.cache_clear()
    # THEN a rent claim of 5000.01 is refused, 5000 accepted; supplies keep 50000
    assert SUPPORT.refused(category="房租", amount="5000.01") == {
        "amount": "房租补助每家企业最多5000元"
    }
    assert SUPPORT.accepted(category="房租", amount="5000")
    assert get_settings().support_limits["防疫物资"] == SUPPORT_LIMITS["防疫物资"]


@pytest.mark.parametrize("raw", ['["房租"]', '{"房租": -1}', '{"房租": 1.5}', '{"房租": true}'])
def test_a_malformed_support_limits_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("SUPPORT_LIMITS", raw)
    get_settings.cache_clear()
    with pytest.raises(RuntimeError, match="SUPPORT_LIMITS"):
        get_settings()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"category": "工资"}, "category", "请从列表中选择"),
        ({"category": MISSING}, "category", REQUIRED),
        ({"amount": "0"}, "amount", "金额应大于0"),
        ({"amount": "12.345"}, "amount", "请输入金额（元），最多两位小数"),
        ({"supporting_file": "发票.pdf"}, "supporting_file", "请先上传文件，再提交"),
        ({"supporting_file": MISSING}, "supporting_file", REQUIRED),
        ({"description": "长" * 201}, "description", "长度不能超过200个字符"),
        ({"enterprise_filing_id": MISSING}, "enterprise_filing_id", REQUIRED),
    ],
)
def test_bad_fields_are_refused_by_name(
    change: dict[str, object], field: str, message: str
) -> None:
    assert SUPPORT.refused(**change) == {field: message}


def test_an_unknown_category_does_not_also_blame_the_amount() -> None:
    # GIVEN a bad category THEN only the category is named (no limit to compare with)
    assert set(SUPPORT.refused(category="工资", amount="99999999")) == {"category"}
