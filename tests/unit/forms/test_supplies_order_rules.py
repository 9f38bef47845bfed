"""Every rule of the supplies order (防疫物资申领), accepted and refused; what an approved
order draws from the stock; how its figures move with its status; the staff's levels."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.filing import figures, stock
from chalicelib.forms import get_form
from chalicelib.forms.supplies_order import PER_ORDER
from chalicelib.store import counters

FORM = get_form("supplies-order")
ENTERPRISE_FILING = "0123456789abcdef0123456789abcdef"
NOTHING = "口罩、消毒液、体温计至少申领一种"


def valid_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "enterprise_filing_id": ENTERPRISE_FILING,
        "enterprise_name": "金华市婺城区某某机械有限公司",
        "town": "白龙桥镇",
        "contact_name": "张三",
        "contact_phone": "13812345678",
        "contact_email": "zhangsan@example.com",
        "masks": 500,
        "disinfectant": 10,
        "thermometers": 5,
        "purpose": "员工120人复工",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def refused(data: dict[str, Any], lang: str = "zh") -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        FORM.validate(data, lang)
    return caught.value.fields


def test_a_complete_order_is_accepted_as_sent_by_a_form() -> None:
    # GIVEN the quantities as an HTML form sends them (text), thermometers left out
    data = valid_data(masks="200", disinfectant="3", thermometers=None, purpose=None)
    # WHEN validated THEN the numbers are numbers and what is absent is zero
    order = FORM.validate(data)
    assert (order.masks, order.disinfectant, order.thermometers) == (200, 3, 0)  # type: ignore[attr-defined]


def test_an_order_of_nothing_is_refused() -> None:
    # WHEN every quantity is zero, or absent THEN refused on the last item, in both languages
    assert refused(valid_data(masks=0, disinfectant=0, thermometers=0)) == {"thermometers": NOTHING}
    absent = valid_data(masks=None, disinfectant=None, thermometers=None)
    assert refused(absent) == {"thermometers": NOTHING}
    assert refused(absent, "en") == {
        "thermometers": "Order at least one of masks, disinfectant or thermometers"
    }


@pytest.mark.parametrize(
    ("item", "zh", "en"),
    [
        ("masks", "单次申领不超过10000只", "At most 10000 masks per order"),
        ("disinfectant", "单次申领不超过100桶", "At most 100 barrels of disinfectant per order"),
        ("thermometers", "单次申领不超过50支", "At most 50 thermometers per order"),
    ],
)
def test_more_than_one_order_may_ask_for_is_refused(item: str, zh: str, en: str) -> None:
    # GIVEN the most one order may ask for: accepted
    FORM.validate(valid_data(**{item: PER_ORDER[item]}))
    # WHEN one more THEN refused, naming the item and the limit
    assert refused(valid_data(**{item: PER_ORDER[item] + 1})) == {item: zh}
    assert refused(valid_data(**{item: PER_ORDER[item] + 1}), "en") == {item: en}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"masks": -1}, {"masks": "不能为负数"}),
        ({"disinfectant": "1.5"}, {"disinfectant": "请输入整数"}),
        ({"thermometers": "三"}, {"thermometers": "请输入整数"}),
        ({"town": "金东区"}, {"town": "请选择婺城区的镇（乡、街道）"}),
        ({"contact_phone": "12345"}, {"contact_phone": "请输入11位手机号码"}),
        ({"contact_email": "not-an-email"}, {"contact_email": "请输入有效的电子邮箱"}),
        ({"enterprise_name": "甲"}, {"enterprise_name": "长度应为2至100个字符"}),
        ({"gloves": 5}, {"gloves": "不接受此字段"}),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, Any], fields: dict[str, str]) -> None:
    assert refused(valid_data(**changes)) == fields


def test_every_missing_required_field_is_named_at_once() -> None:
    fields = refused({"masks": 1})
    assert set(fields) == {
        "enterprise_filing_id",
        "enterprise_name",
        "town",
        "contact_name",
        "contact_phone",
    }
    assert set(fields.values()) == {"请填写此项"}


def test_a_bad_enterprise_filing_id_is_refused_before_any_lookup() -> None:
    assert set(refused(valid_data(enterprise_filing_id="../etc/passwd"))) == {
        "enterprise_filing_id"
    }


def test_the_order_names_an_approved_enterprise_filing_of_its_own_town() -> None:
    ref = FORM.references["enterprise_filing_id"]
    assert (ref.form, ref.status) == ("enterprise-resumption", "approved")
    assert ref.same == {"town": "town"}
    assert ref.same_message("zh") == "须与企业复工备案的所在镇（乡、街道）一致"


def test_the_town_approves_it_routed_by_the_orders_town() -> None:
    (step,) = FORM.workflow.steps
    assert (step.id, step.role, step.route_field) == ("town", "town_office", "town")


def test_an_approved_order_draws_its_quantities() -> None:
    data = FORM.validate(valid_data(masks=7, disinfectant=0, thermometers=2)).model_dump()
    assert FORM.draws is not None
    assert dict(FORM.draws(data)) == {"masks": 7, "disinfectant": 0, "thermometers": 2}
    assert set(FORM.draws(data)) == set(stock.ITEMS)  # every item the stock knows


def filing(status: str, **data: Any) -> Any:
    """What a figure reads of a stored filing: its status, town and data."""
    return SimpleNamespace(status=status, town="白龙桥镇", data=data)


def test_its_figures_move_with_its_status() -> None:
    order = {"masks": 30, "disinfectant": 2, "thermometers": 0}
    masks_asked = counters.figure_counter(FORM.id, "白龙桥镇", "masks_requested")
    masks_given = counters.figure_counter(FORM.id, "白龙桥镇", "masks_approved")
    barrels_given = counters.figure_counter(FORM.id, "白龙桥镇", "disinfectant_approved")
    # WHEN it is submitted THEN what it asks for is counted as requested
    assert figures.figure_changes(FORM, None, filing("submitted", **order))[masks_asked] == 30
    # WHEN it opens for review THEN nothing moves (still requested)
    assert (
        figures.figure_changes(FORM, filing("submitted", **order), filing("in_review", **order))
        == {}
    )
    # WHEN approved THEN it moves from requested to approved; a zero moves nothing
    moved = figures.figure_changes(FORM, filing("in_review", **order), filing("approved", **order))
    assert moved[masks_asked] == -30 and moved[masks_given] == 30 and moved[barrels_given] == 2
    assert not any("thermometers" in name for name in moved)
    # WHEN an approved order is withdrawn THEN it no longer counts
    moved = figures.figure_changes(FORM, filing("approved", **order), filing("withdrawn", **order))
    assert moved == {masks_given: -30, barrels_given: -2}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"masks": -1}, {"masks"}),
        ({"masks": True}, {"masks"}),
        ({"masks": 1.5}, {"masks"}),
        ({"masks": stock.MAX_LEVEL + 1}, {"masks"}),
        ({"gloves": 3, "thermometers": 2}, {"gloves"}),
        ({}, {"_body"}),
        ([1, 2], {"_body"}),
    ],
)
def test_staff_levels_are_whole_numbers_of_known_items(body: Any, fields: set[str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        stock.parse_levels(body)
    assert set(caught.value.fields) == fields


def test_staff_levels_are_accepted_as_numbers_or_their_digits() -> None:
    assert stock.parse_levels({"masks": 3000, "disinfectant": "1000", "thermometers": 0}) == {
        "masks": 3000,
        "disinfectant": 1000,
        "thermometers": 0,
    }


def test_each_quantitys_hint_names_its_limit_per_order() -> None:
    """The hints are written out (the pages' catalogue translates them): they must say
    the limit the rule enforces."""
    from chalicelib.forms import supplies_order

    fields = supplies_order.SuppliesOrder.model_fields
    for item, most in supplies_order.PER_ORDER.items():
        assert f"不超过{most}" in str(fields[item].description), item
