"""The scale on paper, from what the benchmarks measured: writes per partition key at a
given rate of filings, the Lambda concurrency that rate needs, and what filings cost at
on-demand prices. Pure arithmetic over the results of bench_calls (one lifecycle of
each form, every call and write unit counted)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib.store.counters import SHARDS as COUNTER_SHARDS
from chalicelib.store.models import ALERT_SHARDS, EMIT_SHARDS, QUEUE_SHARDS

RATE = 1000  # filings a second, every step of each keeping pace (a steady state)
TOWNS = 27
PARTITION_WCU = 1000  # DynamoDB's limit per partition, per second (an index's too)

# Time in AWS per call, in region (p50, assumed): what replaces moto's time on AWS.
LATENCY_MS = {
    "dynamodb:TransactWriteItems": 12.0,
    "dynamodb": 5.0,  # GetItem, Query, PutItem, UpdateItem, BatchGetItem
    "s3:PutObject": 25.0,
    "ses:SendEmail": 30.0,
    "sns:Publish": 30.0,
}
MEMORY_MB = 512  # .chalice/config.json
FULL_CPU_MB = 1769  # Lambda gives a whole vCPU at 1,769 MB, a share of one below

# us-east-1 list prices (x86 Lambda, REST API, on-demand DynamoDB after its 1 Nov 2024
# reduction), as published in 2025; free tiers left out, not re-checked at run time.
PRICES = {
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    "api_request": 3.50 / 1e6,
    "wru": 0.625 / 1e6,
    "rru": 0.125 / 1e6,
    "s3_put": 0.005 / 1000,
    "s3_gb_month": 0.023,
    "sqs_request": 0.40 / 1e6,
    "email": 0.10 / 1000,
}
PRICE_SHEET = (
    "us-east-1 list prices as published in 2025 (not re-checked when this runs): Lambda "
    "x86 $0.20 per million requests and $0.0000166667 per GB-second; API Gateway REST API "
    "$3.50 per million requests; DynamoDB on-demand $0.625 per million write request units "
    "and $0.125 per million read request units (after the 1 November 2024 reduction); S3 "
    "$0.005 per 1,000 PUTs and $0.023 per GB-month; SQS $0.40 per million requests; SES "
    "$0.10 per 1,000 emails. Free tiers left out. SMS (SNS) is priced by destination "
    "country and left out: its count is given."
)


def family(table: str, key: str) -> tuple[str, str, int] | None:
    """(where, key family, keys it spreads over) for the keys filings share; None for
    the keys of one item (a filing, a task, a claim), which no rate of filings heats."""
    if table == "counters":
        return table, key.rsplit("#", 1)[0] + "#<shard>", COUNTER_SHARDS
    if table == "filings/queue-index":
        return table, key.rsplit("#", 1)[0] + "#<shard>", QUEUE_SHARDS
    if table == "tasks/alert-index":
        return table, "<shard>", ALERT_SHARDS
    if table == "filings/emit-index":
        return table, "<shard>", EMIT_SHARDS
    if table == "stock":  # a town's items, one partition key: every approved order's draws
        return table, key, 1
    return None


def partitions(lifecycle: dict[str, Any], form: str) -> list[dict[str, Any]]:
    """Write units per second on each shared key at RATE filings/s of this form, all in
    one town (the worst case) and spread evenly over the district's towns."""
    from chalicelib.core.towns import town_names

    towns = set(town_names())
    shared: dict[tuple[str, str, int], float] = defaultdict(float)
    items: dict[tuple[str, str], float] = defaultdict(float)
    for table, key, units in lifecycle["writes_by_key"]:
        fam = family(table, key)
        if fam is None:
            items[(table, key)] += units
        else:
            shared[fam] += units
    rows = []
    for (where, key, spread), units in sorted(shared.items(), key=lambda kv: -kv[1]):
        one_town = RATE * units / spread
        # a key naming a town shares the rate with the other towns' keys; one that names
        # none (the district's day, "*"; the alert shards) takes all of it wherever filed
        per_town = one_town / TOWNS if set(key.split("#")) & towns else one_town
        rows.append(
            {
                "form": form,
                "where": where,
                "key": key,
                "units_per_filing": units,
                "keys": spread,
                "wcu_s_one_town": one_town,
                "wcu_s_spread": per_town,
            }
        )
    per_table: dict[str, float] = defaultdict(float)
    for (table, _), units in items.items():
        per_table[table] = max(per_table[table], units)
    for table, units in sorted(per_table.items()):
        rows.append(
            {
                "form": form,
                "where": table,
                "key": "one item's key",
                "units_per_filing": units,
                "keys": 0,
                "wcu_s_one_town": None,
                "wcu_s_spread": None,
            }
        )
    return rows


def deployed_seconds(row: dict[str, Any]) -> float:
    """An operation's time on Lambda: our own work at MEMORY_MB's share of a CPU, and
    each AWS call at its assumed latency."""
    own = row["own_seconds"] * FULL_CPU_MB / MEMORY_MB
    aws = 0.0
    for name, n in row["calls"].items():
        aws += n * LATENCY_MS.get(name, LATENCY_MS.get(name.split(":")[0], 20.0)) / 1000
    return own + aws


def submission(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in rows if r["op"].startswith("submit "))


def concurrency(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Lambda-seconds per filing, API and events, in process and as deployed; at RATE
    filings/s that is the concurrency (Little's law)."""
    api = [r for r in rows if not r["op"].startswith("event ")]
    events = [r for r in rows if r["op"].startswith("event ")]
    return {
        "api_in_process_s": sum(r["seconds"] for r in api),
        "events_in_process_s": sum(r["seconds"] for r in events),
        "api_deployed_s": sum(deployed_seconds(r) for r in api),
        "events_deployed_s": sum(deployed_seconds(r) for r in events),
        "submission_deployed_s": deployed_seconds(submission(rows)),
        "api_concurrency": RATE * sum(deployed_seconds(r) for r in api),
        "events_concurrency": RATE * sum(deployed_seconds(r) for r in events),
    }


def cost(rows: list[dict[str, Any]], views: list[dict[str, Any]]) -> dict[str, float]:
    """Dollars for one filing's whole life: its upload's presigned POST (if it has one),
    its submission, each step's page and decision, its events, one status view and one
    verification of its last document (the worker's views, the ones measured)."""
    decisions = [r for r in rows if r["op"].startswith("decide ")]
    events = [r for r in rows if r["op"].startswith("event ")]
    by_op = {v["op"]: v for v in views}
    seen = [by_op["approver page"]] * len(decisions) + [by_op["status page"], by_op["verify"]]
    api = [*(r for r in rows if not r["op"].startswith("event ")), *seen]
    uploads = sum(1 for r in rows if r["op"] == "presign upload")
    everything = [*rows, *seen]
    seconds = sum(deployed_seconds(r) for r in everything)
    calls: dict[str, int] = defaultdict(int)
    for r in everything:
        for name, n in r["calls"].items():
            calls[name] += n
    parts = {
        "API Gateway": len(api) * PRICES["api_request"],
        "Lambda requests": (len(api) + len(events)) * PRICES["lambda_request"],
        "Lambda duration": seconds * MEMORY_MB / 1024 * PRICES["lambda_gb_second"],
        "DynamoDB writes": sum(r["wcu"] for r in everything) * PRICES["wru"],
        "DynamoDB reads": sum(r["rcu"] for r in everything) * PRICES["rru"],
        # the applicant's upload: a POST to S3, billed as a PUT (not our call, not metered)
        "S3 PUTs": (calls["s3:PutObject"] + uploads) * PRICES["s3_put"],
        "S3 storage (a month)": sum(r["s3_bytes"] for r in rows) / 1e9 * PRICES["s3_gb_month"],
        "SQS (send, receive, delete an event)": 3 * len(events) * PRICES["sqs_request"],
        "SES email": calls["ses:SendEmail"] * PRICES["email"],
    }
    return {**parts, "total": sum(parts.values()), "sms": float(calls["sns:Publish"])}
