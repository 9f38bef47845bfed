"""The stack in process: moto as the AWS, the resources made from the deployment's
definitions, Chalice's test client, and the real S3 -> SQS messages pumped by hand
into the same handler Lambda runs; the enterprise filing most tests start from.

Its fixtures (`faithful_dynamodb`, `stack`) are declared to pytest by the conftests of
tests/integration and tests/deploy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws
from stdnum.cn import uscc

from chalicelib.settings import EVENTS_QUEUE, get_settings
from chalicelib.store import aws
from devstack import demo, emulator, provision
from tests.support.health import WELL


@pytest.fixture(autouse=True, scope="session")
def faithful_dynamodb() -> None:
    """moto's writes made atomic and its transactions cheap, as DynamoDB's are (see
    devstack/emulator.py): concurrency tests then test our conditions, not moto's."""
    emulator.make_dynamodb_faithful()


@dataclass
class Stack:
    client: Client
    queue_url: str

    @property
    def sqs(self) -> Any:
        return aws.client("sqs")

    @property
    def s3(self) -> Any:
        return aws.client("s3")

    def receive(self) -> list[dict[str, Any]]:
        """Every message now on the events queue, taken off it."""
        taken: list[dict[str, Any]] = []
        while True:
            answer = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            )
            messages = answer.get("Messages", [])
            if not messages:
                return taken
            for m in messages:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
            taken.extend(messages)

    def deliver(self, bodies: list[str]) -> None:
        event = self.client.events.generate_sqs_event(
            message_bodies=bodies, queue_name=EVENTS_QUEUE
        )
        answer = self.client.lambda_.invoke("on_event", event)
        # The handler reports failed messages instead of raising: none is expected here.
        assert answer.payload == {"batchItemFailures": []}, "an event failed: see the log"

    def pump(self) -> int:
        """Deliver the queue's messages to the handler until no more come; the number
        delivered."""
        delivered = 0
        while messages := self.receive():
            self.deliver([m["Body"] for m in messages])
            delivered += len(messages)
        return delivered

    def outbox(self) -> list[dict[str, Any]]:
        return json.loads(self.client.http.get("/dev/outbox").body)

    def post_json(self, path: str, body: Any, **headers: str) -> Any:
        from tests.support.phones import submission_headers  # a submission's proofs

        headers = submission_headers(self, path, body, dict(headers))
        return self.client.http.post(
            path,
            headers={"Content-Type": "application/json", **headers},
            body=json.dumps(body, ensure_ascii=False).encode(),
        )

    def submit(self, body: dict[str, Any], **headers: str) -> Any:
        return self.post_json("/api/filings/enterprise-resumption", body, **headers)

    def link(self, step: str, filing_id: str | None = None) -> str:
        """The path of the newest approval link sent for a step."""
        sent = [
            m
            for m in self.outbox()
            if m.get("step") == step and (filing_id is None or m["filing_id"] == filing_id)
        ]
        return sent[-1]["links"][0].removeprefix(get_settings().public_base_url)

    def decide(self, path: str, decision: str, comment: str = "") -> Any:
        from urllib.parse import urlencode

        return self.client.http.post(
            path,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            # A check-in's health rides along with every decision (other steps take no
            # such input and read none): a well worker, 36.5 °C and no symptoms.
            body=urlencode({"decision": decision, "comment": comment, **WELL}).encode(),
        )

    def item_count(self) -> int:
        """Items in every table and objects in the bucket: what a refusal must not change.
        The clients' rate windows are left out: counting a call is not storing it."""
        from chalicelib.store.models import LOCAL_MODELS, OutboxMessage, RateWindow

        tables = sum(m.count() for m in LOCAL_MODELS if m not in (OutboxMessage, RateWindow))
        listed = self.s3.list_objects_v2(Bucket=get_settings().bucket)
        return tables + listed.get("KeyCount", 0)


@contextmanager
def in_process_stack() -> Iterator[Stack]:
    with mock_aws():
        get_settings.cache_clear()
        aws.reset_clients()
        queue_url = provision.create_all(get_settings())
        demo.seed_directory()
        from app import app

        with Client(app, stage_name="local") as client:
            s = Stack(client, queue_url)
            s.receive()  # the bucket's s3:TestEvent
            yield s


@pytest.fixture
def stack() -> Iterator[Stack]:
    with in_process_stack() as s:
        yield s


def make_uscc(serial: int) -> str:
    base = f"91330702MA2D{serial:05d}"[:17]
    return base + uscc.calc_check_digit(base)


def enterprise(serial: int = 1, **changes: Any) -> dict[str, Any]:
    body = {
        "enterprise_name": "金华市婺城区示例机械有限公司",
        "uscc": make_uscc(serial),
        "town": "白龙桥镇",
        "address": "白龙桥镇工业区8号",
        "industry": "制造业",
        "above_scale": True,
        "contact_name": "王五",
        "contact_phone": "13905791234",
        "contact_email": "wang@example.com",
        "employees_total": 120,
        "employees_returned": 80,
        "planned_start_date": "2020-02-10",
        "masks": 3000,
        "disinfectant_kg": 50,
        "thermometers": 10,
        "commitment": True,
    }
    body.update(changes)
    return body


def approved_enterprise(stack: Stack, serial: int = 7, **changes: Any) -> str:
    """An enterprise filing taken through both approvals, as its town and district would:
    the employer, the claimant or the orderer the other forms name."""
    from chalicelib.store.models import Filing

    answer = stack.submit(enterprise(serial=serial, **changes))
    assert answer.status_code == 201, answer.body
    filing_id = str(json.loads(answer.body)["filing_id"])
    stack.pump()
    for step in ("town", "district"):
        assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
        stack.pump()
    assert Filing.get(filing_id).status == "approved"
    return filing_id
