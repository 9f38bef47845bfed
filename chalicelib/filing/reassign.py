"""Handing an open step to a colleague of the same role and scope (a town office's
members are directory contacts "<town>#<n>"): the step's link moves to its next
generation, so the link already sent answers 410, and the colleague is sent the new one."""

from __future__ import annotations

from chalicelib.core.errors import Conflict, Forbidden, Gone, NotFound
from chalicelib.filing import notices
from chalicelib.forms import get_form
from chalicelib.store import audit, directory
from chalicelib.store.models import Contact, Filing, Task, bind_models
from chalicelib.store.tx import transaction


def colleagues(role: str, scope: str) -> list[tuple[str, str]]:
    """(contact scope, name) of everyone who may take a step of `role` in `scope`: the
    scope's own contact and its members."""
    bind_models()
    try:
        office = Contact.get(role, scope)
        own = [(str(office.scope), str(office.name))]
    except Contact.DoesNotExist:
        own = []
    return own + directory.choices(role, f"{scope}#")


def reassign(
    filing_id: str,
    step: str,
    link_gen: int,
    to: str,
    role: str,
    scope: str,
    actor: str,
    source_ip: str | None,
) -> Contact:
    """Give the step (at the generation the page showed) to contact `to`: Forbidden
    outside `role` and `scope` or to someone not of them, Gone when the step was decided
    or moved on meanwhile. Returns the new contact, who has been told."""
    bind_models()
    try:
        task = Task.get(filing_id, step, consistent_read=True)
    except Task.DoesNotExist:
        raise NotFound(f"{filing_id}/{step}") from None
    if task.role != role or task.scope != scope:
        raise Forbidden("not this office's step")
    if task.status != "open" or int(task.link_gen) != link_gen:
        raise Gone("used" if task.status == "decided" else "superseded")
    if to == task.contact_scope or to not in dict(colleagues(role, scope)):
        raise Forbidden(f"{to!r} cannot take this step")
    contact = directory.find(role, to)
    assignee = Task.assignee.remove() if to == scope else Task.assignee.set(to)
    try:
        with transaction() as tx:
            tx.update(
                task,
                actions=[assignee, Task.link_gen.add(1)],
                condition=(Task.status == "open") & (Task.link_gen == link_gen),
            )
            tx.save(audit.entry(filing_id, f"reassigned:{step}", actor, source_ip, to))
    except Conflict:
        raise Gone("superseded") from None
    filing = Filing.get(filing_id, consistent_read=True)
    notices.notify_open_tasks(get_form(filing.form), filing)  # the new link, to `to`
    return contact
