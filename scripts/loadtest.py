"""The load test (`make loadtest`): 1,000 filings from 20 clients at once against the
local stack of `make run`, on loopback only, bounded in count and in time.

Each client (a thread with its own HTTP session) files its share of enterprise
filings, each with an idempotency key, and sends each one again once with the same
key (a retry after a lost answer). Then, once the events have been handled:

- nothing lost: every filing answered with 201 is stored;
- nothing duplicated: the retry named the same filing, and the stack holds one
  filing per enterprise and per key;
- routed: every filing's first step is open with its town's office.

The figures (filings per second, p50/p95 latency, lost, duplicated, misrouted) are
printed as a Markdown table; the exit status is 1 when anything was lost, duplicated
or misrouted. On loopback the 20 clients share one address: the per-client submission
limit (SUBMISSIONS_PER_MINUTE) is raised for the run, so that it still counts every
submission (its cost is in the figures) but refuses none.

    .venv/bin/python scripts/loadtest.py [--filings 1000] [--clients 20] [--deadline 1500]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
CONNECTION_TRIES = 3
sys.path.insert(0, str(ROOT))

from devstack.local import Spawned  # noqa: E402


@dataclass
class Result:
    index: int
    town: str
    uscc: str
    key: str
    status: int = 0
    filing_id: str | None = None
    seconds: float = 0.0
    retry_status: int = 0
    retry_filing_id: str | None = None
    retry_seconds: float = 0.0
    error: str = ""
    resent: int = 0  # sends again after a connection error


@dataclass
class Run:
    results: list[Result]
    submit_seconds: float
    drain_seconds: float
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # filing id -> its item
    routed: dict[str, str] = field(default_factory=dict)  # filing id -> its town step's scope


def body(index: int, town: str) -> dict[str, Any]:
    from stdnum.cn import uscc

    base = f"91330702MA2D{index:05d}"[:17]
    return {
        "enterprise_name": f"金华市婺城区压测企业{index:04d}有限公司",
        "uscc": base + uscc.calc_check_digit(base),
        "town": town,
        "address": f"{town}工业区{index}号",
        "industry": "制造业",
        "above_scale": index % 3 == 0,
        "contact_name": "王五",
        "contact_phone": "13905791234",
        "employees_total": 100,
        "employees_returned": 60,
        "planned_start_date": "2020-02-10",
        "masks": 1000,
        "disinfectant_kg": 20,
        "thermometers": 5,
        "commitment": True,
    }


def client(base_url: str, share: list[Result], deadline: float) -> None:
    """One client: its filings one after another, each sent twice with its key."""
    url = f"{base_url}/api/filings/enterprise-resumption"
    with requests.Session() as session:
        for result in share:
            if time.monotonic() > deadline:
                result.error = "not sent: past the deadline"
                continue
            payload = body(result.index, result.town)
            headers = {"Idempotency-Key": result.key}
            for attempt in ("first", "retry"):
                started = time.monotonic()
                answer = None
                for _ in range(CONNECTION_TRIES):
                    # A connection refused or reset is sent again, with the same key, as
                    # a phone would; the local server's listen backlog is short.
                    try:
                        answer = session.post(url, json=payload, headers=headers, timeout=60)
                        break
                    except requests.RequestException as exc:
                        result.error = f"{attempt}: {type(exc).__name__}"
                        result.resent += 1
                if answer is None:
                    break
                result.error = ""
                elapsed = time.monotonic() - started
                filing_id = answer.json().get("filing_id") if answer.status_code == 201 else None
                if attempt == "first":
                    result.status, result.filing_id, result.seconds = (
                        answer.status_code,
                        filing_id,
                        elapsed,
                    )
                else:
                    result.retry_status, result.retry_filing_id = answer.status_code, filing_id
                    result.retry_seconds = elapsed


def submit(base_url: str, filings: int, clients: int, deadline: float) -> list[Result]:
    from chalicelib.core.towns import town_names

    towns = town_names()
    results = [
        Result(i, towns[i % len(towns)], body(i, towns[i % len(towns)])["uscc"], uuid.uuid4().hex)
        for i in range(filings)
    ]
    threads = [
        threading.Thread(target=client, args=(base_url, results[c::clients], deadline))
        for c in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _bind(aws_url: str) -> None:
    """This process's models and clients on the stack's emulator."""
    os.environ |= {
        "AWS_ENDPOINT_URL": aws_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "SIGNING_KEYS": "unused-by-the-checks",
    }
    from chalicelib.settings import get_settings
    from chalicelib.store import aws, models

    get_settings.cache_clear()
    aws.reset_clients()
    models.bind_models()


def stored_filings() -> dict[str, dict[str, Any]]:
    from chalicelib.store.models import Filing

    return {
        f.filing_id: {"status": f.status, "town": f.town, "uscc": f.data.get("uscc")}
        for f in Filing.scan()
    }


def drain(filing_ids: set[str], deadline: float) -> tuple[dict[str, dict[str, Any]], float]:
    """Wait until every filing's first event has been handled (none still `submitted`)."""
    started = time.monotonic()
    while True:
        stored = stored_filings()
        waiting = [f for f in filing_ids if stored.get(f, {}).get("status") == "submitted"]
        if not waiting or time.monotonic() > deadline:
            return stored, time.monotonic() - started
        time.sleep(1)


def town_scopes(filing_ids: set[str]) -> dict[str, str]:
    from chalicelib.store.models import Task

    tasks = Task.scan(Task.step == "town")
    return {t.filing_id: t.scope for t in tasks if t.filing_id in filing_ids}


def check(run: Run) -> dict[str, Any]:
    from chalicelib.store import directory

    answered = [r for r in run.results if r.status == 201 and r.filing_id]
    lost = [r for r in answered if r.filing_id not in run.stored]
    retried_elsewhere = [r for r in answered if r.retry_filing_id != r.filing_id]
    per_uscc = Counter(item["uscc"] for item in run.stored.values())
    unanswered = set(run.stored) - {str(r.filing_id) for r in answered}  # stored twice?
    duplicated = (
        len(retried_elsewhere) + sum(n - 1 for n in per_uscc.values() if n > 1) + len(unanswered)
    )
    handled = [
        r
        for r in answered
        if run.stored.get(str(r.filing_id), {}).get("status") not in (None, "submitted")
    ]
    misrouted = [
        r
        for r in handled
        if run.routed.get(str(r.filing_id)) != directory.scope_for(r.town)
        or run.stored.get(str(r.filing_id), {}).get("town") != r.town
    ]
    latencies = sorted(r.seconds for r in answered)
    retries = sorted(r.retry_seconds for r in answered if r.retry_status == 201)
    refused = Counter(r.status for r in run.results if r.status != 201)
    return {
        "filings sent": len(run.results),
        "answered 201": len(answered),
        "other answers": dict(refused) or "none",
        "errors": dict(Counter(r.error for r in run.results if r.error)) or 0,
        "sent again after a connection error": sum(r.resent for r in run.results),
        "filings/s (first sends)": round(len(answered) / run.submit_seconds, 1),
        "requests/s (with the retries)": round(
            (len(answered) + len(retries)) / run.submit_seconds, 1
        ),
        "p50 latency, ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95 latency, ms": round(1000 * _quantile(latencies, 0.95), 1) if latencies else None,
        "p95 latency of a retry, ms": round(1000 * _quantile(retries, 0.95), 1)
        if retries
        else None,
        "submission phase, s": round(run.submit_seconds, 1),
        "events drained after, s": round(run.drain_seconds, 1),
        "filings through their first event (slip, town task, messages)": len(handled),
        "pipeline, filings/s": round(len(handled) / (run.submit_seconds + run.drain_seconds), 1),
        "lost": len(lost),
        "duplicated": duplicated,
        "misrouted": len(misrouted),
    }


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--deadline", type=float, default=1500, help="seconds, in all")
    args = parser.parse_args(argv)
    if not 0 < args.filings <= 5000 or not 0 < args.clients <= 100:
        parser.error("at most 5,000 filings from 100 clients")
    deadline = time.monotonic() + args.deadline
    log = Path(tempfile.mkdtemp(prefix="jiafuwu-loadtest-")) / "stack.log"
    limit = str(10 * args.filings)  # one address on loopback: counted, never refused
    stack = Spawned(log, env={"SUBMISSIONS_PER_MINUTE": limit})
    try:
        print(f"stack at {stack.base_url} (log {log}); sending…", file=sys.stderr)
        started = time.monotonic()
        results = submit(stack.base_url, args.filings, args.clients, deadline)
        submit_seconds = time.monotonic() - started
        _bind(stack.aws_url)
        ids = {str(r.filing_id) for r in results if r.filing_id}
        stored, drain_seconds = drain(ids, deadline)
        run = Run(results, submit_seconds, drain_seconds, stored, town_scopes(ids))
        figures = check(run)
    finally:
        stack.stop()
    print(f"\n{args.filings} filings from {args.clients} clients at once, loopback\n")
    print("| figure | value |\n|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value} |")
    failed = figures["lost"] or figures["duplicated"] or figures["misrouted"]
    failed = failed or figures["answered 201"] != args.filings
    failed = (
        failed
        or figures["filings through their first event (slip, town task, messages)"] != args.filings
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
