"""The district's month, replayed end to end in process on moto: the seed's volume (1014
enterprise filings, 965 of them approved; 6192 passes), or a fraction of it
(BENCH_SCALE, 0.1 by default; 1 for the whole month).

The mapping: the product issues a pass only to a worker who holds a docking slip, so
each of the 6192 passes is a worker taken the whole way (registration, the employer's
and the village's confirmations, the docking slip, both check-ins, the pass). 2199 of
them register one by one through the form, as the seed's 2199 docking slips did; the
other 3993 come on charter rosters of 40. Documents issued: a receipt for every filing,
a certificate for every approved enterprise, a docking slip and a pass for every worker.
The 49 enterprises not approved are refused by their town, with a reason.

Every filing is submitted through the API, every decision POSTed to its approval link,
every S3 -> SQS event pumped into the handler Lambda runs, ten to an invocation, the
queue drained every 50 requests as Lambda's poller keeps it short.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import harness as h

SEED = {"enterprises": 1014, "approved": 965, "workers": 6192, "one_by_one": 2199}
SCALE = float(os.environ.get("BENCH_SCALE", "0.1"))
CHARTER = 40  # rows of a roster: a coach's passengers
DRAIN = 50  # requests between two drains of the events queue
FULL_RUN = Path(__file__).with_name("month-full.json")  # kept from the last whole month


def plan(scale: float) -> dict[str, int]:
    return {k: max(1, round(v * scale)) for k, v in SEED.items()}


def main() -> dict[str, Any]:
    counts = plan(SCALE)
    meter = h.Meter()
    phases: dict[str, dict[str, Any]] = {}
    total = h.Tally()
    with h.stack(meter) as stack:
        towns = h.towns()

        def phase(name: str, work: Any) -> Any:
            started = time.perf_counter()
            with meter.measuring() as tally:
                result = work()
            seconds = time.perf_counter() - started
            phases[name] = {
                "seconds": seconds,
                "calls": tally.total,
                "aws_seconds": tally.aws_seconds,
                "meter_seconds": tally.meter_seconds,
            }
            total.add(tally)
            return result

        def flowing(items: Any, do: Any) -> list[Any]:
            """Each item done in turn, the events queue drained every DRAIN of them (as
            Lambda's poller keeps it short) and at the end."""
            out = []
            for n, item in enumerate(items, start=1):
                out.append(do(item))
                if n % DRAIN == 0:
                    stack.pump()
            stack.pump()
            return out

        started = time.perf_counter()
        enterprises = phase(
            "enterprises file; their receipts",
            lambda: flowing(
                range(counts["enterprises"]),
                lambda i: stack.submit(
                    "enterprise-resumption", h.enterprise(i, towns[i % len(towns)])
                ),
            ),
        )
        approved = enterprises[: counts["approved"]]
        refused = enterprises[counts["approved"] :]
        verdicts = [(f, "approve", "") for f in approved]
        verdicts += [(f, "reject", "防疫物资储备不足，请补充后重新备案") for f in refused]
        phase(
            "towns decide; the district is asked, the refused told",
            lambda: flowing(verdicts, lambda v: stack.decide(v[0], "town", v[1], v[2])),
        )
        phase(
            "the district approves; certificates",
            lambda: flowing(approved, lambda f: stack.decide(f, "district")),
        )

        def workers_file() -> list[str]:
            ids = flowing(
                range(counts["one_by_one"]),
                lambda i: stack.submit(
                    "worker-return", h.worker(approved[i % len(approved)], i, towns[i % len(towns)])
                ),
            )
            serial = counts["one_by_one"]
            employer = 0
            while serial < counts["workers"]:
                rows = min(CHARTER, counts["workers"] - serial)
                csv = h.roster_csv(serial, rows, towns[employer % len(towns)])
                ids += stack.roster(approved[employer % len(approved)], csv)
                stack.pump()
                serial += rows
                employer += 1
            return ids

        workers = phase("workers file (one by one, then rosters); receipts", workers_file)
        outcomes = ("the village asked", "docking slips; check-ins asked", "events", "passes")
        for step, outcome in zip(h.WORKER_STEPS, outcomes, strict=True):
            phase(
                f"{step} decides; {outcome}",
                lambda s=step: flowing(workers, lambda w: stack.decide(w, s)),
            )
        wall = time.perf_counter() - started
        with meter.paused():
            documents = _documents()
    issued = sum(documents.values())
    return {
        "scale": SCALE,
        "counts": counts,
        "documents": dict(documents),
        "issued": issued,
        "wall_s": wall,
        "documents_per_s": issued / wall,
        "calls": dict(sorted(total.calls.items())),
        "calls_total": total.total,
        "calls_per_document": total.total / issued,
        "rcu_per_document": total.rcu / issued,
        "wcu_per_document": total.wcu / issued,
        "rcu": total.rcu,
        "wcu": total.wcu,
        "s3_bytes": total.s3_bytes,
        "aws_s": total.aws_seconds,
        "meter_s": total.meter_seconds,
        "local_outbox_calls": sum(meter.local_only.values()),
        "phases": phases,
        "hottest_keys": _hottest(total),
        "finished": time.strftime("%Y-%m-%d %H:%M"),
    }


def _documents() -> Counter[str]:
    from chalicelib.store.models import Document

    return Counter(doc.kind for doc in Document.scan(attributes_to_get=["kind"]))


def _hottest(tally: h.Tally) -> list[tuple[str, str, float]]:
    """The partitions that took the most write units over the whole month."""
    per = h.partitions(tally.writes)
    top = sorted(per.items(), key=lambda kv: -kv[1])[:8]
    return [(table, key, units) for (table, key), units in top]


if __name__ == "__main__":
    result = main()
    if math.isclose(SCALE, 1.0):
        FULL_RUN.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False))
