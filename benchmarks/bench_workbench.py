"""The officials' workbench, counted and timed in process on moto.

Calls: a to-do page, a search (a phone, an enterprise name's beginning), the dashboard
of a town and of the district (its figures and the first page of its waiting queue) and
a bulk confirmation of 50 workers, each against the fewest calls it could make
(`minimum`).

Scale: a to-do page, the searches and the dashboards on an empty stack, then with a month of the
district's data loaded (BENCH_WORKBENCH_SCALE, 1 by default: 1014 enterprise filings and
6192 workers, every step decided but a busy afternoon's backlog, their search entries):
the same page contents, against tables some thousand times larger. The load is written
straight into the tables (batch writes, the meter paused), not replayed through the API:
the replay is benchmarks/bench_month.py's, and the pages read only these items.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from datetime import timedelta
from typing import Any

from benchmarks import harness as h

ROUNDS = 9
BULK = 50
BACKLOG = 25  # open steps on the measured town's list: one page
SCALE = float(os.environ.get("BENCH_WORKBENCH_SCALE", "1"))
MONTH = {"enterprises": 1014, "workers": 6192}


def session(role: str, scope: str) -> str:
    from chalicelib.staff import access

    token, _ = access.session_token(role, scope, scope)
    return f"{access.SESSION_COOKIE}={token}"


def measured(meter: h.Meter, fn: Any) -> dict[str, Any]:
    seconds, tally, status = [], None, 0
    for _ in range(ROUNDS):
        with meter.measuring() as t:
            started = time.perf_counter()
            answer = fn()
            seconds.append(time.perf_counter() - started)
        status = answer.status_code
        tally = tally or t
    assert tally is not None
    return {
        "calls": tally.total,
        "by_call": dict(sorted(tally.calls.items())),
        "seconds": h.median(seconds),
        "status": status,
    }


# --- the data, straight into the tables ----------------------------------------------------


def load(towns: tuple[str, ...], enterprises: int, workers: int, open_in: str) -> dict[str, int]:
    """A month's items as the product leaves them: filings, their tasks (decided, but
    for BACKLOG open in `open_in` and a few in every other town), their search entries."""
    from chalicelib.core.clock import utcnow
    from chalicelib.core.ids import new_filing_id, new_slip_no
    from chalicelib.core.roles import EMPLOYER_CONTACT, TOWN_OFFICE
    from chalicelib.filing import search_index
    from chalicelib.forms import get_form
    from chalicelib.store.models import Filing, SearchEntry, Task, form_key, queue_key, work_key

    now = utcnow()
    counts = {"filings": 0, "tasks": 0, "search": 0}
    specs = {f: get_form(f) for f in ("enterprise-resumption", "worker-return")}

    def filing(form: str, serial: int, town: str, data: dict[str, Any], opened: int) -> None:
        fid = new_filing_id()
        created = now - timedelta(days=30) + timedelta(seconds=serial * 13)
        status = "in_review" if opened else "approved"
        who = str(data.get("enterprise_name") or data["name"])
        item = Filing(
            filing_id=fid, form=form, slip_no=new_slip_no(created), status=status,
            stage=1, steps={}, town=town, applicant=who,
            data=data, queue_key=queue_key(form, town, status, fid),
            form_key=form_key(form, status, fid), created_at=created, updated_at=created,
        )  # fmt: skip
        filings.save(item)
        counts["filings"] += 1
        spec = specs[form]
        steps = spec.workflow.steps
        # a backlog's step waits at `opened` - 1 (the earlier ones decided); else all decided
        for n, step in enumerate(steps[:opened] if opened else steps):
            is_open = bool(opened) and n == opened - 1
            scope = (
                town if step.role == TOWN_OFFICE
                else data.get("employer_filing_id", "") if step.role == EMPLOYER_CONTACT
                else "婺城区"
            )  # fmt: skip
            task = Task(
                filing_id=fid, step=step.id, form=form, role=step.role, scope=scope,
                status="open" if is_open else "decided", link_gen=1,
                opened_at=created + timedelta(minutes=n), due_at=created + timedelta(hours=2 + n),
                town=town, decision=None if is_open else "approve",
            )  # fmt: skip
            if is_open and step.role != EMPLOYER_CONTACT:
                task.work_key = work_key(step.role, scope)
            tasks.save(task)
            counts["tasks"] += 1
        for entry in search_index.entries(spec, item):
            search.save(entry)
            counts["search"] += 1

    with (
        Filing.batch_write() as filings,
        Task.batch_write() as tasks,
        SearchEntry.batch_write() as search,
    ):
        employer = ""
        for serial in range(enterprises):
            town = towns[serial % len(towns)]
            data = {**h.enterprise(50_000 + serial, town=town), "contact_phone": phone_of(serial)}
            backlog = town == open_in and serial // len(towns) < BACKLOG
            # the backlog waits at its town's review; a few others at the district's
            opened = 1 if backlog else 2 if serial % 97 == 0 else 0
            filing("enterprise-resumption", serial, town, data, opened)
            employer = employer or "employer-of-the-month"
        for serial in range(workers):
            town = towns[serial % len(towns)]
            data = h.worker(employer, 60_000 + serial, town=town)
            # a few workers wait at their village's confirmation (another town's list)
            opened = 2 if serial % 89 == 0 and town != open_in else 0
            filing("worker-return", 10_000 + serial, town, data, opened)
    return counts


def phone_of(serial: int) -> str:
    return f"139{serial:08d}"


def views(stack: h.Stack, meter: h.Meter, town: str, phone: str) -> dict[str, Any]:
    cookie = session("town_office", town)
    get = stack.client.http.get
    found = {}
    for name, path in (
        ("to-do page", "/work"),
        ("search, a phone", f"/work/search?q={phone}"),
        (
            "search, a name",
            "/work/search?q=%E5%A9%BA%E5%9F%8E%E7%A4%BA%E4%BE%8B%E4%BC%81%E4%B8%9A5",
        ),
    ):
        get(path, headers={"Cookie": cookie})  # warm: the templates, stdnum's tables
        found[name] = measured(meter, lambda p=path: get(p, headers={"Cookie": cookie}))
    found.update(dashboards(stack, meter, town))
    return found


def dashboards(stack: h.Stack, meter: h.Meter, town: str) -> dict[str, Any]:
    """The dashboard of the measured town and of the district by a staff link (its
    figures and the first page of its waiting queue), and that queue's page alone
    (chalicelib/staff/waiting.py), the part this list's paging bounds."""
    from chalicelib.core.clock import utcnow
    from chalicelib.settings import get_settings
    from chalicelib.staff import access, waiting

    get = stack.client.http.get
    found: dict[str, Any] = {}
    for name, role, scope in (
        ("town", "town_office", town),
        ("district", "district_office", get_settings().district_scope),
    ):
        token = access.staff_token(role, scope)
        path = f"/dashboard?token={token}"
        get(path)  # warm
        page = measured(meter, lambda p=path: get(p))
        found[f"dashboard, {name}"] = dict(page, rows=get(path).body.decode().count('class="code"'))
        claim = access.use_staff_token(token)
        queue = measured(meter, lambda c=claim: _Answered(waiting.page(c, utcnow())))
        found[f"dashboard's queue, {name}"] = queue
    return found


class _Answered:
    """A domain call measured as a view: it answered (200) with what it returned."""

    status_code = 200

    def __init__(self, value: Any) -> None:
        self.value = value


def queue_minimum() -> int:
    """One Query per index key the queue spans, whatever the page: every form's waiting
    statuses over their shards (the district's on the form index, a town's on the
    queue index); the page's rows come in the index's projection, nothing more read."""
    from chalicelib.core.workflow import ACTIVE
    from chalicelib.forms import all_forms
    from chalicelib.store.models import QUEUE_SHARDS

    return len(all_forms()) * len(ACTIVE) * QUEUE_SHARDS


def dashboard_minimum(district: bool) -> int:
    """bench_staff's minimum of the figures (the counters and the stock in batches of
    100, the audit entry; its one query stands for the queue's), plus the queue's."""
    from benchmarks import bench_staff

    return bench_staff.dashboard_minimum(district) - 1 + queue_minimum()


def minimums() -> dict[str, int]:
    # revocation check (GetItem), the index's one Query a page, the page's filings in one
    # BatchGetItem, the audit entry (PutItem)
    return {
        "to-do page": 4,
        "search, a phone": 4,
        "search, a name": 4,
        "dashboard, town": dashboard_minimum(district=False),
        "dashboard's queue, town": queue_minimum(),
        "dashboard, district": dashboard_minimum(district=True),
        "dashboard's queue, district": queue_minimum(),
    }


def scale_run(loaded: bool) -> dict[str, Any]:
    meter = h.Meter()
    with h.stack(meter) as stack:
        towns = h.towns()
        town = towns[0]
        with meter.paused():
            started = time.perf_counter()
            if loaded:
                counts = load(
                    towns,
                    round(MONTH["enterprises"] * SCALE),
                    round(MONTH["workers"] * SCALE),
                    town,
                )
            else:  # the same page: its backlog alone
                counts = load(towns[:1], BACKLOG, 0, town)
            seconds = time.perf_counter() - started
        phone = phone_of(len(towns) if loaded else 1)  # one of the town's own
        result = views(stack, meter, town, phone)
    return {"counts": counts, "load_seconds": seconds, "views": result}


def bulk_run() -> dict[str, Any]:
    """Fifty workers at the village step of one town, confirmed in one bulk POST."""
    from urllib.parse import urlencode

    meter = h.Meter()
    with h.stack(meter) as stack:
        town = "罗埠镇"
        with meter.paused():
            employer = stack.submit("enterprise-resumption", h.enterprise(1))
            stack.pump()
            for step in h.ENTERPRISE_STEPS:
                stack.decide(employer, step)
                stack.pump()
            ids = [
                stack.submit("worker-return", h.worker(employer, 100 + n, town=town))
                for n in range(BULK)
            ]
            stack.pump()
            for fid in ids:
                stack.decide(fid, "employer")
            stack.pump()
        cookie = session("town_office", town)
        body = urlencode(
            {"task": [f"{f}|village|1" for f in ids], "confirmed": "yes"}, doseq=True
        ).encode()
        headers = {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        with meter.measuring() as tally:
            started = time.perf_counter()
            answer = stack.client.http.post("/work/bulk", headers=headers, body=body)
            seconds = time.perf_counter() - started
        decided = sum(r["result"] == "decided" for r in json.loads(answer.body)["results"])
        with meter.measuring() as again:
            stack.client.http.post("/work/bulk", headers=headers, body=body)
    # revocation GetItem, the tasks and the filings in a BatchGetItem each, the directory's
    # contact once, then per filing its transaction and its S3 record, and the audit entry
    minimum = 1 + 2 + 1 + 2 * BULK + 1
    return {
        "calls": tally.total,
        "by_call": dict(sorted(tally.calls.items())),
        "seconds": seconds,
        "decided": decided,
        "minimum": minimum,
        "again_calls": again.total,
        "again_writes": again.writes_count,
    }


def main() -> dict[str, Any]:
    empty = scale_run(loaded=False)
    loaded = scale_run(loaded=True)
    return {
        "rounds": ROUNDS,
        "scale": SCALE,
        "minimums": minimums(),
        "empty": empty,
        "loaded": loaded,
        "bulk": bulk_run(),
        "checksum": zlib.crc32(b"workbench"),
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, default=str))
