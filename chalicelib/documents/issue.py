"""Issuing a document once: claim its code on the filing, render it, store the PDF,
record it (with its count) in one transaction; and the approved/ records whose events
issue the documents a filing's approved stages are owed."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import new_document_code
from chalicelib.documents import seal
from chalicelib.forms import FormSpec
from chalicelib.store import counters, metrics, records, s3
from chalicelib.store.models import Document, Filing
from chalicelib.store.tx import transaction, update_if

if TYPE_CHECKING:
    from chalicelib.documents import content as content_types


def ensure_document(spec: FormSpec, filing: Filing, kind: str) -> str:
    """Issue a document once: claim its code on the filing, render, store, record."""
    code = filing.document_codes().get(kind)
    claimed = False  # a code this delivery drew and stored: no delivery can have issued it
    if not code:
        code = new_document_code()
        claimed = update_if(
            filing,
            actions=[Filing.documents[kind].set(code)],
            condition=Filing.documents[kind].does_not_exist(),
        )
        if not claimed:  # another delivery drew its code first
            filing.refresh(consistent_read=True)
            code = filing.document_codes()[kind]
    if not claimed:
        try:
            Document.get(code, consistent_read=True)
            return str(code)  # rendered by an earlier delivery
        except Document.DoesNotExist:
            pass
    # The renderer (and with it reportlab and segno) loads with the first document a
    # function issues, not with every cold start.
    from chalicelib.documents import content
    from chalicelib.documents.render import render_pdf

    issued = content.build(spec, filing, kind, code)
    now = utcnow()
    sealed = _seal(kind, code, issued, now)
    layout = issued.content
    if sealed:
        layout = dataclasses.replace(layout, qr_text=seal.qr_text(layout.verify_url, sealed))
    key = s3.document_key(filing.filing_id, kind, code)
    s3.put_pdf(key, render_pdf(layout))
    document = Document(
        code=code,
        filing_id=filing.filing_id,
        kind=kind,
        holder=issued.holder,
        valid_from=issued.valid_from,
        valid_to=issued.valid_to,
        depends_on=issued.depends_on,
        s3_key=key,
        issued_at=now,
        seal=sealed,
    )
    # Recorded once with its count: a concurrent delivery that rendered it too loses here.
    try:
        with transaction() as tx:
            tx.save(document, condition=Document.code.does_not_exist())
            changes = {counters.documents_counter(kind, filing.town): 1}
            if kind == "pass" and filing.data.get("arrival_date"):
                # issue 17: the worker's days of observation begin on the arrival day
                first = str(filing.data["arrival_date"])
                changes[counters.observing_counter(filing.town, first)] = 1
            counters.move(tx, changes)
    except Conflict:
        try:
            Document.get(code, consistent_read=True)  # the other delivery's record
        except Document.DoesNotExist:
            # A transaction that conflicted and wrote nothing: SQS delivers this again.
            raise Conflict(f"document {kind} of {filing.filing_id} not recorded") from None
    else:
        metrics.count("DocumentsIssued", kind=kind)
    return str(code)


def _seal(kind: str, code: str, issued: content_types.Issued, now: datetime) -> str | None:
    """A permit's offline seal, naming its employer by slip number where it has one."""
    if kind not in seal.SEALED_KINDS:
        return None
    employer = None
    if issued.depends_on:
        try:
            employer = str(Filing.get(issued.depends_on).slip_no)
        except Filing.DoesNotExist:
            employer = None
    return seal.seal(code, kind, issued.holder, issued.valid_from, issued.valid_to, employer, now)


def emit_due_documents(spec: FormSpec, filing: Filing) -> list[str]:
    """Each approved stage that issues documents gets its approved/ record (the event
    that renders them), unless the document is already issued. Returns the kinds."""
    emitted: list[str] = []
    for index, stage in enumerate(spec.workflow.stages):
        approved = all(filing.step_status(s.id) == "approved" for s in stage.steps)
        if not approved or index > int(filing.stage):
            continue
        for kind in stage.documents:
            if kind not in filing.document_codes():
                records.put_approved(filing.filing_id, kind, index)
                emitted.append(kind)
    return emitted
