"""What staff read, counted: the dashboard of the district and of one town, and each form's
export in both formats, with one filing of every form taken through its lifecycle and a
few more waiting in several towns. Each view's AWS calls against the minimum its figures
need (`minimum`): the counters it shows read in batches of 100 keys (BatchGetItem's
limit), the towns' stock in batches of 100, one query per partition of the index it
reads where it lists filings, the audit entry it writes, and for an export its S3 PUT.
Times are the emulator's in process (the local stack of `make run` adds HTTP to each call).
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from benchmarks import bench_calls as bc
from benchmarks import harness as h

ROUNDS = 5
WAITING_TOWNS = 6  # towns with an enterprise filing still waiting


def counter_keys(district: bool = True) -> int:
    """The counter shards a dashboard shows (filings, the drive's figures, documents, the
    workers at work, the line over days), as chalicelib/staff/dashboard.py names them:
    each figure's item holds every town's count, so the district reads as many as a town;
    a town's link also reads its two items per enterprise (chalicelib/staff/at_work.py)."""
    from chalicelib.core.workflow import STATUSES, WORKER_DOCUMENTS
    from chalicelib.forms import all_forms
    from chalicelib.staff import dashboard
    from chalicelib.store import counters

    forms = len(all_forms())
    items = forms * len(STATUSES) + len(counters.DRIVE_FIGURES) + len(WORKER_DOCUMENTS)
    items += 1 if district else 3  # at work by town; a town's: its enterprises' two items
    return (items + dashboard.DAYS * forms) * counters.SHARDS


def dashboard_minimum(district: bool) -> int:
    from chalicelib.core.towns import town_names
    from chalicelib.filing.stock import ITEMS

    towns = len(town_names()) if district else 1
    batches = math.ceil(counter_keys(district) / 100) + math.ceil(towns * len(ITEMS) / 100)
    # the queue (one partition's query at the least); the audit entry (a town's link with
    # approved enterprises also reads their names: one batch; the benchmark's town has none)
    return batches + 1 + 1


def seed(stack: h.Stack) -> None:
    from devstack import demo

    demo.seed_stock()
    _, employer = bc.lifecycle(stack, h.Meter(), bc.CYCLES[0], "", 1)
    for cycle in bc.CYCLES[1:]:
        bc.lifecycle(stack, h.Meter(), cycle, employer, 2)
    for n, town in enumerate(h.towns()[:WAITING_TOWNS]):
        stack.submit("enterprise-resumption", h.enterprise(300 + n, town=town))
    stack.pump()


def measured(meter: h.Meter, fn: Any) -> dict[str, Any]:
    """The calls of one run, and the median time of ROUNDS."""
    seconds = []
    tally = None
    status = 0
    for _ in range(ROUNDS):
        with meter.measuring() as t:
            started = time.perf_counter()
            answer = fn()
            seconds.append(time.perf_counter() - started)
        status = answer.status_code  # a failed view is reported as such, not measured away
        tally = tally or t
    assert tally is not None
    return {
        "calls": tally.total,
        "by_call": dict(sorted(tally.calls.items())),
        "seconds": h.median(seconds),
        "status": status,
    }


def main() -> dict[str, Any]:
    from chalicelib.core.workflow import STATUSES
    from chalicelib.forms import all_forms
    from chalicelib.settings import get_settings
    from chalicelib.staff import access
    from chalicelib.store.models import QUEUE_SHARDS

    meter = h.Meter()
    with h.stack(meter) as stack:
        seed(stack)
        district = access.staff_token("district_office", get_settings().district_scope)
        town = access.staff_token("town_office", h.towns()[0])
        get = stack.client.http.get
        get(f"/dashboard?token={district}")  # warm: the templates, the catalogue
        views = []
        for name, token, whole in (("district", district, True), ("town", town, False)):
            r = measured(meter, lambda t=token: get(f"/dashboard?token={t}"))
            views.append(dict(r, view=f"dashboard, {name}", minimum=dashboard_minimum(whole)))
        exports = []
        for spec in all_forms():
            for fmt in ("csv", "xlsx"):
                path = f"/dashboard/exports/{spec.id}?format={fmt}&token={district}"
                r = measured(meter, lambda p=path: get(p))
                # a query of each partition of the index it reads, the filings in batches
                # of 100 (their decisions), the audit entry and the file's PUT
                batches = r["by_call"].get("dynamodb:BatchGetItem", 0)
                minimum = len(STATUSES) * QUEUE_SHARDS + batches + 2
                exports.append(dict(r, form=spec.id, format=fmt, minimum=minimum))
    return {"views": views, "exports": exports, "rounds": ROUNDS}


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
