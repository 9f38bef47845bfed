"""防疫物资申领 (supplies-order): an order from an approved enterprise of the stocked town,
placed for the town's decision; the town's figures and what is left of its stock."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.filing import stock
from chalicelib.store import counters
from tests.support import stack as stacks
from tests.support.stack import Stack

TOWN = "白龙桥镇"
FORM = "supplies-order"


def approved_enterprise(stack: Stack, serial: int = 1, town: str = TOWN) -> str:
    """An approved enterprise filing of the stocked town."""
    return stacks.approved_enterprise(stack, serial, town=town)


def order(enterprise_id: str, town: str = TOWN, **quantities: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "enterprise_filing_id": enterprise_id,
        "enterprise_name": "金华市婺城区示例机械有限公司",
        "town": town,
        "contact_name": "王五",
        "contact_phone": "13905791234",
        "contact_email": "wang@example.com",
        "masks": 0,
        "disinfectant": 0,
        "thermometers": 0,
    }
    body.update(quantities)
    return body


def place(stack: Stack, body: dict[str, Any]) -> str:
    """An order submitted and opened for the town's decision."""
    answer = stack.post_json(f"/api/filings/{FORM}", body)
    assert answer.status_code == 201, answer.body
    stack.pump()
    return str(json.loads(answer.body)["filing_id"])


def figure(name: str, town: str = TOWN) -> int:
    counter = counters.figure_counter(FORM, town, name)
    return counters.read([counter])[counter]


def left(town: str = TOWN) -> dict[str, int]:
    return stock.levels([town])[town]
