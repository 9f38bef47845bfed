"""What the slip and status page show beyond the filing's state: the QR code of the
status link, and what happens next and by when (each open step's due time, each
later step's due hours from the workflow)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.forms import FormSpec
from chalicelib.store.models import Task, bind_models

ACTIVE = frozenset({"submitted", "in_review"})
AHEAD = frozenset({"pending", "open", "reopened"})  # reopened: to be decided again


@dataclass(frozen=True)
class NextStep:
    title: str
    title_en: str
    due_hours: int
    due_at: datetime | None  # known once the step is open: its task's due time


def qr_svg(url: str, title: str) -> str:
    """An inline SVG (no script, no request: the page's CSP allows it as markup)."""
    import segno  # deferred: only the status page draws one

    qr = segno.make(url, error="m")
    return str(qr.svg_inline(scale=4, light="#fff", title=title, svgclass="qr", omitsize=True))


def next_steps(
    spec: FormSpec, filing_id: str, status: str, steps: dict[str, str]
) -> list[NextStep]:
    """The steps still ahead of an active filing, in order; `steps` maps step id to its
    status as the applicant's view has it (pending, open, approved, ...)."""
    if status not in ACTIVE:
        return []
    ahead = [s for s in spec.workflow.steps if steps.get(s.id, "pending") in AHEAD]
    if not ahead:
        return []
    bind_models()
    due = {t.step: t.due_at for t in Task.query(filing_id) if t.status == "open"}
    return [
        NextStep(
            s.title, s.title_en, s.due_hours, due.get(s.id) if steps.get(s.id) == "open" else None
        )
        for s in ahead
    ]
