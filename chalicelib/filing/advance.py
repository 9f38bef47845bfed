"""A filing's life after submission: what each S3 event does to the state of record.

Each entry point (`on_filed`, `on_decided`, `on_approved`) is idempotent under
duplicated and reordered delivery: a transition is a conditional write on the
filing's version, so a replay finds it done and changes nothing; the effects
that follow (documents, messages) are derived from the stored state and carried
out once each (`notify.send_once`, a document claimed by its code).
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import links
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import CHINA, new_document_code, utcnow
from chalicelib.core.workflow import CloseStep, FlowState, OpenStep, Step, Transition, decide, start
from chalicelib.filing import stock
from chalicelib.forms import FormSpec, get_form
from chalicelib.settings import get_settings
from chalicelib.store import audit, counters, directory, notify, s3
from chalicelib.store.models import (
    Audit,
    Document,
    Filing,
    Task,
    Unique,
    bind_models,
    connection,
    queue_key,
)

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5  # lost races on one filing's version before the message is retried by SQS


def load(filing_id: str) -> Filing | None:
    bind_models()
    try:
        return Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        return None


def flow_state(filing: Filing) -> FlowState:
    return FlowState(
        status=filing.status,  # type: ignore[arg-type]
        stage=int(filing.stage),
        steps=dict(filing.steps.as_dict()),
        reason=filing.reason,
    )


def on_filed(filing_id: str) -> None:
    """A snapshot landed: render the slip, open the first stage, tell its approvers."""
    filing = load(filing_id)
    if filing is None:
        log.warning("snapshot of unknown filing %s", filing_id)
        return
    spec = get_form(filing.form)
    ensure_document(spec, filing, "slip")
    attempts = 0
    while filing.status == "submitted":
        if attempts == MAX_ATTEMPTS:
            raise Conflict(f"{filing_id}: could not open its first stage")  # SQS retries
        attempts += 1
        with contextlib.suppress(Conflict):
            apply(spec, filing, start(spec.workflow, flow_state(filing)))
        filing = load(filing_id) or filing
    notify_open_tasks(spec, filing)


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
        )
        transition = refuse_beyond_stock(spec, filing, step, transition)
        with contextlib.suppress(Conflict):
            apply(spec, filing, transition, decided=task)
        filing = load(filing_id) or filing
    if filing.step_status(step) in ("approved", "rejected"):
        notify_decision(spec, filing, task)
    if task.decision == "approve" and filing.step_status(step) == "rejected":
        notify_refused_approval(spec, filing, task)
    notify_open_tasks(spec, filing)
    emit_due_documents(spec, filing)


def on_approved(filing_id: str, kind: str) -> None:
    """A stage that issues a document was approved: render it and tell the applicant."""
    filing = load(filing_id)
    if filing is None:
        log.warning("approval event of unknown filing %s", filing_id)
        return
    spec = get_form(filing.form)
    code = ensure_document(spec, filing, kind)
    notify_document(spec, filing, kind, code)


def apply(
    spec: FormSpec,
    filing: Filing,
    transition: Transition,
    entry: Audit | None = None,
    decided: Task | None = None,
) -> None:
    """Persist one transition atomically, guarded by the filing's version. `decided`:
    the task whose decision this transition records; its inputs become the filing's
    outputs for that step, and the decision joins the filing's history."""
    new = transition.state
    now = utcnow()
    outputs, history = decision_record(filing, decided, new)
    with _transaction() as tx:
        if entry is not None:
            tx.save(entry)
        actions: list[Action] = [
            Filing.status.set(new.status),
            Filing.stage.set(new.stage),
            Filing.steps.set(dict(new.steps)),
            Filing.reason.set(new.reason),
            Filing.queue_key.set(queue_key(filing.form, filing.town, new.status, filing.filing_id)),
            Filing.updated_at.set(now),
            Filing.version.add(1),
        ]
        if decided is not None:
            actions += [Filing.outputs.set(outputs), Filing.history.set(history)]
        tx.update(filing, actions=actions, condition=Filing.version == filing.version)
        for effect in transition.effects:
            if isinstance(effect, OpenStep) and effect.again:
                _reopen_task(
                    tx, filing, effect.step, route_scope(filing, effect.step, outputs), now
                )
            elif isinstance(effect, OpenStep):
                step = effect.step
                scope = route_scope(filing, step, outputs)
                task = Task(
                    filing_id=filing.filing_id,
                    step=step.id,
                    form=filing.form,
                    role=step.role,
                    scope=scope,
                    status="open",
                    link_gen=1,
                    opened_at=now,
                    due_at=due_time(filing, step, now),
                )
                task.alert_shard = alert_shard()
                task.alert_at = task.due_at
                tx.save(task, condition=Task.filing_id.does_not_exist())
            elif isinstance(effect, CloseStep) and _is_open(filing.filing_id, effect.step_id):
                # A link consumed meanwhile stays decided; its event finds the filing ended.
                tx.update(
                    Task(filing_id=filing.filing_id, step=effect.step_id),
                    actions=[
                        Task.status.set("superseded"),
                        Task.alert_shard.remove(),
                        Task.alert_at.remove(),
                    ],
                    condition=Task.status == "open",
                )
        if new.status != filing.status:
            counters.move(
                tx, counters.status_change(filing.form, filing.town, filing.status, new.status)
            )
            started = bool(filing.started_on)
            counters.move(
                tx,
                counters.approval_changes(
                    filing.form, filing.town, filing.data, filing.status, new.status, started
                ),
            )
        # The form's figures, and its draws on the town's stock (conditional: a lost
        # condition fails the whole transition, and on_decided refuses the approval).
        after = stored_after(filing, new, outputs if decided is not None else None)
        counters.move(tx, counters.figure_changes(spec, filing, after))
        stock.move(tx, spec, filing, filing.status, new.status)
        if new.status in ENDED_UNAPPROVED and filing.unique_value:
            # The applicant may file again once this one has ended without approval.
            tx.delete(
                Unique(key=open_claim_key(filing.form, filing.unique_value)),
                condition=Unique.filing_id == filing.filing_id,
            )


ENDED_UNAPPROVED = ("rejected", "withdrawn", "revoked")


def stored_after(filing: Filing, state: FlowState, outputs: dict[str, Any] | None) -> Filing:
    """The filing as `apply` leaves it (a copy): what its figures count afterwards."""
    after = Filing.from_raw_data(filing.serialize())
    after.status, after.stage, after.reason = state.status, state.stage, state.reason
    after.steps = dict(state.steps)
    if outputs is not None:
        after.outputs = outputs
    return after


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


def decision_record(
    filing: Filing, task: Task | None, new: FlowState
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The filing's outputs and history with `task`'s decision recorded, as the
    transition took it (an approval the stock cannot cover is recorded as the
    rejection it became, with its reason)."""
    outputs: dict[str, Any] = dict(filing.outputs or {})
    history: list[dict[str, Any]] = list(filing.history or [])
    if task is None:
        return outputs, history
    decision, comment = task.decision, task.comment or ""
    if decision == "approve" and new.steps.get(task.step) == "rejected":
        decision, comment = "reject", new.reason
    if decision == "approve" and task.inputs:
        outputs[task.step] = dict(task.inputs)
    history.append(
        {
            "step": task.step,
            "decision": decision,
            "comment": comment,
            "by": task.decided_by or "",
            "at": task.decided_at.isoformat() if task.decided_at else None,
            "shown": list(task.shown or []) if decision == "approve" else [],
        }
    )
    return outputs, history


def route_scope(filing: Filing, step: Step, outputs: dict[str, Any]) -> str:
    """Whose step it is: the contact an earlier step chose (route_input), the value of
    a field (route_field), else the district's office."""
    if step.route_input:
        source, _, name = step.route_input.partition(".")
        chosen = outputs.get(source, {}).get(name)
        return directory.scope_for(str(chosen) if chosen else None)
    return directory.scope_for(spec_value(filing, step.route_field) if step.route_field else None)


def _reopen_task(tx: TransactWrite, filing: Filing, step: Step, scope: str, now: datetime) -> None:
    """A decided step opened again: the next link generation (every earlier link of it
    answers 410), its decision cleared (the filing's history keeps it), due anew."""
    due = due_time(filing, step, now)
    tx.update(
        Task(filing_id=filing.filing_id, step=step.id),
        actions=[
            Task.status.set("open"),
            Task.scope.set(scope),
            Task.link_gen.add(1),
            Task.opened_at.set(now),
            Task.due_at.set(due),
            Task.alerts.set(0),
            Task.alert_shard.set(alert_shard()),
            Task.alert_at.set(due),
            Task.decision.remove(),
            Task.comment.remove(),
            Task.decided_by.remove(),
            Task.decided_at.remove(),
            Task.inputs.remove(),
            Task.shown.remove(),
        ],
        condition=Task.status.is_in("decided", "superseded"),
    )


def end_filing(
    filing_id: str, action: Callable[[FlowState], Transition], actor: str, source_ip: str | None
) -> Filing:
    """Withdraw or revoke: a transition taken on request, retried when it races one
    taken by an event. Its documents stop verifying as soon as it is stored."""
    for _ in range(MAX_ATTEMPTS):
        filing = load(filing_id)
        if filing is None:
            raise NotFound(filing_id)
        spec = get_form(filing.form)
        transition = action(flow_state(filing))  # FilingClosed when it has ended already
        entry = audit.entry(filing_id, transition.state.status, actor, source_ip)
        with contextlib.suppress(Conflict):
            apply(spec, filing, transition, entry)
            return load(filing_id) or filing
    raise Conflict(f"{filing_id}: could not record the change")


def alert_shard() -> str:
    from chalicelib.filing.reminders import SHARDS

    return str(random.randrange(SHARDS))


def due_time(filing: Filing, step: Step, now: datetime) -> datetime:
    """When a pending step is late: its due hours after it opened, or after the morning
    of a date it waits for (a check-in runs from the worker's arrival day)."""
    start = now
    if step.due_from_field and filing.data.get(step.due_from_field):
        day = date.fromisoformat(str(filing.data[step.due_from_field]))
        start = max(now, datetime.combine(day, time(8), tzinfo=CHINA))
    return start + timedelta(hours=step.due_hours)


def _is_open(filing_id: str, step: str) -> bool:
    try:
        return Task.get(filing_id, step, consistent_read=True).status == "open"
    except Task.DoesNotExist:
        return False


def open_claim_key(form: str, value: str) -> str:
    return f"open#{form}#{value}"


def spec_value(filing: Filing, field: str) -> str | None:
    value = filing.data.get(field)
    return str(value) if value is not None else None


def transaction() -> _transaction:
    """A transaction whose lost conditions and conflicts raise `Conflict`."""
    return _transaction()


class _transaction:
    """A TransactWrite whose lost conditions and conflicts become `Conflict`."""

    def __enter__(self) -> TransactWrite:
        self._tx = TransactWrite(connection=connection())
        return self._tx.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._tx.__exit__(*exc_info)  # type: ignore[arg-type]
        except TransactWriteError as exc:
            codes = {r.code for r in exc.cancellation_reasons if r is not None}
            if codes & {"ConditionalCheckFailed", "TransactionConflict"}:
                raise Conflict(",".join(sorted(codes))) from exc
            raise


def ensure_document(spec: FormSpec, filing: Filing, kind: str) -> str:
    """Issue a document once: claim its code on the filing, render, store, record."""
    code = filing.document_codes().get(kind)
    claimed = False  # a code this delivery drew and stored: no delivery can have issued it
    if not code:
        code = new_document_code()
        try:
            filing.update(
                actions=[Filing.documents[kind].set(code)],
                condition=Filing.documents[kind].does_not_exist(),
            )
            claimed = True
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            filing.refresh(consistent_read=True)
            code = filing.document_codes()[kind]
    if not claimed:
        try:
            Document.get(code, consistent_read=True)
            return str(code)  # rendered by an earlier delivery
        except Document.DoesNotExist:
            pass
    from chalicelib.documents import content as doc_content  # with render: only on issue
    from chalicelib.documents.render import render_pdf

    issued = doc_content.build(spec, filing, kind, code)
    key = s3.document_key(filing.filing_id, kind, code)
    s3.put_pdf(key, render_pdf(issued.content))
    document = Document(
        code=code,
        filing_id=filing.filing_id,
        kind=kind,
        holder=issued.holder,
        valid_from=issued.valid_from,
        valid_to=issued.valid_to,
        depends_on=issued.depends_on,
        s3_key=key,
        issued_at=utcnow(),
    )
    # Recorded once with its count: a concurrent delivery that rendered it too loses here.
    try:
        with _transaction() as tx:
            tx.save(document, condition=Document.code.does_not_exist())
            counters.move(tx, {counters.documents_counter(kind, filing.town): 1})
    except Conflict:
        try:
            Document.get(code, consistent_read=True)  # the other delivery's record
        except Document.DoesNotExist:
            # A transaction that conflicted and wrote nothing: SQS delivers this again.
            raise Conflict(f"document {kind} of {filing.filing_id} not recorded") from None
    return str(code)


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
                s3.put_json(
                    s3.approved_key(filing.filing_id, kind),
                    {"filing_id": filing.filing_id, "kind": kind, "stage": index},
                )
                emitted.append(kind)
    return emitted


def notify_open_tasks(spec: FormSpec, filing: Filing) -> None:
    if filing.status != "in_review":
        return
    for task in Task.query(filing.filing_id, consistent_read=True):
        if task.status != "open":
            continue
        contact = directory.find(task.role, task.scope)
        url = links.approve_url(filing.filing_id, task.step, int(task.link_gen))
        step = spec.workflow.step(task.step)
        ttl = get_settings().link_ttl_hours
        subject = f"【婺城家服务】待审核：{spec.title} {filing.slip_no}（{filing.applicant}）"
        text = (
            f"{contact.name}：\n{filing.town}的{spec.title}等待您{step.title}。\n"
            f"{_sent_back(spec, filing, task.step)}"
            f"申请人：{filing.applicant}\n回执编号：{filing.slip_no}\n"
            f"请在{ttl}小时内打开链接审核（仅限使用一次）：\n{url}\n\n"
            f"A {spec.title_en} awaits your decision ({step.title_en}): {url}"
        )
        sms = f"【婺城家服务】{spec.title}{filing.slip_no}待您审核，{ttl}小时内有效：{url}"
        messages = notify.to_contact(contact, subject, text, sms, url, filing.filing_id, task.step)
        notify.send_once(f"approver:{task.step}:{task.link_gen}", messages)


def _sent_back(spec: FormSpec, filing: Filing, step: str) -> str:
    """A line for an approver whose step was reopened: the reason it came back."""
    for entry in reversed(filing.history or []):
        if entry.get("decision") == "reopen":
            if spec.workflow.step(entry["step"]).reopen_to == step:
                return f"此前办理结果被退回重办，理由：{entry.get('comment', '')}\n"
            return ""
    return ""


def notify_decision(spec: FormSpec, filing: Filing, task: Task) -> None:
    step = spec.workflow.step(task.step)
    refused = filing.step_status(task.step) == "rejected"  # by its approver, or the stock
    verdict = "未通过" if refused else "已通过"
    url = links.status_url(filing.filing_id)
    comment = (filing.reason if refused else task.comment) or "无"
    subject = f"【婺城家服务】{spec.title} {filing.slip_no}：{step.title}{verdict}"
    text = (
        f"您的{spec.title}（回执编号 {filing.slip_no}）{step.title}{verdict}。\n"
        f"审核意见：{comment}\n查看进度：{url}\n\n"
        f"Your {spec.title_en} {filing.slip_no}: {step.title_en} "
        f"{'rejected' if refused else 'approved'}. Comment: {comment}"
    )
    sms = f"{subject}。意见：{comment}。详情：{url}"
    _tell_applicant(spec, filing, f"decision:{task.step}", subject, text, sms, url)


def notify_refused_approval(spec: FormSpec, filing: Filing, task: Task) -> None:
    """The official whose approval the stock could not cover is told so, with what is
    left: the page that confirmed the decision was answered before the stock was read."""
    contact = directory.find(task.role, task.scope)
    subject = f"【婺城家服务】{spec.title} {filing.slip_no}未能通过：{filing.reason}"
    text = (
        f"{contact.name}：\n您通过的{spec.title}（{filing.applicant}，回执编号 {filing.slip_no}）"
        f"未能发放：{filing.reason}。已告知申请人，可在库存范围内重新申领。\n"
        f"如已补充库存，请在工作台更新库存数量。\n\n"
        f"The {spec.title_en} {filing.slip_no} you approved could not be served from the "
        f"town's stock; the applicant has been told."
    )
    sms = f"{subject}。已告知申请人。"
    messages = [
        notify.Message("email", address, subject, text, (), filing.filing_id)
        for address in contact.emails
    ] + [
        notify.Message("sms", phone, subject, sms, (), filing.filing_id) for phone in contact.phones
    ]
    notify.send_once(f"refused:{task.step}", messages)


def notify_document(spec: FormSpec, filing: Filing, kind: str, code: str) -> None:
    title, title_en = spec.documents.get(kind, (kind, kind))
    url = links.status_url(filing.filing_id)
    subject = f"【婺城家服务】{title}已签发：{filing.slip_no}"
    text = (
        f"您的{title}已签发（编号 {code}），请在进度页下载：\n{url}\n"
        f"核验地址：{links.verify_url(code)}\n\nYour {title_en} is issued: {url}"
    )
    sms = f"{subject}，请在进度页下载：{url}"
    _tell_applicant(spec, filing, f"document:{kind}", subject, text, sms, url)


def _tell_applicant(
    spec: FormSpec, filing: Filing, purpose: str, subject: str, text: str, sms: str, url: str
) -> None:
    email = spec_value(filing, spec.applicant_email_field) if spec.applicant_email_field else None
    phone = spec_value(filing, spec.applicant_phone_field) if spec.applicant_phone_field else None
    messages = []
    if email:
        messages.append(notify.Message("email", email, subject, text, (url,), filing.filing_id))
    if phone:
        messages.append(
            notify.Message("sms", notify.to_phone(phone), subject, sms, (url,), filing.filing_id)
        )
    notify.send_once(purpose, messages)


def reissue_link(filing_id: str, step: str, actor: str) -> int:
    """A new link for an open step (the old one expired, or went to the wrong person):
    the step's link generation moves on, so every earlier link answers 410, and the
    step's approvers are sent the new one. Returns the new generation."""
    from chalicelib.core.errors import StepNotOpen

    filing = load(filing_id)
    if filing is None:
        raise NotFound(filing_id)
    try:
        task = Task.get(filing_id, step, consistent_read=True)
        task.update(actions=[Task.link_gen.add(1)], condition=Task.status == "open")
    except (Task.DoesNotExist, UpdateError) as exc:
        raise StepNotOpen(f"{filing_id}/{step}") from exc
    audit.entry(filing_id, f"reissue:{step}", actor, None).save()
    notify_open_tasks(get_form(filing.form), filing)
    return int(task.link_gen)
