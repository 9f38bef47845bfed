"""Faults injected into the app's AWS calls through botocore's event hooks, on moto.

Every client the app's code uses (its boto3 clients and PynamoDB's) gets two handlers:

- `before-call`: counts each API call the app makes (`Call`: the phase of the
  lifecycle it belongs to, the service and operation, its rank in the phase) and,
  for the one call a `Plan` names, answers with an error instead of calling: the call
  failed for good, its retries spent, the function dies there after its earlier writes.
- `before-send`: every other request sent is answered with a throttling error (a
  transient fault): botocore's retries must absorb it.

The driver (`Lifecycle`) plays a filing's whole life as people and AWS would: an
answer in 5xx is retried by the person (the same idempotency key, the same link),
the events queue redelivers what failed (the local stack's poller, a partial batch
response), and the reconciler runs after its grace time.
"""

from __future__ import annotations

import collections
import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import botocore.endpoint
from botocore.awsrequest import AWSResponse
from moto.core.models import botocore_stubber

from chalicelib.core.clock import utcnow
from chalicelib.filing import reconcile
from chalicelib.store import aws, models, records
from chalicelib.store.models import Counter, Document, Filing, Task, bind_models
from devstack.local import Poller
from tests.support.stack import Stack

PROJECT_DIR = Path(__file__).resolve().parents[2]
_APP_CODE = (str(PROJECT_DIR / "app.py"), str(PROJECT_DIR / "chalicelib") + "/")
_NOT_APP = (str(PROJECT_DIR / "chalicelib" / "local.py"),)
SERVICES = ("dynamodb", "s3", "sqs", "ses", "sns")

# What a call that failed for good answers, by service: throttled past its retries,
# or the service's own failure.
ERRORS = {
    "dynamodb": ("ProvisionedThroughputExceededException", 400),
    "s3": ("SlowDown", 503),
    "ses": ("Throttling", 400),
    "sns": ("InternalError", 500),
    "sqs": ("ServiceUnavailable", 503),
}


@dataclass(frozen=True, order=True)
class Call:
    phase: str
    service: str
    operation: str
    rank: int  # 1 for the first call of this operation in this phase

    def __str__(self) -> str:
        return f"{self.phase}:{self.service}.{self.operation}#{self.rank}"


@dataclass(frozen=True)
class Plan:
    """Which call fails, and how: `error` overrides the service's usual error."""

    call: Call
    error: str | None = None
    reasons: tuple[str, ...] = ()  # a transaction's cancellation reasons


def _from_app_code() -> bool:
    frame = sys._getframe(3)
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(_NOT_APP):
            return False
        if path.startswith(_APP_CODE):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def app_clients() -> list[Any]:
    """Every botocore client the app's code calls AWS with."""
    models.bind_models()
    found = [aws.client(service) for service in SERVICES]
    found += [m._get_connection().connection.client for m in models.LOCAL_MODELS]
    found.append(models.connection().client)
    return list({id(c): c for c in found}.values())


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def _throttled(service: str) -> AWSResponse:
    if service == "dynamodb":
        body = b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"x"}'
        return AWSResponse("https://fault", 400, {}, _Raw(body))
    body = b"<ErrorResponse><Error><Code>Throttling</Code><Message>x</Message></Error>"
    body += b"</ErrorResponse>"
    if service == "s3":
        body = b"<Error><Code>SlowDown</Code><Message>x</Message></Error>"
    return AWSResponse("https://fault", 503, {}, _Raw(body))


@dataclass
class Faults:
    phase: str | None = None
    plan: Plan | None = None
    throttle: bool = False  # every other request sent is throttled
    calls: list[Call] = field(default_factory=list)
    injected: list[Call] = field(default_factory=list)
    throttled: int = 0
    _ranks: collections.Counter[tuple[str, str, str]] = field(default_factory=collections.Counter)
    _sends: int = 0
    _id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @contextmanager
    def installed(self) -> Iterator[Faults]:
        clients = app_clients()
        for client in clients:
            client.meta.events.register_first(
                "before-call", self._before_call, unique_id=f"call-{self._id}"
            )
            client.meta.events.register_first(
                "before-send", self._before_send, unique_id=f"send-{self._id}"
            )
            client.meta.events.register_last(
                "before-send", self._after_emulator, unique_id=f"after-{self._id}"
            )
        try:
            yield self
        finally:
            for client in clients:
                client.meta.events.unregister("before-call", unique_id=f"call-{self._id}")
                client.meta.events.unregister("before-send", unique_id=f"send-{self._id}")
                client.meta.events.unregister("before-send", unique_id=f"after-{self._id}")

    @contextmanager
    def in_phase(self, phase: str) -> Iterator[None]:
        self.phase = phase
        try:
            yield
        finally:
            self.phase = None

    def _before_call(self, model: Any, **_: Any) -> Any:
        if self.phase is None or not _from_app_code():
            return None
        service = model.service_model.service_name
        self._ranks[(self.phase, service, model.name)] += 1
        call = Call(self.phase, service, model.name, self._ranks[(self.phase, service, model.name)])
        self.calls.append(call)
        if self.plan is None or call != self.plan.call:
            return None
        self.injected.append(call)
        code, status = ERRORS[service]
        parsed: dict[str, Any] = {
            "Error": {"Code": self.plan.error or code, "Message": f"injected at {call}"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        if self.plan.reasons:
            parsed["CancellationReasons"] = [{"Code": r} for r in self.plan.reasons]
        return AWSResponse("https://fault", status, {}, _Raw(b"")), parsed

    def _before_send(self, event_name: str, **_: Any) -> Any:
        if not self.throttle or self.phase is None or not _from_app_code():
            return None
        self._sends += 1
        if self._sends % 2:
            return None
        self.throttled += 1
        # Every before-send handler runs: moto's must not carry out the request that
        # this answer says was refused (it is switched back on after the emulator's turn).
        botocore_stubber.enabled = False
        return _throttled(event_name.split(".")[1])  # before-send.<service>.<operation>

    def _after_emulator(self, **_: Any) -> None:
        botocore_stubber.enabled = True


@contextmanager
def no_backoff(sleeps: list[float]) -> Iterator[None]:
    """botocore's retries wait in `botocore.endpoint`: recorded here, not slept."""
    real = botocore.endpoint.time
    botocore.endpoint.time = SimpleNamespace(  # type: ignore[assignment]
        sleep=sleeps.append, time=time.time, monotonic=time.monotonic
    )
    try:
        yield
    finally:
        botocore.endpoint.time = real  # type: ignore[assignment]


# --- the driver ------------------------------------------------------------------------


@dataclass
class Lifecycle:
    """A filing's whole life through the app's entry points, approving every step."""

    stack: Stack
    faults: Faults
    answers: list[int] = field(default_factory=list)  # every HTTP status the app gave
    failed_deliveries: int = 0
    sweeps: int = 0
    failed_sweeps: int = 0
    clock: datetime | None = None  # the reconciler's

    def poller(self) -> Poller:
        def handler(event: dict[str, Any], context: Any) -> Any:
            payload = self.stack.client.lambda_.invoke("on_event", event).payload
            self.failed_deliveries += len(payload["batchItemFailures"])
            return payload

        return Poller(handler, self.stack.queue_url, retry_seconds=0)

    def events(self, phase: str) -> None:
        """The queue drained as Lambda would: failed messages come back, and after
        their receive limit go to the dead-letter queue."""
        poller = self.poller()
        for _ in range(50):
            if self.queued() == 0:
                return
            with self.faults.in_phase(phase):
                poller.poll_once(wait_seconds=0)
        raise AssertionError("the events queue did not drain")

    def queued(self) -> int:
        attrs = self.stack.sqs.get_queue_attributes(
            QueueUrl=self.stack.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(
            attrs["ApproximateNumberOfMessagesNotVisible"]
        )

    def request(self, phase: str, send: Callable[[], Any], tries: int = 3) -> Any:
        """A person's request, sent again (the same key, the same link) on a 5xx."""
        for _ in range(tries):
            with self.faults.in_phase(phase):
                answer = send()
            self.answers.append(answer.status_code)
            if answer.status_code < 500:
                return answer
        raise AssertionError(f"{phase}: still failing after {tries} tries")

    def reconcile(self) -> None:
        """The scheduled reconciler, twice, each run past the grace time of the last
        (a clock of its own), then the events it caused."""
        for _ in range(2):
            self.sweeps += 1
            self.clock = (self.clock or utcnow()) + 2 * records.GRACE
            with self.faults.in_phase(f"reconcile-{self.sweeps}"):
                try:
                    reconcile.sweep(self.clock)
                except Exception:  # as the schedule does: it runs again next time
                    self.failed_sweeps += 1
            self.events(f"reconcile-{self.sweeps}-events")

    def run(self, form: str, body: dict[str, Any]) -> str:
        key = f"key-{uuid.uuid4().hex}"
        answer = self.request(
            "submit",
            lambda: self.stack.post_json(f"/api/filings/{form}", body, **{"Idempotency-Key": key}),
        )
        assert answer.status_code == 201, answer.body
        filing_id = str(json.loads(answer.body)["filing_id"])
        self.events("submit-events")
        reconciled = False
        for _ in range(10):
            open_steps = sorted(
                t.step for t in Task.query(filing_id, consistent_read=True) if t.status == "open"
            )
            if not open_steps:
                if reconciled:
                    break
                # Nothing to decide: the reconciler's turn (a record that never
                # landed leaves the filing waiting here).
                self.reconcile()
                reconciled = True
                continue
            reconciled = False
            for step in open_steps:
                link = self.stack.link(step, filing_id)
                self.request(f"decide-{step}", lambda link=link: self.stack.decide(link, "approve"))
                self.events(f"decide-{step}-events")
        return filing_id


_DAY = re.compile(r"20[0-9]{2}-?[0-9]{2}-?[0-9]{2}")


def end_state(stack: Stack, filing_ids: list[str]) -> dict[str, Any]:
    """What a lifecycle leaves, in terms two runs can share (no ids, codes or times)."""
    names: dict[str, str] = {}
    filings = []
    for n, filing_id in enumerate(filing_ids):
        filing = Filing.get(filing_id, consistent_read=True)
        names[filing_id], names[filing.slip_no] = f"F{n}", f"S{n}"
        filings.append(
            (
                filing.form,
                filing.status,
                filing.version,
                dict(filing.steps.as_dict()),
                sorted(filing.document_codes()),
                sorted((t.step, t.status, t.decision) for t in Task.query(filing_id)),
                filing.emit_at is None,  # the reconciler saw it through
            )
        )

    def anonymous(text: str) -> str:
        for real, name in names.items():
            text = text.replace(real, name)
        return text

    documents = collections.Counter(
        (names.get(d.filing_id, "?"), d.kind) for d in Document.scan(consistent_read=True)
    )
    counters: collections.Counter[str] = collections.Counter()
    for item in raw_counters():
        # a day's counters are named by the day: two runs either side of China's midnight
        # (16:00 UTC, within a CI run) count the same figures under two names
        figure = _DAY.sub("DAY", item.pop("key")["S"].rsplit("#", 1)[0])
        for town, value in item.items():  # or an enterprise's filing id, per-enterprise figures
            counters[f"{figure}@{anonymous(town)}"] += int(value["N"])
    messages = collections.Counter(
        (m["channel"], m["to"], m.get("step") or "", anonymous(str(m["subject"])))
        for m in stack.outbox()
    )
    return {
        "filings": filings,
        "documents": sorted(documents.items()),
        "counters": sorted((k, v) for k, v in counters.items() if v),
        "messages": sorted(messages.items()),
    }


def raw_counters() -> list[dict[str, Any]]:
    """Every counter item as stored (its attributes are towns, which the model does not
    declare), read whole and consistently."""
    bind_models()
    items: list[dict[str, Any]] = []
    start = None
    while True:
        page = Counter._get_connection().scan(exclusive_start_key=start, consistent_read=True)
        items.extend(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            return items
