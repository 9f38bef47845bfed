"""What each S3 event does to a filing (chalicelib/filing/events.py dispatches them).

Each entry point (`on_filed`, `on_decided`, `on_approved`) is idempotent under
duplicated and reordered delivery: a transition is a conditional write on the
filing's version (chalicelib/filing/transitions.py), so a replay finds it done and
changes nothing; the effects that follow (documents, messages) are derived from the
stored state and carried out once each (`notify.send_once`, a document claimed by its
code).
"""

from __future__ import annotations

import contextlib
import logging

from chalicelib.core.errors import Conflict
from chalicelib.core.workflow import Transition, decide, start
from chalicelib.documents.issue import emit_due_documents, ensure_document
from chalicelib.filing import notices, search_index, stock, worker_codes
from chalicelib.filing.transitions import MAX_ATTEMPTS, apply, flow_state, load
from chalicelib.forms import FormSpec, get_form
from chalicelib.store.models import Filing, Task

log = logging.getLogger(__name__)


def on_filed(filing_id: str) -> None:
    """A snapshot landed: render the slip, open the first stage, tell its approvers."""
    filing = load(filing_id)
    if filing is None:
        log.warning("snapshot of unknown filing %s", filing_id)
        return
    spec = get_form(filing.form)
    ensure_document(spec, filing, "slip")
    notices.notify_received(spec, filing)  # once: a replay finds it sent
    attempts = 0
    while filing.status == "submitted":
        if attempts == MAX_ATTEMPTS:
            raise Conflict(f"{filing_id}: could not open its first stage")  # SQS retries
        attempts += 1
        with contextlib.suppress(Conflict):
            apply(spec, filing, start(spec.workflow, flow_state(filing)))
        filing = load(filing_id) or filing
    notices.notify_open_tasks(spec, filing)
    # Last: the workbench finds it by its numbers and name; a redelivery writes it again.
    search_index.index(spec, filing)


def on_decided(filing_id: str, step: str) -> None:
    """A step was decided: move the filing on, tell the applicant and the next approvers."""
    filing = load(filing_id)
    try:
        task = Task.get(filing_id, step, consistent_read=True)
    except Task.DoesNotExist:
        task = None
    if filing is None or task is None or task.status != "decided":
        log.warning("decision event without a decided task: %s/%s", filing_id, step)
        return
    spec = get_form(filing.form)
    attempts = 0
    while filing.status == "in_review" and filing.step_status(step) == "open":
        if attempts == MAX_ATTEMPTS:
            raise Conflict(f"{filing_id}/{step}: could not record the decision")  # SQS retries
        attempts += 1
        transition = decide(
            spec.workflow,
            flow_state(filing),
            step,
            task.decision,  # type: ignore[arg-type]  # stored as "approve" or "reject"
            task.comment or "",
            corrections=(task.inputs or {}).get("fields") if task.decision == "send_back" else None,
        )
        transition = refuse_beyond_stock(spec, filing, step, transition)
        with contextlib.suppress(Conflict):
            apply(spec, filing, transition, decided=task)
        filing = load(filing_id) or filing
    if filing.step_status(step) in ("approved", "rejected"):
        notices.notify_decision(spec, filing, task)
    if filing.step_status(step) == "sent_back" and task.decision == "send_back":
        notices.notify_correction(spec, filing, task)
    if task.decision == "approve" and filing.step_status(step) == "rejected":
        notices.notify_refused_approval(spec, filing, task)
    notices.notify_open_tasks(spec, filing)
    emit_due_documents(spec, filing)


def on_approved(filing_id: str, kind: str) -> None:
    """A stage that issues a document was approved: render it and tell the applicant."""
    filing = load(filing_id)
    if filing is None:
        log.warning("approval event of unknown filing %s", filing_id)
        return
    spec = get_form(filing.form)
    if kind == "certificate":
        # 员工登记码 issued with the certificate, so the certificate can print it; a
        # replay finds it issued (filing/worker_codes.py)
        worker_codes.current(filing)
    code = ensure_document(spec, filing, kind)
    notices.notify_document(spec, filing, kind, code)


def refuse_beyond_stock(
    spec: FormSpec, filing: Filing, step: str, transition: Transition
) -> Transition:
    """An approval its town's stock cannot cover becomes a rejection naming what is
    left ("库存不足：消毒液剩余 3 桶，申领 5 桶"): the order ends, the enterprise is told
    and may order again within the stock. The check reads the stock; the guarantee is
    the condition on each level in the approving transaction (see stock.move)."""
    if transition.state.status != "approved" or filing.status == "approved":
        return transition
    reason = stock.shortfall(spec, filing)
    if reason is None:
        return transition
    return decide(spec.workflow, flow_state(filing), step, "reject", reason)
