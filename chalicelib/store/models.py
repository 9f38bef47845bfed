"""PynamoDB models: the state of record.

Table names, endpoint and region come from the settings, bound on first use
(`bind_models`), never at import: the same classes serve the local stack, the
tests and AWS, and the deployment's table definitions are built from them.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    IncludeProjection,
    KeysOnlyProjection,
)
from pynamodb.models import Model

from chalicelib.settings import Settings, get_settings
from chalicelib.store.aws import ATTEMPTS, CONNECT_TIMEOUT, READ_TIMEOUT

# Each index key spreads over shards, each under a partition's 1,000 writes a second at
# 1,000 filings a second (benchmarks/REPORT.md, "The scale on paper"); a reader queries each.
QUEUE_SHARDS = 8  # a busy town's filings of one status spread over this many index keys
EMIT_SHARDS = 16  # the reconciler's sparse index of filings that may owe a record
ALERT_SHARDS = 16  # the reminders' sparse index of open steps


def queue_key(form: str, town: str, status: str, filing_id: str) -> str:
    """A filing's key in the queue index: its form, town and status, and a shard fixed by
    its id, so that a thousand filings a second in one town stay under a partition's
    1,000 writes a second (benchmarks/REPORT.md, "The scale on paper")."""
    return f"{form}#{town}#{status}#{zlib.crc32(filing_id.encode()) % QUEUE_SHARDS}"


def queue_keys(form: str, town: str, status: str) -> Iterator[str]:
    """Every key of one form's filings of one town in one status: a reader queries each."""
    for shard in range(QUEUE_SHARDS):
        yield f"{form}#{town}#{status}#{shard}"


def form_key(form: str, status: str, filing_id: str) -> str:
    """A filing's key in the form index: its form and status in every town together, and
    the same shard as its queue key (the whole district's filings of one form and status
    spread over QUEUE_SHARDS keys, each under a partition's writes at the peak)."""
    return f"{form}#{status}#{zlib.crc32(filing_id.encode()) % QUEUE_SHARDS}"


def form_keys(form: str, status: str) -> Iterator[str]:
    """Every key of one form's filings in one status, district-wide: a reader queries each,
    as many queries whatever the number of towns."""
    for shard in range(QUEUE_SHARDS):
        yield f"{form}#{status}#{shard}"


class FilingQueueIndex(GlobalSecondaryIndex["Filing"]):
    """Staff queues and exports: one form's filings of one town in one status, by time.

    It projects only what a queue and an export show, none of which changes while a
    filing keeps its status: a decision, a document or a reminder then writes the table
    alone, and only a change of status (a new key) writes the index."""

    class Meta:
        index_name = "queue-index"
        projection = IncludeProjection(["slip_no", "status", "town", "applicant", "data"])

    queue_key = UnicodeAttribute(hash_key=True)  # queue_key(): "<form>#<town>#<status>#<shard>"
    created_at = UTCDateTimeAttribute(range_key=True)


class FilingFormIndex(GlobalSecondaryIndex["Filing"]):
    """The district's queues and exports: one form's filings of one status in every town,
    by time. It projects what the queue index projects, for the same reason; an export
    reads the filings themselves (their decisions) in batches of 100."""

    class Meta:
        index_name = "form-index"
        projection = IncludeProjection(["slip_no", "status", "town", "applicant", "data"])

    form_key = UnicodeAttribute(hash_key=True)  # form_key(): "<form>#<status>#<shard>"
    created_at = UTCDateTimeAttribute(range_key=True)


class FilingEmitIndex(GlobalSecondaryIndex["Filing"]):
    """Sparse: a filing whose S3 record (snapshot or decision) may not have landed
    carries a shard and a time until the reconciler has seen its events through. Keys
    only (the reconciler reads each filing anyway): the many updates of a marked filing
    then leave the index alone, which only a mark and its removal write."""

    class Meta:
        index_name = "emit-index"
        projection = KeysOnlyProjection()

    emit_shard = UnicodeAttribute(hash_key=True)
    emit_at = UTCDateTimeAttribute(range_key=True)


class FilingPhoneIndex(GlobalSecondaryIndex["Filing"]):
    """Sparse: 我的办件, one applicant phone's filings, newest first. Its key is the
    phone's keyed hash (chalicelib/store/phone_codes.py), never the phone; it projects
    what the list shows."""

    class Meta:
        index_name = "phone-index"
        projection = IncludeProjection(["form", "slip_no", "status"])

    phone_key = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class FilingOriginIndex(GlobalSecondaryIndex["Filing"]):
    """Sparse: a worker's filing by the county it comes from and its arrival day, so a
    new risk map that raises a county finds the workers from there still in their days
    of observation (chalicelib/filing/recheck.py) without a scan. Keys only: the
    re-check reads each filing anyway, and nothing else writes this index."""

    class Meta:
        index_name = "origin-index"
        projection = KeysOnlyProjection()

    origin_key = UnicodeAttribute(hash_key=True)  # the origin county's code
    arrival_day = UnicodeAttribute(range_key=True)  # YYYY-MM-DD


class Filing(Model):
    class Meta:
        table_name = "filings"

    filing_id = UnicodeAttribute(hash_key=True)
    form = UnicodeAttribute()
    revision = NumberAttribute(default=1)  # of the form's declaration, for old filings
    slip_no = UnicodeAttribute()
    status = UnicodeAttribute()
    stage = NumberAttribute(default=-1)
    steps = MapAttribute[str, Any](default=dict)  # step id -> open/approved/rejected/superseded
    reason = UnicodeAttribute(default="")
    town = UnicodeAttribute()
    applicant = UnicodeAttribute()
    unique_value = UnicodeAttribute(null=True)  # e.g. the USCC whose open-filing claim this holds
    data = JSONAttribute()
    documents = MapAttribute[str, Any](default=dict)  # kind -> verification code
    started_on = UnicodeAttribute(null=True)  # an approved enterprise's start of work (开工)
    # What deciders filled in (Step.inputs), by step: {"finance": {"approved_amount":
    # "180000.00"}}; the last approval of each step, set in the transition it caused.
    outputs = JSONAttribute(null=True)
    # Every decision in order, reopens included (their reasons are the timeline's):
    # [{"step", "decision", "comment", "by", "at", "shown": [[label, text], ...]}].
    history = JSONAttribute(null=True)
    # Of its data: 1 as submitted, one more per correction (退回补正); each revision's
    # snapshot is kept in S3 (chalicelib/store/records.py, revision_key).
    data_rev = NumberAttribute(default=1)
    version = NumberAttribute(default=0)  # optimistic lock of every transition
    queue_key = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)  # DynamoDB TTL: personal data ends with the drive
    queue_index = FilingQueueIndex()
    form_key = UnicodeAttribute(null=True)  # null only on filings from before the index
    form_index = FilingFormIndex()
    emit_shard = UnicodeAttribute(null=True)  # set while a record it owes may be missing
    emit_at = UTCDateTimeAttribute(null=True)  # when the reconciler looks at it (again)
    emit_index = FilingEmitIndex()
    phone_key = UnicodeAttribute(null=True)  # the applicant phone's keyed hash (我的办件)
    phone_index = FilingPhoneIndex()
    resubmits = UnicodeAttribute(null=True)  # the rejected filing this one corrects
    worker_code = UnicodeAttribute(null=True)  # an enterprise's current 员工登记码
    # A worker's health follow-up (issue #17; chalicelib/filing/health.py): while set
    # ("open" or "isolation") the check-in waits and the pass is suspended.
    health_hold = UnicodeAttribute(null=True)
    follow_up = JSONAttribute(null=True)  # {"status", "opened_at", "step", "temperature", ...}
    # The days of observation's reports, one per China day (a claim keeps it one):
    # [{"day", "temperature", "symptoms", "by", "at"}, ...]
    reports = JSONAttribute(null=True)
    lodging_checks = JSONAttribute(
        null=True
    )  # the village's daily "at the lodging": [{"day", ...}]
    # A worker's origin county and arrival day (the origin index, set at submission) and
    # the last day of an observation a new risk map extended (YYYY-MM-DD).
    origin_key = UnicodeAttribute(null=True)
    arrival_day = UnicodeAttribute(null=True)
    origin_index = FilingOriginIndex()
    observation_until = UnicodeAttribute(null=True)

    def step_status(self, step: str) -> str | None:
        return self.steps.as_dict().get(step)  # type: ignore[no-any-return]

    def document_codes(self) -> dict[str, str]:
        return dict(self.documents.as_dict())

    def output(self, step: str, name: str) -> Any:
        """One decision output (Step.inputs) of a step, None when not decided."""
        return (self.outputs or {}).get(step, {}).get(name)


class TaskAlertIndex(GlobalSecondaryIndex["Task"]):
    """Sparse: only open steps carry an alert shard, so the sweep reads what is late."""

    class Meta:
        index_name = "alert-index"
        projection = AllProjection()

    alert_shard = UnicodeAttribute(hash_key=True)
    alert_at = UTCDateTimeAttribute(range_key=True)


class TaskWorkIndex(GlobalSecondaryIndex["Task"]):
    """Sparse: the workbench's to-do lists. Only open steps carry a work key (their
    role and scope), so a person's list is one query a page, oldest first. One key per
    office: a town opens a few thousand steps a day at the drive's peak, far below a
    partition's 1,000 writes a second."""

    class Meta:
        index_name = "work-index"
        projection = AllProjection()

    work_key = UnicodeAttribute(hash_key=True)  # work_key(): "<role>#<scope>"
    opened_at = UTCDateTimeAttribute(range_key=True)


def work_key(role: str, scope: str) -> str:
    """An open step's key in the work index: whose list it is on."""
    return f"{role}#{scope}"


class Task(Model):
    """One approval step of a filing, and the capability its link carries."""

    class Meta:
        table_name = "tasks"

    filing_id = UnicodeAttribute(hash_key=True)
    step = UnicodeAttribute(range_key=True)
    form = UnicodeAttribute()
    role = UnicodeAttribute()
    scope = UnicodeAttribute()
    status = UnicodeAttribute()  # open | decided | superseded
    link_gen = NumberAttribute(
        default=1
    )  # bumped when a link is reissued: older links are superseded
    opened_at = UTCDateTimeAttribute()
    due_at = UTCDateTimeAttribute()
    decision = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    inputs = JSONAttribute(null=True)  # the decision's inputs (Step.inputs), as validated
    shown = JSONAttribute(null=True)  # the same as [[label, text], ...], for pages and documents
    alerts = NumberAttribute(default=0)  # 1: the approver reminded; 2: the district told
    alert_shard = UnicodeAttribute(null=True)  # set while open: the alert index's key
    alert_at = UTCDateTimeAttribute(null=True)  # when the next alert is due
    alert_index = TaskAlertIndex()
    town = UnicodeAttribute(null=True)  # the filing's town: the to-do list's filter
    # A contact of the same role within the scope (directory scope "<scope>#<n>") the
    # step was reassigned to; None: the scope's own contact.
    assignee = UnicodeAttribute(null=True)
    work_key = UnicodeAttribute(null=True)  # set while open: the work index's key
    work_index = TaskWorkIndex()

    @property
    def contact_scope(self) -> str:
        """Whose contact decides it: the assignee's, else the scope's."""
        return str(self.assignee or self.scope)


class Document(Model):
    """An issued document, found by the code its QR carries."""

    class Meta:
        table_name = "documents"

    code = UnicodeAttribute(hash_key=True)
    filing_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    holder = UnicodeAttribute()  # masked where it names a person
    valid_from = UnicodeAttribute()  # YYYY-MM-DD
    valid_to = UnicodeAttribute(null=True)
    revoked = BooleanAttribute(default=False)
    depends_on = UnicodeAttribute(null=True)  # a filing whose ending revokes this too (employer)
    s3_key = UnicodeAttribute()
    issued_at = UTCDateTimeAttribute()
    seal = UnicodeAttribute(null=True)  # the offline seal its QR carries (documents/seal.py)
    suspended = BooleanAttribute(default=False)  # held back by a health follow-up (#17)


class ContactPhoneIndex(GlobalSecondaryIndex["Contact"]):
    """Sparse: a contact who may sign in to the workbench, by the keyed hash of their
    mobile (store/phone_codes.py phone_key): no phone in any key."""

    class Meta:
        index_name = "phone-index"
        projection = KeysOnlyProjection()

    phone_key = UnicodeAttribute(hash_key=True)


class Contact(Model):
    """The directory: who approves for a role in a scope (a town, the district)."""

    class Meta:
        table_name = "directory"

    role = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    emails = ListAttribute[str](default=list)  # of strings
    phones = ListAttribute[str](default=list)
    # A town office's: where and when the goods of an approved supplies order are collected.
    pickup_place = UnicodeAttribute(null=True)
    pickup_hours = UnicodeAttribute(null=True)
    phone_key = UnicodeAttribute(null=True)  # of phones[0]: set for those who may sign in
    phone_index = ContactPhoneIndex()


class Counter(Model):
    """One figure for every town, sharded so that no key takes more than its share of
    writes: its other attributes are named by town (chalicelib/store/counters.py), which
    no model can declare, so they are written by update actions and read raw."""

    class Meta:
        table_name = "counters"

    key = UnicodeAttribute(hash_key=True)  # "<figure>#<shard>"


class Stock(Model):
    """A town's stock of one item of epidemic supplies (防疫物资): what is left to hand
    out. Approved orders draw on it under the condition that enough is left."""

    class Meta:
        table_name = "stock"

    town = UnicodeAttribute(hash_key=True)
    item = UnicodeAttribute(range_key=True)  # chalicelib.filing.stock.ITEMS
    remaining = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute(null=True)  # when staff last set the level
    updated_by = UnicodeAttribute(null=True)


class Unique(Model):
    """A claim on a value that must be unique: an open filing per applicant, an
    idempotency key, a slip number, a message already sent."""

    class Meta:
        table_name = "uniques"

    key = UnicodeAttribute(hash_key=True)
    filing_id = UnicodeAttribute()
    body_hash = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)  # DynamoDB TTL: claims that lapse (sent, idempotency)


class Audit(Model):
    """Append-only: who did what to which filing, when, from where."""

    class Meta:
        table_name = "audit"

    filing_id = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)  # "<iso time>#<random>", in order
    action = UnicodeAttribute()
    actor = UnicodeAttribute()
    source_ip = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(default="")
    expires_at = TTLAttribute(null=True)  # DynamoDB TTL: who and from where is personal data


class RateWindow(Model):
    """One client address's submissions in one minute: counted with an atomic ADD under
    a condition, so the limit holds across every Lambda container; gone after the hour."""

    class Meta:
        table_name = "ratelimits"

    key = UnicodeAttribute(hash_key=True)  # "<client address>#<window start, epoch seconds>"
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)


class Checkpoint(Model):
    """A checkpoint (卡口) registered by staff: its scanner page holds a signed link to it."""

    class Meta:
        table_name = "checkpoints"

    checkpoint_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    town = UnicodeAttribute()
    lat = NumberAttribute(null=True)  # where it stands, when staff gave it: the travel check
    lng = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()


class ScanCodeIndex(GlobalSecondaryIndex["Scan"]):
    """A document's scans in time order: where else it was shown, and when."""

    class Meta:
        index_name = "code-index"
        projection = AllProjection()

    code = UnicodeAttribute(hash_key=True)
    scanned_at = UnicodeAttribute(range_key=True)


class ScanFlagIndex(GlobalSecondaryIndex["Scan"]):
    """Sparse: only a scan implausibly far from the same document's previous one."""

    class Meta:
        index_name = "flag-index"
        projection = AllProjection()

    flag_day = UnicodeAttribute(hash_key=True)  # YYYY-MM-DD, China time
    scanned_at = UnicodeAttribute(range_key=True)


class Scan(Model):
    """One scan at a checkpoint, sent from the device's queue; its client id makes a
    resent one the same item. Kept until TTL: where a person was is personal data."""

    class Meta:
        table_name = "scans"

    client_id = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute()
    checkpoint_id = UnicodeAttribute()
    scanned_at = UnicodeAttribute()  # ISO time, UTC, as the device's clock said
    result = UnicodeAttribute()  # valid | not_yet_valid | invalid
    reason = UnicodeAttribute(null=True)
    received_at = UTCDateTimeAttribute()
    flag_day = UnicodeAttribute(null=True)
    flag = JSONAttribute(null=True)  # {"other", "checkpoint", "km", "minutes"}
    expires_at = TTLAttribute(null=True)
    code_index = ScanCodeIndex()
    flag_index = ScanFlagIndex()


class SearchEntry(Model):
    """The workbench's search: one entry per searchable term of a filing. Exact terms
    (a slip number, a credit code, a phone or ID number through a keyed hash, never in
    plain) sort newest first; an enterprise's name sits under its town, sorted by name,
    for a prefix query. Personal: it expires with the filing."""

    class Meta:
        table_name = "search"

    term = UnicodeAttribute(hash_key=True)  # "slip#..", "uscc#..", "phone#<hash>", "name#<town>"
    sort = UnicodeAttribute(range_key=True)  # "<created iso>#<filing id>" or "<name>#<filing id>"
    filing_id = UnicodeAttribute()
    form = UnicodeAttribute()
    town = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)


class PhoneCode(Model):
    """The SMS code outstanding for one number and purpose: only its keyed hash, the
    tries it has had, and when it lapses (chalicelib/store/phone_codes.py)."""

    class Meta:
        table_name = "phonecodes"

    key = UnicodeAttribute(hash_key=True)  # "<purpose>#<keyed hash of the phone>": no phone
    code_hash = UnicodeAttribute()
    issued_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    tries = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)  # DynamoDB TTL: a day after it was issued


class RiskMapVersion(Model):
    """One version of the risk rules (chalicelib/core/risk.py): the map itself is an
    immutable S3 object (risk-maps/<version>.json); the newest version is in force."""

    class Meta:
        table_name = "riskmaps"

    kind = UnicodeAttribute(hash_key=True)  # "risk-map": one partition, a version a day or so
    version = UnicodeAttribute(range_key=True)  # "<UTC time>-<random>": sorts oldest first
    published = UnicodeAttribute()  # YYYY-MM-DD: the day the map is for
    counties = NumberAttribute()  # how many counties it lists
    s3_key = UnicodeAttribute()
    uploaded_by = UnicodeAttribute()
    uploaded_at = UTCDateTimeAttribute()


class Draft(Model):
    """A form saved half-filled, to be resumed from the link sent by SMS. Its key is
    random (no personal data in it); its answers go with TTL after 7 days."""

    class Meta:
        table_name = "drafts"

    draft_id = UnicodeAttribute(hash_key=True)
    form = UnicodeAttribute()
    values = JSONAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()  # DynamoDB TTL: the draft and its answers, 7 days on


class OutboxMessage(Model):
    """The local stage's copy of every message sent (`/dev/outbox`); not deployed."""

    class Meta:
        table_name = "outbox"

    box = UnicodeAttribute(hash_key=True)  # one partition: a developer's outbox is small
    seq = UnicodeAttribute(range_key=True)  # "<iso time>#<random>", oldest first
    message = JSONAttribute()


DEPLOYED_MODELS: tuple[type[Model], ...] = (
    Filing,
    Task,
    Document,
    Contact,
    Counter,
    Stock,
    Unique,
    Audit,
    RateWindow,
    Checkpoint,
    Scan,
    SearchEntry,
    PhoneCode,
    RiskMapVersion,
    Draft,
)
LOCAL_MODELS: tuple[type[Model], ...] = (*DEPLOYED_MODELS, OutboxMessage)
_TABLE_NAMES = {m: m.Meta.table_name for m in LOCAL_MODELS}
_bound: tuple[str, str | None, str] | None = None


def bind_models(settings: Settings | None = None) -> None:
    """Point every model at the stage's tables and endpoint (once per configuration)."""
    global _bound
    s = settings or get_settings()
    key = (s.table_prefix, s.endpoint_url, s.region)
    if _bound == key:
        return
    for model, name in _TABLE_NAMES.items():
        model.Meta.table_name = s.table_name(name)
        model.Meta.host = s.endpoint_url
        model.Meta.region = s.region
        # the same budget as every boto3 client (chalicelib/store/aws.py), not
        # PynamoDB's defaults (15 s to connect, 30 s to read, 1 + 3 attempts)
        model.Meta.connect_timeout_seconds = CONNECT_TIMEOUT
        model.Meta.read_timeout_seconds = READ_TIMEOUT
        model.Meta.max_retry_attempts = ATTEMPTS - 1
        model._connection = None  # type: ignore[attr-defined]  # rebuilt lazily for the new host
    _bound = key


def connection() -> Any:
    """The connection for transactions, on the same endpoint as the models; built once
    per configuration (a botocore client costs tens of milliseconds to build)."""
    bind_models()
    s = get_settings()
    return _connection(s.region, s.endpoint_url)


@functools.lru_cache(maxsize=4)
def _connection(region: str, host: str | None) -> Any:
    from pynamodb.connection import Connection

    return Connection(
        region=region,
        host=host,
        connect_timeout_seconds=CONNECT_TIMEOUT,
        read_timeout_seconds=READ_TIMEOUT,
        max_retry_attempts=ATTEMPTS - 1,
    )
