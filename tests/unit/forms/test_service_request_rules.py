"""助企服务: the request's categories and urgency, the labour demand a 用工 request must
give; the instructor's resolution (workers delivered for labour, the loss avoided)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.forms.messages import messages
from chalicelib.forms.service_request import CATEGORIES, URGENCIES, Assignment, Resolution
from tests.support.form_rules import MISSING, REQUIRED, FormRules

REQUEST = FormRules(
    "service-request",
    {"category": "物流", "urgency": "紧急", "description": "原材料运输车辆无法进入园区"},
)
LABOUR = {"category": "用工", "workers_needed": 150, "workers_on_duty": 11}


def test_the_baseline_request_is_accepted_without_labour_figures() -> None:
    data = REQUEST.accepted().model_dump(mode="json")
    assert (data["workers_needed"], data["workers_on_duty"]) == (None, None)


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_is_accepted(category: str) -> None:
    assert REQUEST.accepted(**{**LABOUR, "category": category})


@pytest.mark.parametrize("urgency", URGENCIES)
def test_every_urgency_is_accepted(urgency: str) -> None:
    assert REQUEST.accepted(urgency=urgency)


def test_a_labour_request_gives_its_demand() -> None:
    data = REQUEST.accepted(**LABOUR).model_dump(mode="json")
    assert (data["workers_needed"], data["workers_on_duty"]) == (150, 11)


@pytest.mark.parametrize("missing", ["workers_needed", "workers_on_duty"])
def test_a_labour_request_without_its_demand_is_refused_naming_it(missing: str) -> None:
    fields = REQUEST.refused(**{**LABOUR, missing: MISSING})
    assert fields == {missing: "用工需求须填写此项"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"category": "其他"}, "category", "请从列表中选择"),
        ({"urgency": "很急"}, "urgency", "请从列表中选择"),
        ({"description": "太难"}, "description", "长度应为5至500个字符"),
        ({"description": MISSING}, "description", REQUIRED),
        ({"workers_needed": -3}, "workers_needed", "不能为负数"),
    ],
)
def test_bad_fields_are_refused_by_name(
    change: dict[str, object], field: str, message: str
) -> None:
    assert REQUEST.refused(**change) == {field: message}


# --- the decision inputs -------------------------------------------------------------------


def resolution(data: dict[str, Any], **posted: Any) -> dict[str, Any]:
    return Resolution.model_validate(posted, context={"data": data}).model_dump(mode="json")


def resolution_errors(data: dict[str, Any], **posted: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Resolution.model_validate(posted, context={"data": data})
    return messages(caught.value)


def test_a_labour_resolution_records_workers_delivered_and_loss_avoided() -> None:
    # GIVEN a labour request (150 needed, 11 on duty) WHEN 80 are delivered
    done = resolution(
        LABOUR, resolution="三天内输送80人", workers_delivered="80", loss_avoided="2000000"
    )
    # THEN both figures are stored as whole numbers
    assert (done["workers_delivered"], done["loss_avoided"]) == (80, 2000000)


def test_a_labour_resolution_without_workers_delivered_is_refused_naming_it() -> None:
    errors = resolution_errors(LABOUR, resolution="已协调", loss_avoided="1000")
    assert errors == {"workers_delivered": "用工需求须填写此项"}


def test_another_resolution_needs_no_workers_but_always_the_loss_avoided() -> None:
    assert resolution({"category": "物流"}, resolution="已开通绿色通道", loss_avoided=0)
    errors = resolution_errors({"category": "物流"}, resolution="已开通绿色通道")
    assert errors == {"loss_avoided": REQUIRED}


def test_an_assignment_takes_only_an_offered_instructor() -> None:
    offered = {"instructor": [("白龙桥镇#1", "王指导员"), ("白龙桥镇#2", "李指导员")]}
    chosen = Assignment.model_validate({"instructor": "白龙桥镇#2"}, context={"choices": offered})
    assert chosen.instructor == "白龙桥镇#2"
    with pytest.raises(ValidationError) as caught:
        Assignment.model_validate({"instructor": "罗店镇#1"}, context={"choices": offered})
    assert messages(caught.value) == {"instructor": "请从列出的选项中选择"}


def test_the_service_figures_come_from_the_instructors_resolution() -> None:
    from chalicelib.store.models import Filing

    spec = REQUEST.spec
    outputs = {"resolve": {"workers_delivered": 80, "loss_avoided": 2000000}}
    filing = Filing(data=REQUEST.data(**LABOUR), outputs=outputs)
    values = {f.name: f.value(filing) for f in spec.figures}
    assert values == {"resolved": 1, "loss_avoided": 2000000, "workers_delivered": 80}
    assert all(f.statuses == {"approved"} for f in spec.figures)
    # AND a resolution without workers (not a labour request) counts 0 of them
    other = Filing(data=REQUEST.data(), outputs={"resolve": {"loss_avoided": 5}})
    assert [f.value(other) for f in spec.figures] == [1, 5, 0]
