"""A charter roster of 1,000 rows in one upload, in process on moto, against its floor:
the bare AWS calls the same 1,000 filings need (one TransactWriteItems of five items and
one PutObject each), made on the same moto with the same concurrency. The floor runs
before and after the upload, and the upload is set against their mean."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import harness as h

ROWS = int(os.environ.get("ROSTER_ROWS", "1000"))


def main() -> dict[str, Any]:
    from chalicelib.settings import get_settings

    with h.stack() as stack:
        employer = stack.submit("enterprise-resumption", h.enterprise(7))
        stack.pump()
        for step in h.ENTERPRISE_STEPS:
            stack.decide(employer, step)
            stack.pump()
        body = h.roster_csv(1, ROWS)
        bucket = get_settings().bucket
        floor_before = _floor(bucket, "a")
        started = time.perf_counter()
        filed = stack.roster(employer, body)
        upload_s = time.perf_counter() - started
        floor_after = _floor(bucket, "b")
        assert len(filed) == ROWS
    floor_s = (floor_before + floor_after) / 2
    return {
        "rows": ROWS,
        "upload_s": upload_s,
        "floor_s": floor_s,
        "ratio": upload_s / floor_s,
        "per_row_ms": upload_s / ROWS * 1000,
    }


def _floor(bucket: str, run: str) -> float:
    """The same number of one-transaction-one-object writes, with nothing else."""
    from chalicelib.store import aws

    ddb, s3 = aws.client("dynamodb"), aws.client("s3")
    table = "jiafuwu-local-uniques"

    def one(i: int) -> None:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {
                            "key": {"S": f"floor#{run}#{i}#{n}"},
                            "filing_id": {"S": "x"},
                            "created_at": {"S": "2020"},
                        },
                        "ConditionExpression": "attribute_not_exists(#k)",
                        "ExpressionAttributeNames": {"#k": "key"},
                    }
                }
                for n in range(5)  # a filing's transaction holds about five items
            ]
        )
        # under filings/, as a submission's snapshot: the bucket notifies the queue of it too
        s3.put_object(Bucket=bucket, Key=f"filings/floor/{run}-{i}.json", Body=b"{}")

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(ROWS)))
    return time.perf_counter() - started


if __name__ == "__main__":
    print(json.dumps(main()))
