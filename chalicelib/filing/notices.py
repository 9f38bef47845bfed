"""Which message goes to whom as a filing moves: its approvers asked for a decision,
the applicant told of each decision and document, an official told that the stock
could not cover an approval. Each is sent once per purpose (`notify.send_once`)."""

from __future__ import annotations

from chalicelib import links
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
    email = _value(filing, spec.applicant_email_field)
    phone = _value(filing, spec.applicant_phone_field)
    messages = []
    if email:
        messages.append(notify.Message("email", email, subject, text, (url,), filing.filing_id))
    if phone:
        messages.append(
            notify.Message("sms", notify.to_phone(phone), subject, sms, (url,), filing.filing_id)
        )
    notify.send_once(purpose, messages)


def _value(filing: Filing, field: str | None) -> str | None:
    value = filing.data.get(field) if field else None
    return str(value) if value is not None else None
