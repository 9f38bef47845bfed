"""退回补正, the applicant's side: what a step sent back, and the correction that answers
it. Only the fields named may change; the corrected data is the filing's next revision
(its snapshot kept beside the first, the history naming what changed), and the step
that sent it back opens again with a new link generation."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any, NamedTuple

from chalicelib.core import workflow
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict, NotCorrectable, StepNotOpen
from chalicelib.filing import notices
from chalicelib.filing.applicant import get_for_applicant
from chalicelib.filing.transitions import MAX_ATTEMPTS, Correction, apply, flow_state, load
from chalicelib.forms import FormSpec, get_form
from chalicelib.store import audit, records
from chalicelib.store.models import Filing


class Requested(NamedTuple):
    """What a step sent back: the step, and each field with the step's comment."""

    step: str
    fields: dict[str, str]


def requested(filing: Filing) -> Requested | None:
    """The correction the filing waits for, if any (its last send-back in the history)."""
    step = workflow.awaiting_correction(flow_state(filing))
    if step is None:
        return None
    for entry in reversed(filing.history or []):
        if entry.get("step") == step and entry.get("decision") == "send_back":
            return Requested(step, dict(entry.get("fields") or {}))
    return Requested(step, {})


def open_for(filing_id: str, token: str | None) -> tuple[FormSpec, Filing, Requested]:
    """The filing and what it must correct: Forbidden for a wrong status link,
    StepNotOpen when nothing waits for a correction."""
    filing = get_for_applicant(filing_id, token)
    wanted = requested(filing)
    if wanted is None:
        raise StepNotOpen("no correction requested")
    return get_form(filing.form), filing, wanted


def correct(
    filing_id: str,
    token: str | None,
    posted: Mapping[str, str],
    source_ip: str | None,
    lang: str = "zh",
) -> Filing:
    """Store the correction: NotCorrectable naming any field posted that was not sent
    back, ValidationFailed naming each bad value (the whole filing validated as at
    submission); nothing is written unless all is well."""
    spec, filing, wanted = open_for(filing_id, token)
    extra = tuple(sorted(k for k in posted if k not in wanted.fields))
    if extra:
        raise NotCorrectable(wanted.step, extra)
    data = corrected_data(spec, filing.data, wanted, posted, lang)
    for _ in range(MAX_ATTEMPTS):
        changes = {
            name: [filing.data.get(name), data.get(name)]
            for name in wanted.fields
            if filing.data.get(name) != data.get(name)
        }
        rev = int(filing.data_rev or 1) + 1
        now = utcnow()
        entry = {
            "step": wanted.step,
            "decision": "corrected",
            "comment": "",
            "by": filing.applicant,
            "at": now.isoformat(),
            "shown": [],
            "fields": {name: "" for name in wanted.fields},
            "changes": changes,
            "revision": rev,
        }
        # The revision's snapshot first (outside the event prefixes: it moves nothing);
        # a transaction lost below leaves an unreferenced object, rewritten next time.
        records.put_revision(filing, rev, data, now)
        transition = workflow.resubmit(spec.workflow, flow_state(filing), wanted.step)
        note = audit.entry(filing_id, f"corrected:{wanted.step}", filing.applicant, source_ip)
        with contextlib.suppress(Conflict):
            apply(spec, filing, transition, note, corrected=Correction(data, entry))
            stored = load(filing_id) or filing
            notices.notify_open_tasks(spec, stored)  # the new link to the same step
            return stored
        filing = load(filing_id) or filing
        again = requested(filing)
        if again is None or again != wanted:
            raise StepNotOpen("no correction requested")
    raise Conflict(f"{filing_id}: could not record the correction")


def corrected_data(
    spec: FormSpec,
    data: Mapping[str, Any],
    wanted: Requested,
    posted: Mapping[str, str],
    lang: str,
) -> dict[str, Any]:
    """The filing's data with the named fields as posted (a field left empty is
    cleared), validated whole: ValidationFailed names each bad field."""
    merged: dict[str, Any] = {k: v for k, v in data.items() if k not in wanted.fields}
    for name in wanted.fields:
        value = posted.get(name, "")
        if value != "":
            merged[name] = value
    return dict(spec.validate(merged, lang).model_dump(mode="json"))
