"""助企服务 (service-request): a labour request's body for an approved enterprise."""

from __future__ import annotations

from typing import Any


def request(enterprise_id: str, **changes: Any) -> dict[str, Any]:
    body = {
        "enterprise_filing_id": enterprise_id,
        "enterprise_name": "金华市婺城区示例机械有限公司",
        "town": "白龙桥镇",
        "contact_name": "王五",
        "contact_phone": "13905791234",
        "contact_email": "wang@example.com",
        "category": "用工",
        "urgency": "特急",
        "description": "订单恢复，缺少一线操作工",
        "workers_needed": 150,
        "workers_on_duty": 11,
    }
    body.update(changes)
    return body
