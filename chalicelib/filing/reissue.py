"""A step's link reissued (the old one expired, or went to the wrong person): staff do it
from the command line (`python -m ops.cli reissue`)."""

from __future__ import annotations

from chalicelib.core.errors import NotFound, StepNotOpen
from chalicelib.filing import notices
from chalicelib.filing.transitions import load
from chalicelib.forms import get_form
from chalicelib.store import audit
from chalicelib.store.models import Task
from chalicelib.store.tx import update_if


def reissue_link(filing_id: str, step: str, actor: str) -> int:
    """A new link for an open step (the old one expired, or went to the wrong person):
    the step's link generation moves on, so every earlier link answers 410, and the
    step's approvers are sent the new one. Returns the new generation."""
    filing = load(filing_id)
    if filing is None:
        raise NotFound(filing_id)
    try:
        task = Task.get(filing_id, step, consistent_read=True)
    except Task.DoesNotExist:
        raise StepNotOpen(f"{filing_id}/{step}") from None
    if not update_if(task, [Task.link_gen.add(1)], Task.status == "open"):
        raise StepNotOpen(f"{filing_id}/{step}")
    audit.entry(filing_id, f"reissue:{step}", actor, None).save()
    notices.notify_open_tasks(get_form(filing.form), filing)
    return int(task.link_gen)
