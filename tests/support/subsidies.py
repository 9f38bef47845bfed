"""The subsidy claims' bodies (charter-subsidy, support-subsidy) for an approved
enterprise, naming their uploaded file; a passenger list of 230 people."""

from __future__ import annotations

from typing import Any

ANSHUN = "520402"  # 贵州省安顺市西秀区: low on the builtin map, outside Jinhua
ZUNYI = "520302"  # 贵州省遵义市红花岗区: another city of the same province
PASSENGERS = b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x89\x8b\xe6\x9c\xba\n" + b"x,13800000000\n" * 230


def charter(enterprise_id: str, passenger_list: str, **changes: Any) -> dict[str, Any]:
    body = {
        "enterprise_filing_id": enterprise_id,
        "enterprise_name": "金华市婺城区示例机械有限公司",
        "town": "白龙桥镇",
        "contact_name": "王五",
        "contact_phone": "13905791234",
        "contact_email": "wang@example.com",
        "origin_code": ANSHUN,
        "passengers": 230,
        "travel_date": "2020-02-20",
        "vehicle": "贵G12345",
        "cost": "48000.50",
        "passenger_list": passenger_list,
    }
    body.update(changes)
    return body


def support(enterprise_id: str, supporting_file: str, **changes: Any) -> dict[str, Any]:
    body = {
        "enterprise_filing_id": enterprise_id,
        "enterprise_name": "金华市婺城区示例机械有限公司",
        "town": "白龙桥镇",
        "contact_name": "王五",
        "contact_phone": "13905791234",
        "category": "防疫物资",
        "amount": "12000",
        "supporting_file": supporting_file,
    }
    body.update(changes)
    return body
