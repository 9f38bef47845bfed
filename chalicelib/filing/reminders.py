""" "Not overnight": steps pending past their due time are reminded once, and escalated
to the district office once at twice their due time.

The sweep reads only late steps, through the tasks' sparse alert index (an open step
carries a shard and the time of its next alert; deciding it removes both). Each alert
moves the step's next alert on with a conditional write, so two sweeps at once, or a
sweep retried, never alert twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import links
from chalicelib.core.clock import china_time
from chalicelib.core.roles import DISTRICT_OFFICE
from chalicelib.filing.wording import Words, compose
from chalicelib.forms import get_form
from chalicelib.settings import get_settings
from chalicelib.store import directory, metrics, notify
from chalicelib.store.models import ALERT_SHARDS, Filing, Task, bind_models
from chalicelib.store.tx import Action, update_if

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Swept:
    reminded: int
    escalated: int


def sweep(now: datetime) -> Swept:
    bind_models()
    reminded = escalated = 0
    for shard in range(ALERT_SHARDS):
        for task in Task.alert_index.query(str(shard), Task.alert_at <= now):
            if task.status != "open":
                _clear(task)
            elif task.alerts == 0 and _advance(task, now):
                _alert(task, escalate=False)
                reminded += 1
            elif task.alerts == 1 and _advance(task, now):
                _alert(task, escalate=True)
                escalated += 1
    if reminded or escalated:
        log.info("reminded %d step(s), escalated %d", reminded, escalated)
        metrics.count("LateSteps", reminded + escalated, escalated=escalated)
    return Swept(reminded, escalated)


def _advance(task: Task, now: datetime) -> bool:
    """Claim this alert: a reminder sets the escalation's time, an escalation ends them."""
    step = get_form(task.form).workflow.step(task.step)
    alerts = task.alerts
    actions: list[Action] = [Task.alerts.set(alerts + 1)]
    if alerts == 0:
        actions.append(Task.alert_at.set(task.due_at + timedelta(hours=step.due_hours)))
    else:
        actions += [Task.alert_shard.remove(), Task.alert_at.remove()]
    if not update_if(task, actions, (Task.alerts == alerts) & (Task.status == "open")):
        return False  # decided meanwhile, or another sweep took it
    task.alerts = alerts  # the message below is about the alert just claimed
    return True


def _clear(task: Task) -> None:
    task.update(actions=[Task.alert_shard.remove(), Task.alert_at.remove()])


def _alert(task: Task, *, escalate: bool) -> None:
    filing = Filing.get(task.filing_id)
    spec = get_form(filing.form)
    step = spec.workflow.step(task.step)
    url = links.approve_url(task.filing_id, task.step, int(task.link_gen))
    form = Words(spec.title, spec.title_en)
    if escalate:
        contact = directory.find(DISTRICT_OFFICE, get_settings().district_scope)
        notice = compose(
            "escalation",
            name=contact.name,
            owner=directory.find(task.role, task.contact_scope).name,
            step=Words(step.title, step.title_en),
            since=china_time(task.opened_at),
            form=form,
            slip_no=filing.slip_no,
            url=url,
        )
        purpose = f"escalation:{task.step}:{task.link_gen}"
    else:
        contact = directory.find(task.role, task.contact_scope)
        notice = compose(
            "reminder",
            name=contact.name,
            town=filing.town,
            form=form,
            applicant=filing.applicant,
            slip_no=filing.slip_no,
            step=Words(step.title, step.title_en),
            due=china_time(task.due_at),
            url=url,
        )
        purpose = f"reminder:{task.step}:{task.link_gen}"
    messages = notify.to_contact(
        contact, notice.subject, notice.email, notice.sms, url, filing.filing_id, task.step
    )
    notify.send_once(purpose, messages)
