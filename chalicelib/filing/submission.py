"""A submission: one DynamoDB transaction (the filing, its unique claims, its counters,
its audit entry, the client's rate window) and one S3 write (the snapshot whose event
opens the workflow). The claims (chalicelib/store/claims.py) make the rules hold under
any concurrency: one open filing per applicant, one filing per idempotency key, one
filing per slip number.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib import links
from chalicelib.core import privacy
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import (
    Conflict,
    IdempotencyKeyReused,
    ValidationFailed,
)
from chalicelib.core.ids import new_filing_id, new_slip_no
from chalicelib.filing import duplicates, eligibility, figures, uploads
from chalicelib.forms import FormSpec, at_work, get_form
from chalicelib.logs import name_filing
from chalicelib.store import audit, claims, counters, metrics, phone_codes, ratelimit, records
from chalicelib.store.models import Filing, Unique, bind_models, form_key, queue_key
from chalicelib.store.s3 import NotWritten
from chalicelib.store.tx import Cancelled, Transaction, transaction

if TYPE_CHECKING:
    from datetime import datetime

    from pydantic import BaseModel

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 4


class Receipt(NamedTuple):
    filing_id: str
    slip_no: str
    status: str
    status_url: str
    submitted_at: str

    def as_json(self) -> dict[str, str]:
        return self._asdict()


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
    resubmits: str | None = None,
    referenced: dict[str, str] | None = None,
) -> Receipt:
    """Store a valid filing and its claims in one transaction, then its S3 record.
    `rate_limited`: the submission counts against `source_ip`'s window in that same
    transaction (chalicelib/store/ratelimit.py), RateLimited when the window is full.
    `referenced`: the towns of the filings it names (field -> town), when the caller
    checked them itself (`references_checked`)."""
    bind_models()
    data: dict[str, Any] = fields.model_dump(mode="json")
    if not references_checked:
        referenced = check_references(spec, data, lang)
    if spec.uploads:
        uploads.check(spec, data, lang)
    outputs: dict[str, Any] = {}
    if referenced:  # the towns of the filings it names: a worker counts in its employer's
        outputs[at_work.REFERENCED] = dict(referenced)
    if spec.risk_origin:  # the origin's level from the map in force, its version kept
        verdict = eligibility.judge_filing(spec.risk_origin, data, lang, spec.risk_rule)
        outputs[eligibility.OUTPUT] = verdict
    unique_value = spec.unique_value(data)
    phone = data.get(spec.applicant_phone_field) if spec.applicant_phone_field else None
    phone_key = phone_codes.phone_key(str(phone)) if phone else None  # 我的办件's index
    filing_id = new_filing_id()
    name_filing(filing_id)
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
            outputs=outputs or None,
            queue_key=queue_key(spec.id, str(data[spec.town_field]), "submitted", filing_id),
            form_key=form_key(spec.id, "submitted", filing_id),
            created_at=now,
            updated_at=now,
            expires_at=expires,
            phone_key=phone_key,
            resubmits=resubmits,
        )
        filing.origin_key, filing.arrival_day = eligibility.origin_keys(spec, data)
        wanted = {"slip": claims.new(claims.slip_key(filing.slip_no), filing_id, now, expires)}
        if unique_value:  # its key may carry an ID number: it expires with the filing
            key = claims.open_key(spec.id, unique_value)
            wanted["open"] = claims.new(key, filing_id, now, expires)
        if idempotency_key:
            key = claims.idem_key(spec.id, idempotency_key)
            wanted["idem"] = claims.new(key, filing_id, now, expires, body_hash=digest)
        records.mark(filing, now)  # until its snapshot's event is seen through
        client = source_ip if rate_limited and ratelimit.counted(source_ip) else None
        try:
            _write(filing, list(wanted.values()), source_ip, client, now)
        except Cancelled as cancelled:
            # PynamoDB sends the puts first, the claims leading them; the only other item
            # with a condition that can fail is the client's rate window (the filing's id
            # is new, the audit entry and the counters have none).
            lost = {name for i, name in enumerate(wanted) if i in cancelled.failed}
            if "idem" in lost and idempotency_key:  # a retry: answer as the first time
                return replay(spec, idempotency_key, digest)
            if "open" in lost and unique_value:
                first = claims.holder(claims.open_key(spec.id, unique_value))
                raise duplicates.refusal(spec, first) from None
            if client and any(i >= len(wanted) for i in cancelled.failed):
                raise ratelimit.refusal(now) from None
            continue  # a slip number drawn twice, or a conflict: draw again
        try:
            records.put_snapshot(filing)
        except NotWritten:
            # The filing is stored and its slip is good: the reconciler writes the
            # snapshot again (chalicelib/filing/reconcile.py), so the answer is still 201.
            log.exception("snapshot of %s not written", filing_id)
        metrics.count("Submissions", form=spec.id)
        return _receipt(filing)
    raise Conflict("could not store the filing")


def check_references(spec: FormSpec, data: dict[str, Any], lang: str) -> dict[str, str]:
    """Fields naming another filing must name one of the right form, in the right
    status (a worker's employer must hold an approved filing); their towns (field ->
    the named filing's town) when they do."""
    bad: dict[str, str] = {}
    towns: dict[str, str] = {}
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
        towns[field] = other.town
    if bad:
        raise ValidationFailed(bad)
    return towns


def _write(
    filing: Filing,
    wanted: list[Unique],
    source_ip: str | None,
    rate_client: str | None,
    now: datetime,
) -> None:
    """The submission's one transaction; Cancelled names the claims it lost."""
    with transaction() as tx:
        for item in wanted:
            claims.claim(tx, item)
        if rate_client:
            ratelimit.count(tx, rate_client, now)
        tx.save(filing, condition=Filing.filing_id.does_not_exist())
        _count(tx, filing)
        tx.save(audit.entry(filing.filing_id, "submitted", "applicant", source_ip))


def _count(tx: Transaction, filing: Filing) -> None:
    counters.move(tx, figures.status_change(filing.form, filing.town, None, "submitted"))
    counters.move(tx, figures.figure_changes(get_form(filing.form), None, filing))


def replay(spec: FormSpec, idempotency_key: str, digest: str) -> Receipt:
    """The same key again: the first answer if the body is the same, else refuse."""
    claim = Unique.get(claims.idem_key(spec.id, idempotency_key), consistent_read=True)
    if claim.body_hash != digest:
        raise IdempotencyKeyReused(idempotency_key)
    filing = Filing.get(claim.filing_id, consistent_read=True)
    if filing.status == "submitted":
        # The first answer may have failed on the S3 write: emit it again (idempotent).
        records.put_snapshot(filing)
    return _receipt(filing)


def _receipt(filing: Filing) -> Receipt:
    return Receipt(
        filing_id=filing.filing_id,
        slip_no=filing.slip_no,
        status="submitted",  # the status it had when this answer was first given
        status_url=links.status_url(filing.filing_id),
        submitted_at=filing.created_at.isoformat(),
    )
