"""A returning worker's registration (worker-return), against an approved employer; a
worker taken through every confirmation and check-in to the pass."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from stdnum.cn import ric

from chalicelib.core.clock import CHINA
from chalicelib.store.models import Filing
from tests.support.stack import Stack, approved_enterprise

WORKERS = "/api/filings/worker-return"
TODAY = datetime.now(CHINA).date()


def make_id(serial: int) -> str:
    base = f"33070219900307{serial % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


def worker(employer_filing_id: str, serial: int = 1, **changes: Any) -> dict[str, Any]:
    body = {
        "name": "冉德开",
        "id_number": make_id(serial),
        "phone": "13812340000",
        "email": "ran@example.com",
        "origin_province": "贵州省",
        "origin_city": "遵义市",
        "origin_county": "湄潭县",
        "origin_risk": "low",
        "health_code": "green",
        "travel_mode": "charter",
        "train_no": "",
        "arrival_date": TODAY.isoformat(),
        "employer_filing_id": employer_filing_id,
        "lodging_town": "罗埠镇",
        "lodging_village": "下徐村",
        "lodging_address": "下徐村12号",
        "symptoms_14d": False,
        "contact_history_14d": False,
    }
    body.update(changes)
    return body


def approved_employer(stack: Stack, serial: int = 7) -> str:
    return approved_enterprise(stack, serial)


def approved_worker(stack: Stack, employer: str, serial: int) -> tuple[str, str]:
    filing_id = json.loads(stack.post_json(WORKERS, worker(employer, serial=serial)).body)[
        "filing_id"
    ]
    stack.pump()
    for step in ("employer", "village", "checkin_employer", "checkin_village"):
        assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
        stack.pump()
    return filing_id, Filing.get(filing_id).document_codes()["pass"]
