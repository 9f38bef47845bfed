"""The approver's page lays the filing out for a decision, the personal fields shown in
full to this approver and marked as such; a town's staff see them masked."""

from __future__ import annotations

import json
import re

from chalicelib.staff import access
from tests.support.exports import export
from tests.support.stack import Stack, enterprise


def test_the_approver_alone_sees_the_phone_in_full(stack: Stack) -> None:
    # GIVEN a filing in review at its town
    answer = stack.submit(enterprise(serial=71))
    assert answer.status_code == 201
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()

    # WHEN the town's approver opens the link
    page = stack.client.http.get(stack.link("town", filing_id))

    # THEN the contact's phone is shown in full, marked as shown to this approver alone
    assert page.status_code == 200
    html = page.body.decode()
    phone = re.search(
        r'<tr class="personal"><th scope="row">联系电话</th><td>([^<]+) <small>', html
    )
    assert phone is not None and phone.group(1) == "13905791234"
    assert "仅供本次审核使用" in html
    assert '<tr><th scope="row">企业名称</th>' in html  # not personal: no mark

    # AND the town's exports show it masked
    token = access.staff_token("town_office", "白龙桥镇")
    exported = export(stack, token, "csv").body.decode()
    assert "13905791234" not in exported and "139****1234" in exported
