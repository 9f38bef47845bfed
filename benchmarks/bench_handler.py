"""Handler overhead: a submission through the whole handler (Chalice's test client, the
route, validation, the domain, PynamoDB) against the bare AWS calls it must make, on the
same moto: the very calls a submission sent (its client's rate window, the transaction,
the S3 record), replayed with a fresh filing id, slip number and credit code through plain
botocore clients. In turns,
after a warm-up; medians compared."""

from __future__ import annotations

import copy
import json
import os
import secrets
import time
from typing import Any

from benchmarks import harness as h

RUNS = int(os.environ.get("BENCH_HANDLER_RUNS", "150"))
WARM = 20


def capture(stack: h.Stack, body: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The AWS calls one submission makes, with their parameters as sent."""
    from botocore.client import BaseClient

    seen: list[tuple[str, str, dict[str, Any]]] = []
    original = BaseClient._make_api_call

    def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
        seen.append((client.meta.service_model.service_name, operation, copy.deepcopy(params)))
        return original(client, operation, params)

    BaseClient._make_api_call = recording  # type: ignore[method-assign]
    try:
        stack.submit("enterprise-resumption", body)
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
    return seen


def replayer(calls: list[tuple[str, str, dict[str, Any]]], body: dict[str, Any]) -> Any:
    """A function making the same calls for a new filing each time."""
    from chalicelib.store import aws

    filing_id = next(
        p["Key"].split("/")[-1].removesuffix(".json") for s, _, p in calls if s == "s3"
    )
    snapshot = json.loads(next(p["Body"] for s, _, p in calls if s == "s3"))
    slip, uscc = snapshot["slip_no"], body["uscc"]
    from botocore import xform_name

    clients = {"dynamodb": aws.client("dynamodb"), "s3": aws.client("s3")}
    text = json.dumps(
        [
            (s, o, {k: v.decode() if isinstance(v, bytes) else v for k, v in p.items()})
            for s, o, p in calls
        ],
        ensure_ascii=False,
    )
    counter = iter(range(10**6))

    def one() -> None:
        n = next(counter)
        fresh = (
            text.replace(filing_id, secrets.token_hex(16))
            .replace(slip, f"{slip[:9]}F{n:05d}")
            .replace(uscc, f"FLOOR{n:013d}")
        )
        for service, operation, params in json.loads(fresh):
            if "Body" in params:
                params["Body"] = params["Body"].encode()
            getattr(clients[service], xform_name(operation))(**params)

    return one


def main() -> dict[str, Any]:
    meter = h.Meter()  # installed by the stack but never active here: nothing is counted
    with h.stack(meter) as stack:
        for i in range(WARM):
            stack.submit("enterprise-resumption", h.enterprise(10_000 + i))
        first = h.enterprise(20_000)
        calls = capture(stack, first)
        floor = replayer(calls, first)
        for _ in range(WARM):
            floor()
        handler_s: list[float] = []
        floor_s: list[float] = []
        for i in range(RUNS):
            body = h.enterprise(30_000 + i)
            started = time.perf_counter()
            stack.submit("enterprise-resumption", body)
            handler_s.append(time.perf_counter() - started)
            floor_s.append(h.timed(floor))
        # the same with the meter on: how the handler's time splits (AWS's, ours)
        split = []
        for i in range(30):
            with meter.measuring() as tally:
                started = time.perf_counter()
                stack.submit("enterprise-resumption", h.enterprise(40_000 + i))
                wall = time.perf_counter() - started
            split.append((wall - tally.meter_seconds, tally.aws_seconds))
    handler, bare = h.median(handler_s), h.median(floor_s)
    return {
        "runs": RUNS,
        "calls": [f"{s}:{o}" for s, o, _ in calls],
        "handler_ms": handler * 1000,
        "floor_ms": bare * 1000,
        "ratio": handler / bare,
        "handler_p90_ms": sorted(handler_s)[int(0.9 * RUNS)] * 1000,
        "aws_ms": h.median([a for _, a in split]) * 1000,
        "own_ms": h.median([w - a for w, a in split]) * 1000,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
