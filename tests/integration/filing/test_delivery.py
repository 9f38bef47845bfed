"""At-least-once delivery: every event handled twice, and all of them replayed late
and in reverse order, changes nothing and sends nothing twice."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.store import counters
from chalicelib.store.models import Document, Filing, Task
from tests.support.stack import Stack, enterprise


def deliver_twice(stack: Stack, seen: list[str]) -> None:
    """Each message now on the queue, delivered twice in one batch and once more alone."""
    while messages := stack.receive():
        bodies = [m["Body"] for m in messages]
        seen.extend(bodies)
        stack.deliver(bodies + bodies)
        for body in bodies:
            stack.deliver([body])


def state(stack: Stack, filing_id: str) -> dict[str, Any]:
    filing = Filing.get(filing_id)
    totals = counters.read(
        counters.filings_counter("enterprise-resumption", "白龙桥镇", s)
        for s in ("submitted", "in_review", "approved", "rejected")
    )
    return {
        "filing": (filing.status, filing.version, filing.steps.as_dict(), filing.document_codes()),
        "tasks": sorted((t.step, t.status, t.decision) for t in Task.query(filing_id)),
        "documents": sorted(d.code for d in Document.scan()),
        "counters": totals,
        "outbox": stack.outbox(),
    }


def test_duplicated_and_replayed_events_change_nothing_and_send_nothing_twice(
    stack: Stack,
) -> None:
    seen: list[str] = []
    # GIVEN a lifecycle whose every event is delivered three times as it happens
    filing_id = json.loads(stack.submit(enterprise()).body)["filing_id"]
    deliver_twice(stack, seen)
    assert stack.decide(stack.link("town"), "approve", "同意").status_code == 200
    deliver_twice(stack, seen)
    assert stack.decide(stack.link("district"), "approve").status_code == 200
    deliver_twice(stack, seen)
    after = state(stack, filing_id)

    # THEN it ended as one delivery would: approved, two documents, each message once
    assert after["filing"][0] == "approved"
    assert set(after["filing"][3]) == {"slip", "certificate"}
    assert len(after["documents"]) == 2
    sent = [m for m in after["outbox"] if m["filing_id"] == filing_id]  # not the phone's code
    purposes = [(m["channel"], m["to"], m["subject"]) for m in sent]
    assert len(purposes) == len(set(purposes))
    # town: email + sms; district: email + sms; applicant: received, 2 decisions and the
    # certificate, x2 channels
    assert len(sent) == 2 + 2 + 4 * 2
    assert (
        after["counters"][counters.filings_counter("enterprise-resumption", "白龙桥镇", "approved")]
        == 1
    )

    # WHEN every event is replayed again, late and in reverse order
    keys = {unquote_plus(json.loads(b)["Records"][0]["s3"]["object"]["key"]) for b in seen}
    assert {key.split("/")[0] for key in keys} == {"filings", "decisions", "approved"}
    stack.deliver(list(reversed(seen)))
    stack.pump()
    # THEN nothing changed and nothing more was sent
    assert state(stack, filing_id) == after
