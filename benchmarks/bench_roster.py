"""A charter roster of 1,000 rows in one upload, in process on moto, against its floor:
the bare AWS calls the same 1,000 filings need (one TransactWriteItems and one
PutObject each), made on the same moto with the same concurrency, side by side."""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROWS = int(os.environ.get("ROSTER_ROWS", "1000"))


def main() -> dict[str, Any]:
    from tests.conftest import TEST_ENV

    os.environ.update(TEST_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws

    from chalicelib.emulator import make_dynamodb_faithful

    make_dynamodb_faithful()
    with mock_aws():
        from chalice.test import Client

        from app import app
        from chalicelib import aws, directory, resources
        from chalicelib.settings import get_settings

        get_settings.cache_clear()
        aws.reset_clients()
        resources.create_all(get_settings())
        directory.seed_demo()
        with Client(app, stage_name="local") as client:
            from tests.integration.conftest import Stack
            from tests.integration.test_rosters import as_csv, roster_rows
            from tests.integration.test_worker_lifecycle import approved_employer

            stack = Stack(client, "")
            stack.queue_url = aws.client("sqs").get_queue_url(QueueName="jiafuwu-events")[
                "QueueUrl"
            ]
            stack.receive()
            employer = approved_employer(stack)
            stack.receive()
            body = as_csv(roster_rows(ROWS))
            token = __import__("chalicelib.links", fromlist=["x"]).status_token(employer)
            started = time.perf_counter()
            answer = client.http.post(
                f"/api/filings/{employer}/roster?token={token}",
                headers={"Content-Type": "text/csv"},
                body=body,
            )
            upload_s = time.perf_counter() - started
            assert answer.status_code == 201, answer.body
            assert len(json.loads(answer.body)["filings"]) == ROWS
            floor_s = _floor(get_settings().bucket)
    return {
        "rows": ROWS,
        "upload_s": upload_s,
        "floor_s": floor_s,
        "ratio": upload_s / floor_s,
        "per_row_ms": upload_s / ROWS * 1000,
    }


def _floor(bucket: str) -> float:
    """The same number of one-transaction-one-object writes, with nothing else."""
    from chalicelib import aws

    ddb, s3 = aws.client("dynamodb"), aws.client("s3")
    table = "jiafuwu-local-uniques"

    def one(i: int) -> None:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {
                            "key": {"S": f"floor#{i}#{n}"},
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
        s3.put_object(Bucket=bucket, Key=f"floor/{i}.json", Body=b"{}")

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(ROWS)))
    return time.perf_counter() - started


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, indent=2))
