"""Risk map uploads as staff make them: the district office's link, a CSV or JSON body."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.roles import DISTRICT_OFFICE, TOWN_OFFICE
from chalicelib.settings import get_settings
from chalicelib.staff import access
from tests.support.stack import Stack

WUCHENG, WUHAN_JIANGAN, MEITAN, HONGSHAN = "330702", "420102", "520328", "420111"


def district_token() -> str:
    return access.staff_token(DISTRICT_OFFICE, get_settings().district_scope)


def town_token(town: str = "罗埠镇") -> str:
    return access.staff_token(TOWN_OFFICE, town)


def upload(stack: Stack, content: str | dict[str, Any], token: str | None = None) -> Any:
    """POST /api/risk-maps: a str as CSV, a dict as JSON; the district's link by default."""
    is_json = isinstance(content, dict)
    raw = json.dumps(content, ensure_ascii=False) if is_json else str(content)
    path = "/api/risk-maps" + (f"?token={token or district_token()}" if token != "" else "")
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/json" if is_json else "text/csv"},
        body=raw.encode(),
    )


def csv_map(levels: dict[str, str]) -> str:
    return "code,level\n" + "".join(f"{code},{level}\n" for code, level in levels.items())
