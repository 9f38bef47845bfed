"""AWS calls per operation, against the minimum the design needs, and capacity units per
lifecycle: one enterprise filing and one returning worker, each from submission to its
last document, every event delivered on its own so that each is counted on its own.

The minimum of an operation is every write that takes effect and every message (no write
was found that the design does without) and the reads it cannot do without
(REQUIRED_READS): the calls above it are avoidable reads, and writes refused by their
condition (a message's claim taken again for a step already announced).
"""

from __future__ import annotations

import json
import time
from typing import Any

from benchmarks import harness as h

# Reads an operation cannot do without, by the design's rules.
REQUIRED_READS = {
    "submit enterprise-resumption": 0,
    "submit worker-return": 1,  # the employer's filing: approved, of the right form
    "roster row": 0,  # the employer is read once per upload, not per row
    "decide": 2,  # the task (the link's generation, still open) and the filing (not ended)
    "event filings/": 2,  # the filing; the first approver's contact
    "event decisions/town": 3,  # the filing, the decided task; the next approver's contact
    "event decisions/district": 2,
    "event decisions/employer": 3,
    "event decisions/village": 4,  # both check-ins open: two contacts
    "event decisions/checkin_employer": 2,
    "event decisions/checkin_village": 2,
    "event approved/certificate": 2,  # the filing; its decisions (printed on it)
    "event approved/docking_slip": 2,  # the filing; the employer's name
    "event approved/pass": 2,
    "verify": 2,  # the document; its filing's (and employer's) standing, one batch
    "approver page": 4,  # the task, the filing, the approver, the decisions so far
    "status page": 2,  # the filing, its steps' tasks
}


def required_reads(op: str) -> int:
    if op.startswith("decide "):
        return REQUIRED_READS["decide"]
    return REQUIRED_READS[op]


def row(op: str, tally: h.Tally, seconds: float) -> dict[str, Any]:
    minimum = tally.writes_count + tally.sends + required_reads(op)
    return {
        "op": op,
        "calls": dict(sorted(tally.calls.items())),
        "refused": sum(tally.refused.values()),
        "total": tally.total,
        "reads": tally.reads,
        "writes": tally.writes_count,
        "sends": tally.sends,
        "minimum": minimum,
        "rcu": tally.rcu,
        "wcu": tally.wcu,
        "moto_units": tally.moto_units,
        "s3_bytes": tally.s3_bytes,
        "seconds": seconds,
        "aws_seconds": tally.aws_seconds,
        "own_seconds": max(0.0, seconds - tally.aws_seconds - tally.meter_seconds),
        "writes_by_key": [(w.table, w.partition, w.units) for w in tally.writes],
    }


def measure(meter: h.Meter, op: str, fn: Any) -> tuple[dict[str, Any], Any]:
    with meter.measuring() as tally:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return row(op, tally, seconds), result


def events(stack: h.Stack, meter: h.Meter) -> list[dict[str, Any]]:
    """Each message on the queue delivered on its own, until none come."""
    from chalicelib.storage import APPROVED, DECISIONS, parse_event_key

    rows = []
    while messages := stack.receive():
        for message in messages:
            key = json.loads(message["Body"])["Records"][0]["s3"]["object"]["key"]
            prefix, parts = parse_event_key(key)
            label = prefix + (parts[1] if prefix in (DECISIONS, APPROVED) else "")
            r, _ = measure(meter, f"event {label}", lambda m=message: stack.deliver([m["Body"]]))
            rows.append(r)
    return rows


def lifecycle(stack: h.Stack, meter: h.Meter, form: str, body: dict[str, Any]) -> list[dict]:
    steps = h.ENTERPRISE_STEPS if form == "enterprise-resumption" else h.WORKER_STEPS
    r, filing_id = measure(meter, f"submit {form}", lambda: stack.submit(form, body))
    rows = [r, *events(stack, meter)]
    for step in steps:
        r, _ = measure(meter, f"decide {step}", lambda s=step: stack.decide(filing_id, s))
        rows += [r, *events(stack, meter)]
    return rows


def views(stack: h.Stack, meter: h.Meter, filing_id: str) -> list[dict[str, Any]]:
    from chalicelib import links
    from chalicelib.models import Filing

    rows = []
    code = next(iter(Filing.get(filing_id).document_codes().values()))
    r, _ = measure(
        meter,
        "verify",
        lambda: stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"}),
    )
    rows.append(r)
    token = links.status_token(filing_id)
    r, _ = measure(
        meter,
        "status page",
        lambda: stack.client.http.get(f"/api/filings/{filing_id}?token={token}"),
    )
    rows.append(r)
    return rows


def approver_page(stack: h.Stack, meter: h.Meter, filing_id: str, step: str) -> dict[str, Any]:
    from chalicelib import links

    path = f"/approve/{links.approval_token(filing_id, step, 1)}"
    r, answer = measure(meter, "approver page", lambda: stack.client.http.get(path))
    assert answer.status_code == 200, answer.body
    return r


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [
        "total",
        "reads",
        "writes",
        "refused",
        "sends",
        "minimum",
        "rcu",
        "wcu",
        "moto_units",
        "s3_bytes",
    ]
    out: dict[str, Any] = {k: sum(r[k] for r in rows) for k in keys}
    out["calls"] = {}
    for r in rows:
        for name, n in r["calls"].items():
            out["calls"][name] = out["calls"].get(name, 0) + n
    out["seconds"] = sum(r["seconds"] for r in rows)
    out["own_seconds"] = sum(r["own_seconds"] for r in rows)
    out["writes_by_key"] = [w for r in rows for w in r["writes_by_key"]]
    return out


def main() -> dict[str, Any]:
    meter = h.Meter()
    with h.stack(meter) as stack:
        # A first lifecycle of each, unmeasured: the first request of a process imports and
        # builds what later ones reuse (the cold start is measured on its own).
        warm = stack.submit("enterprise-resumption", h.enterprise(90))
        stack.pump()
        for step in h.ENTERPRISE_STEPS:
            stack.decide(warm, step)
            stack.pump()
        warm_worker = stack.submit("worker-return", h.worker(warm, 90))
        stack.pump()
        for step in h.WORKER_STEPS:
            stack.decide(warm_worker, step)
            stack.pump()

        enterprise = lifecycle(stack, meter, "enterprise-resumption", h.enterprise(1))
        employer = json.loads(stack.client.http.get("/dev/outbox").body)[-1]["filing_id"]
        # the newest message is the certificate's notice, to the enterprise just approved
        pending = stack.submit("worker-return", h.worker(employer, 2))
        stack.pump()
        page = approver_page(stack, meter, pending, "employer")
        worker = lifecycle(stack, meter, "worker-return", h.worker(employer, 1))
        worker_id = json.loads(stack.client.http.get("/dev/outbox").body)[-1]["filing_id"]
        seen = views(stack, meter, worker_id)
        rows_in_roster = 10
        r, ids = measure(
            meter, "roster row", lambda: stack.roster(employer, h.roster_csv(100, rows_in_roster))
        )
        assert len(ids) == rows_in_roster
        roster = dict(r, rows=rows_in_roster)
    return {
        "enterprise": enterprise,
        "worker": worker,
        "enterprise_total": totals(enterprise),
        "worker_total": totals(worker),
        "views": [page, *seen],
        "roster": roster,
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
