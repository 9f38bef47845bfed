"""Which message goes to whom as a filing moves: its approvers asked for a decision,
the applicant told of each decision and document, an official told that the stock
could not cover an approval. Each is sent once per purpose (`notify.send_once`); the
words are templates (chalicelib/filing/wording.py), the facts are gathered here."""

from __future__ import annotations

from chalicelib import links
from chalicelib.filing.wording import Notice, Words, compose
from chalicelib.forms import FormSpec
from chalicelib.settings import get_settings
from chalicelib.store import directory, notify
from chalicelib.store.models import Filing, Task


def notify_open_tasks(spec: FormSpec, filing: Filing) -> None:
    if filing.status != "in_review":
        return
    for task in Task.query(filing.filing_id, consistent_read=True):
        if task.status != "open":
            continue
        contact = directory.find(task.role, task.contact_scope)
        url = links.approve_url(filing.filing_id, task.step, int(task.link_gen))
        step = spec.workflow.step(task.step)
        notice = compose(
            "approval_request",
            name=contact.name,
            town=filing.town,
            form=_form(spec),
            step=Words(step.title, step.title_en),
            sent_back=_sent_back(spec, filing, task.step),
            applicant=filing.applicant,
            slip_no=filing.slip_no,
            hours=get_settings().link_ttl_hours,
            url=url,
        )
        messages = notify.to_contact(
            contact, notice.subject, notice.email, notice.sms, url, filing.filing_id, task.step
        )
        notify.send_once(f"approver:{task.step}:{task.link_gen}", messages)


def _sent_back(spec: FormSpec, filing: Filing, step: str) -> str | None:
    """For an approver whose step was reopened: the reason it came back."""
    for entry in reversed(filing.history or []):
        if entry.get("decision") == "reopen":
            if spec.workflow.step(entry["step"]).reopen_to == step:
                return str(entry.get("comment", ""))
            return None
    return None


def _form(spec: FormSpec) -> Words:
    return Words(spec.title, spec.title_en)


def notify_received(spec: FormSpec, filing: Filing) -> None:
    """The applicant's slip number and status link, as soon as the filing is in: the one
    key to the case, kept in their SMS and mail even if the page is closed."""
    url = links.status_url(filing.filing_id)
    notice = compose(
        "received",
        form=_form(spec),
        slip_no=filing.slip_no,
        url=url,
        my_url=f"{links.public_base()}/my",
    )
    _tell_applicant(spec, filing, "received", notice, url)


def notify_decision(spec: FormSpec, filing: Filing, task: Task) -> None:
    step = spec.workflow.step(task.step)
    refused = filing.step_status(task.step) == "rejected"  # by its approver, or the stock
    url = links.status_url(filing.filing_id)
    notice = compose(
        "decision",
        form=_form(spec),
        slip_no=filing.slip_no,
        step=Words(step.title, step.title_en),
        refused=refused,
        comment=(filing.reason if refused else task.comment) or "",  # none: the template says so
        url=url,
    )
    _tell_applicant(spec, filing, f"decision:{task.step}", notice, url)


def notify_correction(spec: FormSpec, filing: Filing, task: Task) -> None:
    """退回补正: the applicant told which fields to correct, with the step's comment on
    each, and where (the status link opens the correction form)."""
    step = spec.workflow.step(task.step)
    named = dict((task.inputs or {}).get("fields", {}))
    zh, en = spec.labels("zh"), spec.labels("en")
    fields = Words(
        "；".join(f"{zh.get(k, k)}：{v}" for k, v in named.items()),
        "; ".join(f"{en.get(k, k)}: {v}" for k, v in named.items()),
    )
    url = links.status_url(filing.filing_id)
    notice = compose(
        "correction_request",
        form=_form(spec),
        slip_no=filing.slip_no,
        step=Words(step.title, step.title_en),
        fields=fields,
        url=url,
    )
    _tell_applicant(spec, filing, f"correction:{task.step}:{task.link_gen}", notice, url)


def notify_refused_approval(spec: FormSpec, filing: Filing, task: Task) -> None:
    """The official whose approval the stock could not cover is told so, with what is
    left: the page that confirmed the decision was answered before the stock was read."""
    contact = directory.find(task.role, task.contact_scope)
    notice = compose(
        "refused_approval",
        name=contact.name,
        form=_form(spec),
        applicant=filing.applicant,
        slip_no=filing.slip_no,
        reason=filing.reason,
    )
    messages = [
        notify.Message("email", address, notice.subject, notice.email, (), filing.filing_id)
        for address in contact.emails
    ] + [
        notify.Message("sms", phone, notice.subject, notice.sms, (), filing.filing_id)
        for phone in contact.phones
    ]
    notify.send_once(f"refused:{task.step}", messages)


def notify_document(spec: FormSpec, filing: Filing, kind: str, code: str) -> None:
    title, title_en = spec.documents.get(kind, (kind, kind))
    url = links.status_url(filing.filing_id)
    notice = compose(
        "document",
        document=Words(title, title_en),
        slip_no=filing.slip_no,
        code=code,
        url=url,
        verify_url=links.verify_url(code),
    )
    _tell_applicant(spec, filing, f"document:{kind}", notice, url)


def _tell_applicant(spec: FormSpec, filing: Filing, purpose: str, notice: Notice, url: str) -> None:
    email = _value(filing, spec.applicant_email_field)
    phone = _value(filing, spec.applicant_phone_field)
    messages = []
    if email:
        messages.append(
            notify.Message("email", email, notice.subject, notice.email, (url,), filing.filing_id)
        )
    if phone:
        messages.append(
            notify.Message(
                "sms", notify.to_phone(phone), notice.subject, notice.sms, (url,), filing.filing_id
            )
        )
    notify.send_once(purpose, messages)


def _value(filing: Filing, field: str | None) -> str | None:
    value = filing.data.get(field) if field else None
    return str(value) if value is not None else None
