"""Submission and the applicant's view of a filing.

A submission is one DynamoDB transaction (the filing, its unique claims, its
counter, its audit entry) and one S3 write (the snapshot whose event opens the
workflow). The claims make the rules hold under any concurrency: one open filing
per applicant, one filing per idempotency key, one filing per slip number.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import links
from chalicelib.core import privacy
from chalicelib.core.errors import (
    Conflict,
    DuplicateOpenFiling,
    IdempotencyKeyReused,
    NotFound,
    ValidationFailed,
)
from chalicelib.core.ids import new_filing_id, new_slip_no, utcnow
from chalicelib.filing import reconcile
from chalicelib.filing.advance import open_claim_key
from chalicelib.forms import FormSpec, get_form
from chalicelib.store import audit, counters, ratelimit, s3
from chalicelib.store.models import Filing, Task, Unique, bind_models, connection, queue_key

if TYPE_CHECKING:
    from datetime import datetime

    from pydantic import BaseModel

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class Receipt:
    filing_id: str
    slip_no: str
    status: str
    status_url: str
    submitted_at: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def submit(
    spec: FormSpec,
    fields: BaseModel,
    *,
    idempotency_key: str | None = None,
    digest: str = "",
    source_ip: str | None = None,
    lang: str = "zh",
    references_checked: bool = False,
    rate_limited: bool = False,
) -> Receipt:
    """Store a valid filing and its claims in one transaction, then its S3 record.
    `rate_limited`: the submission counts against `source_ip`'s window in that same
    transaction (chalicelib/ratelimit.py), RateLimited when the window is full."""
    bind_models()
    data: dict[str, Any] = fields.model_dump(mode="json")
    if not references_checked:
        check_references(spec, data, lang)
    if spec.uploads:
        from chalicelib.filing import uploads

        uploads.check(spec, data, lang)
    unique_value = spec.unique_value(data)
    filing_id = new_filing_id()
    for _ in range(MAX_ATTEMPTS):
        now = utcnow()
        expires = privacy.expiry(now)  # personal data ends through DynamoDB's TTL
        filing = Filing(
            filing_id=filing_id,
            form=spec.id,
            slip_no=new_slip_no(now),
            status="submitted",
            town=str(data[spec.town_field]),
            applicant=str(data[spec.applicant_field]),
            unique_value=unique_value,
            data=data,
            queue_key=queue_key(spec.id, str(data[spec.town_field]), "submitted", filing_id),
            created_at=now,
            updated_at=now,
            expires_at=expires,
        )
        claims = {
            "slip": Unique(
                key=f"slip#{filing.slip_no}",
                filing_id=filing_id,
                created_at=now,
                expires_at=expires,
            )
        }
        if unique_value:  # its key may carry an ID number: it expires with the filing
            claims["open"] = Unique(
                key=open_claim_key(spec.id, unique_value),
                filing_id=filing_id,
                created_at=now,
                expires_at=expires,
            )
        if idempotency_key:
            claims["idem"] = Unique(
                key=idem_key(spec.id, idempotency_key),
                filing_id=filing_id,
                body_hash=digest,
                created_at=now,
                expires_at=expires,
            )
        reconcile.mark(filing, now)  # until its snapshot's event is seen through
        client = source_ip if rate_limited and ratelimit.counted(source_ip) else None
        try:
            _write(filing, list(claims.values()), source_ip, client, now)
        except _ClaimTaken as taken:
            lost = {list(claims)[i] for i in taken.indexes}
            if "idem" in lost and idempotency_key:  # a retry: answer as the first time
                return replay(spec, idempotency_key, digest)
            if "open" in lost and unique_value:
                first = _holder(open_claim_key(spec.id, unique_value))
                raise DuplicateOpenFiling(first, *spec.duplicate_message) from None
            if taken.rate_window:
                raise ratelimit.refusal(now) from None
            continue  # a slip number drawn twice, or a conflict: draw again
        try:
            s3.put_json(s3.filing_key(spec.id, filing_id), snapshot(filing))
        except (BotoCoreError, ClientError):
            # The filing is stored and its slip is good: the reconciler writes the
            # snapshot again (chalicelib/reconcile.py), so the answer is still 201.
            log.exception("snapshot of %s not written", filing_id)
        return _receipt(filing)
    raise Conflict("could not store the filing")


def check_references(spec: FormSpec, data: dict[str, Any], lang: str) -> None:
    """Fields naming another filing must name one of the right form, in the right
    status (a worker's employer must hold an approved filing)."""
    bad: dict[str, str] = {}
    for field, ref in spec.references.items():
        try:
            other = Filing.get(str(data[field]))
        except Filing.DoesNotExist:
            other = None
        if other is None or other.form != ref.form or other.status != ref.status:
            bad[field] = ref.message(lang)
            continue
        for mine, theirs in ref.same.items():
            if data.get(mine) != other.data.get(theirs):
                bad[mine] = ref.same_message(lang)
    if bad:
        raise ValidationFailed(bad)


class _ClaimTaken(Exception):
    def __init__(self, indexes: set[int], rate_window: bool = False) -> None:
        self.indexes = indexes  # of the claims whose condition failed; empty: a conflict
        self.rate_window = rate_window  # the client's window was full


def _write(
    filing: Filing,
    claims: list[Unique],
    source_ip: str | None,
    rate_client: str | None,
    now: datetime,
) -> None:
    try:
        with TransactWrite(connection=connection()) as tx:
            for claim in claims:
                tx.save(claim, condition=Unique.key.does_not_exist())
            if rate_client:
                ratelimit.count(tx, rate_client, now)
            tx.save(filing, condition=Filing.filing_id.does_not_exist())
            counters.move(tx, counters.status_change(filing.form, filing.town, None, "submitted"))
            counters.move(tx, counters.figure_changes(get_form(filing.form), None, filing))
            tx.save(audit.entry(filing.filing_id, "submitted", "applicant", source_ip))
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons
        taken = {
            i
            for i, reason in enumerate(reasons[: len(claims)])
            if reason is not None and reason.code == "ConditionalCheckFailed"
        }
        # PynamoDB sends the puts first, the claims leading them; the only other item
        # with a condition that can fail is the client's rate window (the filing's id is
        # new, the audit entry and the counters have none).
        full = bool(rate_client) and any(
            r is not None and r.code == "ConditionalCheckFailed" for r in reasons[len(claims) :]
        )
        if taken or full or any(r is not None and r.code == "TransactionConflict" for r in reasons):
            raise _ClaimTaken(taken, full) from exc  # a conflict: retried as a slip collision
        raise


def replay(spec: FormSpec, idempotency_key: str, digest: str) -> Receipt:
    """The same key again: the first answer if the body is the same, else refuse."""
    claim = Unique.get(idem_key(spec.id, idempotency_key), consistent_read=True)
    if claim.body_hash != digest:
        raise IdempotencyKeyReused(idempotency_key)
    filing = Filing.get(claim.filing_id, consistent_read=True)
    if filing.status == "submitted":
        # The first answer may have failed on the S3 write: emit it again (idempotent).
        s3.put_json(s3.filing_key(spec.id, filing.filing_id), snapshot(filing))
    return _receipt(filing)


def _receipt(filing: Filing) -> Receipt:
    return Receipt(
        filing_id=filing.filing_id,
        slip_no=filing.slip_no,
        status="submitted",  # the status it had when this answer was first given
        status_url=links.status_url(filing.filing_id),
        submitted_at=filing.created_at.isoformat(),
    )


def _holder(claim_key: str) -> str:
    return str(Unique.get(claim_key, consistent_read=True).filing_id)


def idem_key(form: str, key: str) -> str:
    return f"idem#{form}#{hashlib.sha256(key.encode()).hexdigest()}"


def snapshot(filing: Filing) -> dict[str, Any]:
    return {
        "filing_id": filing.filing_id,
        "form": filing.form,
        "revision": filing.revision,
        "slip_no": filing.slip_no,
        "submitted_at": filing.created_at.isoformat(),
        "data": filing.data,
    }


def get_for_applicant(filing_id: str, token: str | None) -> Filing:
    links.check_status_token(filing_id, token)
    bind_models()
    try:
        return Filing.get(filing_id)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None


def status_view(filing: Filing) -> dict[str, Any]:
    """The applicant's view: steps with their decisions, documents to download."""
    spec = get_form(filing.form)
    tasks = {t.step: t for t in Task.query(filing.filing_id)}
    steps = []
    for step in spec.workflow.steps:
        task = tasks.get(step.id)
        steps.append(
            {
                "id": step.id,
                "title": step.title,
                "title_en": step.title_en,
                "status": filing.step_status(step.id) or "pending",
                "decided_at": task.decided_at.isoformat() if task and task.decided_at else None,
                "comment": task.comment if task and task.comment else None,
                # what the decider filled in (an approved amount, the instructor assigned)
                "outputs": [list(row) for row in (task.shown or [])] if task else [],
            }
        )
    titles = {step.id: (step.title, step.title_en) for step in spec.workflow.steps}
    history = [
        {
            **{k: v for k, v in entry.items() if k != "by"},  # approvers stay unnamed here
            "title": titles[entry["step"]][0],
            "title_en": titles[entry["step"]][1],
        }
        for entry in (filing.history or [])
        if entry.get("step") in titles
    ]
    token = links.status_token(filing.filing_id)
    base = links.public_base()
    documents = [
        {"kind": kind, "url": f"{base}/filings/{filing.filing_id}/documents/{kind}?token={token}"}
        for kind in filing.document_codes()
    ]
    return {
        "filing_id": filing.filing_id,
        "form": filing.form,
        "slip_no": filing.slip_no,
        "status": filing.status,
        "reason": filing.reason or None,
        "submitted_at": filing.created_at.isoformat(),
        "started_on": filing.started_on,
        "steps": steps,
        "history": history,  # every decision in order, reopens with their reasons
        "documents": documents,
    }


def document_key(filing: Filing, kind: str) -> str:
    code = filing.document_codes().get(kind)
    if not code:
        raise NotFound(kind)
    return s3.document_key(filing.filing_id, kind, code)


def withdraw(filing_id: str, token: str | None, source_ip: str | None) -> Filing:
    """The applicant takes the filing back through the status link."""
    from chalicelib.core.workflow import withdraw as withdrawal
    from chalicelib.filing.advance import end_filing

    links.check_status_token(filing_id, token)
    return end_filing(filing_id, withdrawal, "applicant", source_ip)


def revoke(filing_id: str, reason: str, actor: str) -> Filing:
    """Staff take back an approval; the filing's documents and its workers' passes stop
    verifying at once."""
    from chalicelib.core.workflow import revoke as revocation
    from chalicelib.filing.advance import end_filing

    return end_filing(filing_id, lambda state: revocation(state, reason), actor, None)


def report_start(
    filing_id: str, token: str | None, started_on: str, source_ip: str | None
) -> Filing:
    """An approved enterprise reports its start of work (开工), once, through its
    status link; the drive's figures count it in the same transaction."""
    from datetime import date

    from chalicelib.core.errors import InvalidTransition
    from chalicelib.filing import advance

    filing = get_for_applicant(filing_id, token)
    if filing.form != counters.ENTERPRISE or filing.status != "approved":
        raise InvalidTransition("only an approved enterprise filing reports its start")
    try:
        day = date.fromisoformat(started_on)
    except ValueError:
        raise ValidationFailed({"started_on": "日期格式应为YYYY-MM-DD"}) from None
    above = bool(filing.data.get("above_scale"))
    with advance.transaction() as tx:
        tx.update(
            filing,
            actions=[Filing.started_on.set(day.isoformat()), Filing.version.add(1)],
            condition=(Filing.version == filing.version)
            & (Filing.status == "approved")
            & Filing.started_on.does_not_exist(),
        )
        counters.move(tx, counters.start_changes(filing.town, above))
        started = Filing.from_raw_data(filing.serialize())
        started.started_on = day.isoformat()
        counters.move(tx, counters.figure_changes(get_form(filing.form), filing, started))
        tx.save(audit.entry(filing_id, "started", "applicant", source_ip))
    filing.refresh(consistent_read=True)
    return filing
