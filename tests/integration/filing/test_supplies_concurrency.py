"""Fifty approvals at once against a stock of ten: exactly ten orders are served and the
stock ends at zero, never below. The emulator's writes are atomic as DynamoDB's are
(tests/support/stack.py's faithful_dynamodb), so this tests the condition on the stock
level; without it, the orders that all read "10 left" would all be served."""

from __future__ import annotations

import json
import threading

from chalicelib import links
from chalicelib.core.errors import Conflict
from chalicelib.filing import advance, approve, stock
from chalicelib.store.models import Filing
from tests.support.stack import Stack
from tests.support.supplies import FORM, TOWN, approved_enterprise, figure, left, order

ORDERS = 50
STOCK = 10
REDELIVERIES = 20  # SQS hands a failed message back; a lost race is such a failure


def test_fifty_concurrent_approvals_against_a_stock_of_ten_allocate_exactly_ten(
    stack: Stack,
) -> None:
    # GIVEN 10 thermometers in the town and 50 orders of one each, open for its decision
    stock.set_levels(TOWN, {"thermometers": STOCK}, "test")
    employer = approved_enterprise(stack)
    ids = []
    for _ in range(ORDERS):
        answer = stack.post_json(f"/api/filings/{FORM}", order(employer, thermometers=1))
        assert answer.status_code == 201
        ids.append(json.loads(answer.body)["filing_id"])
    stack.pump()
    assert all(Filing.get(i).step_status("town") == "open" for i in ids)

    # WHEN the town's office approves all fifty at once: each thread POSTs one approval
    # link (the route's own call: Chalice's test client shares one request between
    # threads) and then runs the decision's event handler, as Lambda would concurrently
    start = threading.Barrier(ORDERS)
    failures: list[BaseException] = []

    def approve_one(filing_id: str) -> None:
        try:
            token = links.approval_token(filing_id, "town", 1)
            start.wait()
            approve.decide(token, "approve", "", "127.0.0.1")
            for _ in range(REDELIVERIES):
                try:
                    advance.on_decided(filing_id, "town")
                    return
                except Conflict:
                    continue
            raise AssertionError(f"{filing_id}: still conflicting")
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            failures.append(exc)

    threads = [threading.Thread(target=approve_one, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    stack.pump()  # the same decisions delivered again by S3 -> SQS: they change nothing

    # THEN exactly ten orders are approved, the forty others refused naming what is left
    statuses = [Filing.get(i) for i in ids]
    approved = [f for f in statuses if f.status == "approved"]
    refused = [f for f in statuses if f.status == "rejected"]
    assert len(approved) == STOCK
    assert len(refused) == ORDERS - STOCK
    assert {f.reason for f in refused} == {"库存不足：体温计剩余 0 支，申领 1 支"}
    # AND the stock is at zero, not below, and the figure counts the ten handed out
    assert left()["thermometers"] == 0
    assert figure("thermometers_approved") == STOCK
