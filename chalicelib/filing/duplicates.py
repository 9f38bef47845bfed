"""A duplicate filing's answer: the first filing's slip number, and its status link sent
to the first filing's own contact (once a day), never its id: whoever files a second
time may not be the one who holds the first."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import links
from chalicelib.core.clock import china_today, utcnow
from chalicelib.core.errors import DuplicateOpenFiling
from chalicelib.core.privacy import mask_phone
from chalicelib.filing.wording import Words, compose
from chalicelib.forms import FormSpec, get_form
from chalicelib.store import notify
from chalicelib.store.models import Filing, RateWindow
from chalicelib.store.tx import update_if


def _first_today(filing_id: str) -> bool:
    """Whether this is the first duplicate of the filing today: the contact is told once
    a day however often someone files again (a count, like a rate window, not a record:
    it lapses through TTL and the refusal stores nothing)."""
    now = utcnow()
    key = f"duplicate#{filing_id}#{china_today().isoformat()}"
    return update_if(
        RateWindow(key=key),
        [RateWindow.hits.add(1), RateWindow.expires_at.set(now + timedelta(days=2))],
        RateWindow.hits.does_not_exist(),
    )


def refusal(spec: FormSpec, first_id: str) -> DuplicateOpenFiling:
    first = Filing.get(first_id, consistent_read=True)
    first_spec = get_form(first.form)
    phone = first.data.get(first_spec.applicant_phone_field or "") or ""
    email = first.data.get(first_spec.applicant_email_field or "") or ""
    url = links.status_url(first_id)
    notice = compose(
        "filing_links",
        form=Words(first_spec.title, first_spec.title_en),
        slip_no=first.slip_no,
        url=url,
    )
    messages = []
    if phone:
        to = notify.to_phone(str(phone))
        messages.append(notify.Message("sms", to, notice.subject, notice.sms, (url,), first_id))
    if email:
        messages.append(
            notify.Message("email", str(email), notice.subject, notice.email, (url,), first_id)
        )
    if _first_today(first_id):
        for message in messages:
            notify.send(message)
    return DuplicateOpenFiling(
        first_id,
        *spec.duplicate_message,
        slip_no=first.slip_no,
        sent_to=mask_phone(str(phone)) if phone else "",
    )
