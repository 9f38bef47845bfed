"""AWS calls per operation, against the minimum the design needs, and capacity units per
lifecycle: one filing of each form from its submission to its last decision and
document (an upload presigned first where the form takes one, each decision POSTed to
its approver's link with its inputs as the page sends them), every event delivered on
its own so that each is counted on its own.

The minimum of an operation is every write that takes effect and every message (no write
was found that the design does without) and the reads it cannot do without
(REQUIRED_READS, FORM_READS): the calls above it are avoidable reads, and writes refused
by their condition (a message's claim taken again for a step already announced).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks import harness as h

# Reads an operation cannot do without, by the design's rules (any form's, unless the
# form's own entry in FORM_READS says otherwise).
REQUIRED_READS = {
    "submit enterprise-resumption": 0,
    "submit worker-return": 1,  # the employer's filing: approved, of the right form
    "roster row": 0,  # the employer is read once per upload, not per row
    "presign upload": 0,  # the POST is signed in process: no call
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
    "event approved/notice": 2,  # a subsidy's: the filing; its decisions (printed on it)
    "verify": 2,  # the document; its filing's (and employer's) standing, one batch
    "approver page": 4,  # the task, the filing, the approver, the decisions so far
    "status page": 2,  # the filing, its steps' tasks
}

# The forms that name an approved enterprise (chalicelib/forms/enterprise_claims.py,
# supplies_order.py): their own operations' reads, where they differ from the above.
# A submission reads the enterprise's filing it names (filings.check_references: approved,
# of the enterprise form, in the same town): no rule can be checked without it; an upload
# field's object is HEADed (uploads.check: present under the field's prefix, of its type,
# within its size: the key comes from the applicant's browser and proves nothing).
FORM_READS: dict[str, dict[str, int]] = {
    "charter-subsidy": {
        # the enterprise's filing; the passenger list's HEAD; the risk map in force (its
        # newest version: the charter rule judges the origin county by it)
        "submit charter-subsidy": 3,
        # the filing, the decided task; finance's contact (the next approver)
        "event decisions/commerce": 3,
        # decide finance: 2, the approved amount checked against the claim in the filing
        "event decisions/finance": 2,  # the filing, the decided task: the last step
    },
    "support-subsidy": {
        "submit support-subsidy": 2,  # the enterprise's filing; the supporting file's HEAD
        # event decisions/town: 3 (the filing, the task; the district office's contact)
    },
    "service-request": {
        "submit service-request": 1,  # the enterprise's filing
        # the task, the filing; the instructor chosen, checked against the directory's
        # instructors of the filing's town (and named in the decision): one read
        "decide assign": 3,
        # the filing, the decided task; the chosen instructor's contact (the next step's)
        "event decisions/assign": 3,
        # the filing, the decided task; the enterprise's contact, who confirms: held on
        # its work-resumption filing (directory.find's employer_contact)
        "event decisions/resolve": 3,
        "event decisions/confirm": 2,  # the filing, the decided task: the last step
    },
    "supplies-order": {
        "submit supplies-order": 1,  # the enterprise's filing (approved, the same town)
        # the filing, the decided task; the town's stock of the items ordered (one batch):
        # an approval it cannot cover becomes a refusal naming what is left, decided
        # before the transaction whose conditions guarantee the levels
        "event decisions/town": 3,
    },
}


def required_reads(op: str, form: str | None = None) -> int:
    own = FORM_READS.get(form or "", {})
    if op in own:
        return own[op]
    if op.startswith("decide "):
        return REQUIRED_READS["decide"]
    return REQUIRED_READS[op]


def row(op: str, tally: h.Tally, seconds: float, form: str | None = None) -> dict[str, Any]:
    minimum = tally.writes_count + tally.sends + required_reads(op, form)
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


def measure(
    meter: h.Meter, op: str, fn: Any, form: str | None = None
) -> tuple[dict[str, Any], Any]:
    with meter.measuring() as tally:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return row(op, tally, seconds, form), result


def events(stack: h.Stack, meter: h.Meter, form: str | None = None) -> list[dict[str, Any]]:
    """Each message on the queue delivered on its own, until none come."""
    from chalicelib.store.records import APPROVED, DECISIONS, parse_event_key

    rows = []
    while messages := stack.receive():
        for message in messages:
            key = json.loads(message["Body"])["Records"][0]["s3"]["object"]["key"]
            prefix, parts = parse_event_key(key)
            label = prefix + (parts[1] if prefix in (DECISIONS, APPROVED) else "")
            r, _ = measure(
                meter, f"event {label}", lambda m=message: stack.deliver([m["Body"]]), form
            )
            rows.append(r)
    return rows


Body = Callable[[str, int, str | None], dict[str, Any]]  # employer, serial, upload's key


@dataclass(frozen=True)
class Cycle:
    """One form's lifecycle as measured: what is filed, and each step's decision with
    the inputs its page posts."""

    form: str
    name: str  # short, for the report's tables
    title: str
    body: Body
    decisions: tuple[tuple[str, dict[str, str]], ...]
    upload: tuple[str, str] | None = None  # the upload field and its file's content type


def _enterprise(employer: str, serial: int, key: str | None) -> dict[str, Any]:
    return h.enterprise(serial)


def _worker(employer: str, serial: int, key: str | None) -> dict[str, Any]:
    return h.worker(employer, serial)


def _charter(employer: str, serial: int, key: str | None) -> dict[str, Any]:
    from datetime import date, timedelta

    from tests.support.subsidies import charter

    day = date(2020, 2, 1) + timedelta(days=serial % 28)  # one claim per trip
    return charter(employer, str(key), travel_date=day.isoformat())


def _support(employer: str, serial: int, key: str | None) -> dict[str, Any]:
    from tests.support.subsidies import support

    return support(employer, str(key))


def _service(employer: str, serial: int, key: str | None) -> dict[str, Any]:
    from tests.support.service_requests import request

    return request(employer)  # a labour request: the resolution gives workers delivered


def _supplies(employer: str, serial: int, key: str | None) -> dict[str, Any]:
    from tests.support.supplies import order

    return order(employer, masks=500, disinfectant=10, thermometers=5)  # three draws


CSV, PDF = "text/csv", "application/pdf"
CYCLES = (
    Cycle(
        "enterprise-resumption",
        "enterprise",
        "企业复工备案 (enterprise)",
        _enterprise,
        tuple((step, {}) for step in h.ENTERPRISE_STEPS),
    ),
    Cycle(
        "worker-return",
        "worker",
        "人员返婺登记 (returning worker)",
        _worker,
        tuple((step, {}) for step in h.WORKER_STEPS),
    ),
    Cycle(
        "charter-subsidy",
        "charter",
        "包车/专列补助 (charter subsidy)",
        _charter,
        (("commerce", {}), ("finance", {"approved_amount": "45000"})),
        upload=("passenger_list", CSV),
    ),
    Cycle(
        "support-subsidy",
        "support",
        "帮扶补助 (support subsidy)",
        _support,
        (("town", {}), ("district", {"approved_amount": "10000.5"})),
        upload=("supporting_file", PDF),
    ),
    Cycle(
        "service-request",
        "service",
        "助企服务 (service request)",
        _service,
        (
            ("assign", {"instructor": "白龙桥镇#2"}),
            (
                "resolve",
                {
                    "resolution": "三天内输送60人",
                    "workers_delivered": "60",
                    "loss_avoided": "1500000",
                },
            ),
            ("confirm", {}),
        ),
    ),
    Cycle(
        "supplies-order",
        "supplies",
        "防疫物资申领 (supplies order)",
        _supplies,
        (("town", {}),),
    ),
)


def upload_content(content_type: str) -> bytes:
    from tests.support.subsidies import PASSENGERS

    return PASSENGERS if content_type == CSV else b"%PDF-1.4 receipt"


def upload(stack: h.Stack, meter: h.Meter, form: str, field: str, content_type: str) -> Any:
    """The applicant's upload: the POST presigned by the API (measured), then the file
    sent from the browser straight to S3 (moto answers it in process; not our call), as
    tests/support/claims.py's upload() does."""
    import requests

    asked = {"form": form, "field": field, "content_type": content_type}
    r, answer = measure(
        meter, "presign upload", lambda: stack.post_json("/api/uploads", asked), form
    )
    if answer.status_code != 201:
        raise RuntimeError(f"upload refused: {answer.status_code} {answer.body!r}")
    post = json.loads(answer.body)
    sent = requests.post(
        post["url"],
        data=post["fields"],
        files={"file": ("upload", upload_content(content_type))},
        timeout=10,
    )
    if sent.status_code != 204:
        raise RuntimeError(f"upload not stored: {sent.status_code} {sent.text[:500]}")
    return r, str(post["key"])


def lifecycle(
    stack: h.Stack, meter: h.Meter, cycle: Cycle, employer: str, serial: int
) -> tuple[list[dict[str, Any]], str]:
    """The rows of one filing's whole life, and its id."""
    form, rows, key = cycle.form, [], None
    if cycle.upload is not None:
        r, key = upload(stack, meter, form, *cycle.upload)
        rows.append(r)
    body = cycle.body(employer, serial, key)
    r, filing_id = measure(meter, f"submit {form}", lambda: stack.submit(form, body), form)
    rows += [r, *events(stack, meter, form)]
    for step, inputs in cycle.decisions:
        r, _ = measure(
            meter,
            f"decide {step}",
            lambda s=step, i=inputs: stack.decide(filing_id, s, inputs=i),
            form,
        )
        rows += [r, *events(stack, meter, form)]
    return rows, filing_id


def views(stack: h.Stack, meter: h.Meter, filing_id: str) -> list[dict[str, Any]]:
    from chalicelib import links
    from chalicelib.store.models import Filing

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
    from devstack import demo

    meter = h.Meter()
    with h.stack(meter) as stack:
        with meter.paused():
            demo.seed_stock()  # the demo town's stock, which the supplies orders draw on
        # A first lifecycle of each, unmeasured: the first request of a process imports and
        # builds what later ones reuse (the cold start is measured on its own).
        _, warm_id = lifecycle(stack, h.Meter(), CYCLES[0], "", 90)  # a meter not installed
        for cycle in CYCLES[1:]:
            lifecycle(stack, h.Meter(), cycle, warm_id, 90)

        measured: dict[str, list[dict[str, Any]]] = {}
        measured[CYCLES[0].form], employer = lifecycle(stack, meter, CYCLES[0], "", 1)
        pending = stack.submit("worker-return", h.worker(employer, 2))
        stack.pump()
        page = approver_page(stack, meter, pending, "employer")
        measured[CYCLES[1].form], worker_id = lifecycle(stack, meter, CYCLES[1], employer, 1)
        seen = views(stack, meter, worker_id)
        rows_in_roster = 10
        r, ids = measure(
            meter, "roster row", lambda: stack.roster(employer, h.roster_csv(100, rows_in_roster))
        )
        assert len(ids) == rows_in_roster
        roster = dict(r, rows=rows_in_roster)
        stack.pump()  # the roster's filings' events, not the next lifecycle's
        for cycle in CYCLES[2:]:
            measured[cycle.form], _ = lifecycle(stack, meter, cycle, employer, 1)
    return {
        "lifecycles": [
            {
                "form": cycle.form,
                "name": cycle.name,
                "title": cycle.title,
                "rows": measured[cycle.form],
                "total": totals(measured[cycle.form]),
            }
            for cycle in CYCLES
        ],
        "views": [page, *seen],
        "roster": roster,
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
