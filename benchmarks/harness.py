"""What the benchmarks share: the stack in process (moto, the app behind Chalice's test
client, the S3 -> SQS messages pumped by hand into the handler Lambda runs, as
tests/support/stack.py does), a meter of every AWS call, and timing helpers.

The meter patches botocore's `BaseClient._make_api_call`, through which boto3's clients
and PynamoDB's connection both go, and asks DynamoDB for its consumed capacity with a
'before-parameter-build' hook on each client it sees: the product is not changed for it.
Capacity is also worked out by DynamoDB's own sizing rules from the emulator's items
(moto's ConsumedCapacity is a flat 1.0 a write and 0.5 a read, and none for transactions).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import statistics
import sys
import threading
import time
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ACCOUNT = "123456789012"  # moto's default
REGION = "us-east-1"
KB = 1024


def configure() -> None:
    """The test suite's settings: a signing key, the local stage's names, no real AWS."""
    from chalicelib.settings import RATE_LIMITS
    from tests.support.env import TEST_ENV

    os.environ.update(TEST_ENV)
    # Every request of a replay comes from one address: the per-client limit stays on (its
    # write is part of a submission's cost) but high enough never to refuse one.
    os.environ["SUBMISSIONS_PER_MINUTE"] = "100000000"
    # and so are the other kinds' (verify, uploads, approvals, status reads, rosters)
    os.environ["RATE_LIMITS"] = json.dumps(dict.fromkeys(RATE_LIMITS, 100_000_000))
    for name in ("AWS_ENDPOINT_URL", "SIGNING_KEYS_PARAMETER"):
        os.environ.pop(name, None)


# --- timing -------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


# --- the meter ------------------------------------------------------------------------------


@dataclass
class Write:
    """One item written, as DynamoDB bills it: the table's and each index's partition."""

    table: str  # the table's short name ("filings"), or "filings/queue-index"
    partition: str  # the partition key's value
    units: float  # write capacity units


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)  # "dynamodb:GetItem" -> n
    refused: Counter[str] = field(default_factory=Counter)  # of those, conditions that failed
    rcu: float = 0.0  # by DynamoDB's rules
    wcu: float = 0.0  # by DynamoDB's rules, indexes included
    moto_units: float = 0.0  # what moto's ConsumedCapacity said
    s3_bytes: int = 0
    writes: list[Write] = field(default_factory=list)
    aws_seconds: float = 0.0  # spent inside the calls (the emulator's time, for us AWS's)
    meter_seconds: float = 0.0  # the meter's own bookkeeping, to take out of handler times

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def add(self, other: Tally) -> None:
        self.calls.update(other.calls)
        self.refused.update(other.refused)
        self.rcu += other.rcu
        self.wcu += other.wcu
        self.moto_units += other.moto_units
        self.s3_bytes += other.s3_bytes
        self.writes.extend(other.writes)
        self.aws_seconds += other.aws_seconds
        self.meter_seconds += other.meter_seconds

    def count(self, *names: str) -> int:
        return sum(n for key, n in self.calls.items() if key in names)

    @property
    def reads(self) -> int:
        return sum(n for key, n in self.calls.items() if key.split(":")[1] in READS)

    @property
    def sends(self) -> int:
        return self.count("ses:SendEmail", "sns:Publish")

    @property
    def writes_count(self) -> int:
        """Writes that took effect (a write refused by its condition changed nothing)."""
        return self.total - self.reads - self.sends - sum(self.refused.values())


READS = ("GetItem", "Query", "BatchGetItem", "Scan", "GetObject", "HeadObject")


LOCAL_ONLY_TABLES = ("outbox",)  # the local stage's outbox: not deployed, not counted


class Meter:
    """Counts the AWS calls made while `active`, per operation and table."""

    def __init__(self) -> None:
        self.active = False
        self.tally = Tally()
        self.local_only = Counter[str]()
        self._lock = threading.Lock()
        self._hooked: weakref.WeakSet[Any] = weakref.WeakSet()
        self._original: Any = None

    def install(self) -> None:
        from botocore.client import BaseClient

        if self._original is not None:
            return
        self._original = original = BaseClient._make_api_call
        meter = self

        def _make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if not meter.active:
                return original(client, operation, params)
            return meter._call(original, client, operation, params)

        BaseClient._make_api_call = _make_api_call  # type: ignore[method-assign]

    def uninstall(self) -> None:
        from botocore.client import BaseClient

        if self._original is not None:
            BaseClient._make_api_call = self._original  # type: ignore[method-assign]
            self._original = None

    @contextlib.contextmanager
    def measuring(self) -> Iterator[Tally]:
        """A fresh tally of the calls made inside the block."""
        outer, self.tally = self.tally, Tally()
        self.active = True
        try:
            yield self.tally
        finally:
            self.active = False
            outer.add(self.tally)
            inner, self.tally = self.tally, outer
            del inner

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        was, self.active = self.active, False
        try:
            yield
        finally:
            self.active = was

    def _call(self, original: Any, client: Any, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        if service == "dynamodb" and client not in self._hooked:
            client.meta.events.register("before-parameter-build.dynamodb", _ask_capacity)
            self._hooked.add(client)
        table = _short(params.get("TableName", ""))
        if service == "dynamodb" and table in LOCAL_ONLY_TABLES:
            with self._lock:
                self.local_only[f"{service}:{operation}"] += 1
            return original(client, operation, params)
        bookkeeping = time.perf_counter()
        before = _items_before(service, operation, params)
        body = params.get("Body") if service == "s3" and operation == "PutObject" else None
        response: Any = None
        refused = False
        started = time.perf_counter()
        try:
            response = original(client, operation, params)
            return response
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            refused = code in ("ConditionalCheckFailedException", "TransactionCanceledException")
            raise
        finally:
            finished = time.perf_counter()
            units = _capacity(service, operation, params, before, response)
            with self._lock:
                tally = self.tally
                tally.calls[f"{service}:{operation}"] += 1
                if refused:
                    tally.refused[f"{service}:{operation}"] += 1
                tally.aws_seconds += finished - started
                tally.meter_seconds += time.perf_counter() - finished + started - bookkeeping
                if units is not None:
                    rcu, wcu, writes, moto = units
                    tally.rcu += rcu
                    tally.wcu += wcu
                    tally.writes.extend(writes)
                    tally.moto_units += moto
                if isinstance(body, bytes | str):
                    tally.s3_bytes += len(body)


def _ask_capacity(params: dict[str, Any], model: Any, **_: Any) -> None:
    if "ReturnConsumedCapacity" in model.input_shape.members:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")


def _short(table_name: str) -> str:
    return table_name.removeprefix("jiafuwu-local-")


# --- capacity by DynamoDB's rules ----------------------------------------------------------
# Reads: 4 KB units, half for an eventually consistent read, double in a transaction.
# Writes: 1 KB units of the larger of the item before and after, double in a transaction;
# each global secondary index whose entry the write changes costs its own units (an entry is
# the projected attributes and 100 bytes; a write that changes none of them leaves the
# entry alone); an index whose key changes takes a delete and a put.


def _backend() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT][REGION]


def _table(name: str) -> Any:
    return _backend().tables.get(name)


def _key_of(table: Any, item_or_key: dict[str, Any]) -> dict[str, Any]:
    names = [table.hash_key_attr, table.range_key_attr]
    return {n: item_or_key[n] for n in names if n and n in item_or_key}


def _lookup(table_name: str, key: dict[str, Any]) -> Any:
    try:
        return _backend().get_item(table_name, key)
    except Exception:  # a malformed key: DynamoDB refuses it, nothing is billed
        return None


WriteOp = tuple[str, dict[str, Any], bool]  # table name, key, transactional


def _write_ops(operation: str, params: dict[str, Any]) -> list[WriteOp]:
    ops: list[WriteOp] = []
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        table = _table(params["TableName"])
        if table is not None:
            ops.append(
                (params["TableName"], _key_of(table, params.get("Item") or params["Key"]), False)
            )
    elif operation == "TransactWriteItems":
        for entry in params["TransactItems"]:
            for kind, op in entry.items():
                table = _table(op["TableName"])
                if table is None or kind == "ConditionCheck":
                    continue
                ops.append((op["TableName"], _key_of(table, op.get("Item") or op["Key"]), True))
    elif operation == "BatchWriteItem":
        for name, requests in params["RequestItems"].items():
            table = _table(name)
            for request in requests:
                body = request.get("PutRequest", {}).get("Item") or request["DeleteRequest"]["Key"]
                ops.append((name, _key_of(table, body), False))
    return ops


def _items_before(service: str, operation: str, params: dict[str, Any]) -> list[Any]:
    if service != "dynamodb":
        return []
    return [_snapshot(name, key) for name, key, _ in _write_ops(operation, params)]


def _snapshot(table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
    item = _lookup(table_name, key)
    return dict(item.to_json()["Attributes"]) if item is not None else None


def item_size(attributes: dict[str, Any] | None) -> int:
    """An item's size as DynamoDB counts it: names and values, in bytes."""
    if not attributes:
        return 0
    from moto.dynamodb.models.dynamo_type import DynamoType

    return sum(len(k.encode()) + DynamoType(v).size() for k, v in attributes.items())


def _units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


def _capacity(
    service: str, operation: str, params: dict[str, Any], before: list[Any], response: Any
) -> tuple[float, float, list[Write], float] | None:
    if service != "dynamodb":
        return None
    moto = _moto_units(response)
    if operation in ("GetItem", "Query", "BatchGetItem", "Scan"):
        return _read_units(operation, params, response), 0.0, [], moto
    ops = _write_ops(operation, params)
    writes: list[Write] = []
    for (name, key, transactional), old in zip(ops, before, strict=True):
        new = _snapshot(name, key)
        writes.extend(_item_writes(name, key, old, new, transactional))
    return 0.0, sum(w.units for w in writes), writes, moto


def _moto_units(response: Any) -> float:
    consumed = (response or {}).get("ConsumedCapacity") if isinstance(response, dict) else None
    if isinstance(consumed, dict):
        consumed = [consumed]
    return float(sum(c.get("CapacityUnits", 0) for c in consumed or []))


def _read_units(operation: str, params: dict[str, Any], response: Any) -> float:
    if not isinstance(response, dict):
        return 0.0
    factor = 1.0 if params.get("ConsistentRead") else 0.5
    if operation == "GetItem":
        return factor * _units(item_size(response.get("Item")), 4 * KB)
    if operation in ("Query", "Scan"):
        size = sum(item_size(i) for i in response.get("Items", []))
        return factor * _units(size, 4 * KB)
    total = 0.0
    for name, items in response.get("Responses", {}).items():
        consistent = params["RequestItems"].get(name, {}).get("ConsistentRead")
        total += (1.0 if consistent else 0.5) * sum(_units(item_size(i), 4 * KB) for i in items)
    return total


def _item_writes(
    table_name: str,
    key: dict[str, Any],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    transactional: bool,
) -> list[Write]:
    table = _table(table_name)
    short = _short(table_name)
    factor = 2.0 if transactional else 1.0
    size = max(item_size(old), item_size(new))
    partition = _scalar(key.get(table.hash_key_attr))
    writes = [Write(short, partition, factor * _units(size, KB))]
    for index in table.global_indexes:
        hash_attr = index.schema[0]["AttributeName"]
        where = f"{short}/{index.name}"
        before = _projected(index, old) if _index_key(index, old) is not None else None
        after = _projected(index, new) if _index_key(index, new) is not None else None
        if (
            before is not None
            and after is not None
            and _index_key(index, old) == _index_key(index, new)
        ):
            if before != after:  # the entry rewritten in place
                writes.append(_entry(where, after, hash_attr))
            continue
        for entry in (before, after):  # out of the index, into it, or moved: a delete, a put
            if entry is not None:
                writes.append(_entry(where, entry, hash_attr))
    return writes


def _projected(index: Any, item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The index's entry for an item: only its projected attributes, so that a write
    which changes none of them leaves the entry alone (as DynamoDB does)."""
    if item is None:
        return None
    kind = (index.projection or {}).get("ProjectionType", "ALL")
    if kind == "ALL":
        return item
    keep = {*index.table_key_attrs, *(k["AttributeName"] for k in index.schema)}
    if kind == "INCLUDE":
        keep.update(index.projection.get("NonKeyAttributes", []))
    return {name: value for name, value in item.items() if name in keep}


def _entry(where: str, item: dict[str, Any], hash_attr: str) -> Write:
    return Write(where, _scalar(item[hash_attr]), _units(item_size(item) + 100, KB))


def _index_key(index: Any, item: dict[str, Any] | None) -> tuple[str, ...] | None:
    if item is None:
        return None
    names = [k["AttributeName"] for k in index.schema]
    if not all(n in item for n in names):
        return None  # sparse: not in the index
    return tuple(json.dumps(item[n], sort_keys=True) for n in names)


def _scalar(value: Any) -> str:
    if isinstance(value, dict):
        return str(next(iter(value.values())))
    return str(value)


# --- the stack --------------------------------------------------------------------------------


class Stack:
    """The app in process on moto, the events pumped into its handler; only the product's
    own calls are metered (the pump's receive and delete stand in for Lambda's poller)."""

    def __init__(self, client: Any, queue_url: str, meter: Meter) -> None:
        self.client = client
        self.queue_url = queue_url
        self.meter = meter
        from chalicelib.store import aws

        self.sqs = aws.client("sqs")

    def receive(self, limit: int | None = None) -> list[dict[str, Any]]:
        taken: list[dict[str, Any]] = []
        with self.meter.paused():
            while limit is None or len(taken) < limit:
                answer = self.sqs.receive_message(
                    QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
                )
                messages = answer.get("Messages", [])
                if not messages:
                    break
                self.sqs.delete_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(messages)
                    ],
                )
                taken.extend(messages)
        return taken

    def deliver(self, bodies: list[str]) -> None:
        from chalicelib.settings import EVENTS_QUEUE

        event = self.client.events.generate_sqs_event(
            message_bodies=bodies, queue_name=EVENTS_QUEUE
        )
        self.client.lambda_.invoke("on_event", event)

    def pump(self, batch: int = 10) -> int:
        """Deliver the queue's messages, `batch` to an invocation as Lambda's event source
        mapping would, until no more come; the number delivered."""
        delivered = 0
        while messages := self.receive(batch):
            for i in range(0, len(messages), batch):
                self.deliver([m["Body"] for m in messages[i : i + batch]])
            delivered += len(messages)
        return delivered

    def post_json(self, path: str, body: Any, **headers: str) -> Any:
        return self.client.http.post(
            path,
            headers={"Content-Type": "application/json", **headers},
            body=json.dumps(body, ensure_ascii=False).encode(),
        )

    def submit(self, form: str, body: dict[str, Any]) -> str:
        answer = self.post_json(f"/api/filings/{form}", body, **self.proofs(form, body))
        if answer.status_code != 201:
            raise RuntimeError(f"submission refused: {answer.status_code} {answer.body!r}")
        return str(json.loads(answer.body)["filing_id"])

    def proofs(self, form: str, body: dict[str, Any]) -> dict[str, str]:
        """What the applicant's page sends with a submission: the proof of its phone and
        the token of the enterprise it names. Signed here, as the approvers' links are
        below, rather than read back from the outbox (a proof is what
        POST /api/phone-codes/verify answers for the code the SMS brought)."""
        from chalicelib import links
        from chalicelib.core.phones import normalize_mobile
        from chalicelib.forms import get_form

        spec = get_form(form)
        headers = {}
        phone = body.get(spec.applicant_phone_field or "")
        if phone:
            headers["Phone-Proof"] = links.phone_proof(normalize_mobile(phone) or "", "filing")
        named = body.get("enterprise_filing_id") or body.get("employer_filing_id")
        if named:
            headers["Enterprise-Token"] = links.status_token(str(named))
        return headers

    def decide(
        self,
        filing_id: str,
        step: str,
        decision: str = "approve",
        comment: str = "",
        inputs: dict[str, str] | None = None,
    ) -> None:
        """POST the approver's link, as the approver would: the decision, a comment and the
        step's inputs (an approved amount, the instructor chosen), as its page's form
        sends them. The link is the one the approver was sent (a task's first link
        generation), signed again here rather than read back from the outbox, which is
        one partition that grows with every message."""
        from urllib.parse import urlencode

        from chalicelib import links

        token = links.approval_token(filing_id, step, 1)
        answer = self.client.http.post(
            f"/approve/{token}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            body=urlencode({"decision": decision, "comment": comment, **(inputs or {})}).encode(),
        )
        if answer.status_code != 200:
            raise RuntimeError(f"decision refused: {answer.status_code} {answer.body!r}")

    def roster(self, employer: str, body: bytes) -> list[str]:
        from chalicelib import links

        token = links.status_token(employer)
        answer = self.client.http.post(
            f"/api/filings/{employer}/roster?token={token}",
            headers={"Content-Type": "text/csv"},
            body=body,
        )
        if answer.status_code != 201:
            raise RuntimeError(f"roster refused: {answer.status_code} {answer.body[:500]!r}")
        return [f["filing_id"] for f in json.loads(answer.body)["filings"]]


_moto_patched = False


def spare_moto_its_scans() -> None:
    """Two costs of moto's that AWS does not have, and that would swamp a month's replay
    (benchmarks only; devstack/emulator.py could take the first, the local stack pays it
    too): a query of a table's own key sorts the whole table to pick one partition out
    (here it is shown that partition alone, which is all it keeps); and receiving each SQS
    message works out every attribute of the queue, counting its messages, to read one
    setting (here it reads that setting)."""
    global _moto_patched
    if _moto_patched:
        return
    from moto.core.utils import unix_time
    from moto.dynamodb.models.table import Table
    from moto.sqs.models import SQSBackend

    query = Table.query

    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name is not None or hash_key is None:
            return query(self, hash_key, *args, **kwargs)
        partition: Any = object.__new__(self.__class__)  # the same table, one partition
        partition.__dict__.update(self.__dict__)
        partition.items = {hash_key: self.items[hash_key]} if hash_key in self.items else {}
        return query(partition, hash_key, *args, **kwargs)

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        period = int(self.get_queue(queue_name).message_retention_period)
        return bool(period + message.sent_timestamp / 1000 > unix_time())

    Table.query = partition_query  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]
    _moto_patched = True


@contextlib.contextmanager
def stack(meter: Meter | None = None) -> Iterator[Stack]:
    """A fresh emulated AWS with the deployment's resources and the demo directory, and
    the app on it, as the integration tests' fixture builds it."""
    configure()
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.settings import get_settings
    from chalicelib.store import aws, models
    from devstack import demo, emulator, provision

    emulator.make_dynamodb_faithful()
    spare_moto_its_scans()
    meter = meter or Meter()
    meter.install()
    try:
        with mock_aws():
            get_settings.cache_clear()
            aws.reset_clients()
            models._bound = None
            models._connection.cache_clear()
            queue_url = provision.create_all(get_settings())
            demo.seed_directory()
            from app import app

            with Client(app, stage_name="local") as client:
                s = Stack(client, queue_url, meter)
                s.receive()  # the bucket's s3:TestEvent
                yield s
    finally:
        meter.uninstall()


# --- what people file -----------------------------------------------------------------------

TOWNS_FALLBACK = ("白龙桥镇",)


def towns() -> tuple[str, ...]:
    from chalicelib.core.towns import town_names

    return town_names() or TOWNS_FALLBACK


def enterprise(serial: int, town: str = "白龙桥镇") -> dict[str, Any]:
    from tests.support.stack import enterprise as body
    from tests.support.stack import make_uscc

    return body(
        serial, uscc=make_uscc(serial), town=town, enterprise_name=f"婺城示例企业{serial}号"
    )


def make_id(serial: int) -> str:
    """A valid resident ID, unique for serials up to a few hundred thousand."""
    from stdnum.cn import ric

    born = date(1980, 1, 1) + timedelta(days=serial // 1000)
    base = f"330702{born:%Y%m%d}{serial % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


def worker(employer: str, serial: int, town: str = "罗埠镇") -> dict[str, Any]:
    from tests.support.workers import worker as body

    return body(
        employer,
        serial,
        id_number=make_id(serial),
        name=f"返岗{serial}号",
        phone=f"138{serial % 10**8:08d}",
        lodging_town=town,
    )


def roster_csv(first_serial: int, count: int, town: str = "罗埠镇") -> bytes:
    from tests.support.rosters import as_csv, roster_rows

    rows = roster_rows(count, start=first_serial)
    for row in rows:
        serial = int(row[0])
        row[1] = f"返岗{serial}号"
        row[2] = make_id(serial)
        row[3] = f"138{serial % 10**8:08d}"
        row[10] = town
    return as_csv(rows)


WORKER_STEPS = ("employer", "village", "checkin_employer", "checkin_village")
ENTERPRISE_STEPS = ("town", "district")


# --- the machine -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import platform
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for dist in (
        "chalice",
        "boto3",
        "botocore",
        "pynamodb",
        "pydantic",
        "moto",
        "reportlab",
        "segno",
        "weasyprint",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load": load,
        **versions,
    }


def partitions(writes: list[Write]) -> dict[tuple[str, str], float]:
    """Write units per (table or index, partition key)."""
    per: dict[tuple[str, str], float] = defaultdict(float)
    for w in writes:
        per[(w.table, w.partition)] += w.units
    return per
