"""我的办件: a proven phone's filings. The phone index is keyed by the phone's keyed hash
(chalicelib/store/phone_codes.py): the number itself is in no key. Whoever proved the
number (an SMS code, purpose "my") gets each of its filings' status links, a lookup by
slip number goes to that one filing, and a lost link is sent again to the phone."""

from __future__ import annotations

from typing import Any, NamedTuple

from chalicelib import links
from chalicelib.core.errors import NotFound
from chalicelib.filing.wording import Words, compose
from chalicelib.forms import get_form
from chalicelib.store import claims, notify, phone_codes
from chalicelib.store.models import Filing, Unique, bind_models

MAX_LISTED = 100  # a person's filings of a drive: a few; a roster contact's, dozens


class Listed(NamedTuple):
    filing_id: str
    slip_no: str
    form: str
    status: str
    submitted_at: str
    status_url: str

    def as_json(self) -> dict[str, Any]:
        return self._asdict()


def filings_of(phone: str) -> list[Listed]:
    """The number's filings, newest first, each with its status link."""
    bind_models()
    found = Filing.phone_index.query(
        phone_codes.phone_key(phone), scan_index_forward=False, limit=MAX_LISTED
    )
    return [listed(f) for f in found]


def listed(f: Filing) -> Listed:
    return Listed(
        f.filing_id,
        f.slip_no,
        f.form,
        f.status,
        f.created_at.isoformat(),
        links.status_url(f.filing_id),
    )


def by_slip(phone: str, slip_no: str) -> Filing:
    """The one filing of slip number `slip_no` whose applicant phone is `phone`;
    NotFound alike for no such slip and another number's."""
    bind_models()
    slip = slip_no.strip().upper()
    try:
        filing_id = str(Unique.get(claims.slip_key(slip), consistent_read=True).filing_id)
        filing = Filing.get(filing_id)
    except (Unique.DoesNotExist, Filing.DoesNotExist):
        raise NotFound(slip) from None
    if filing.phone_key != phone_codes.phone_key(phone):
        raise NotFound(slip)
    return filing


def send_link(phone: str, filing_id: str) -> None:
    """The status link of one of the number's filings, sent again by SMS to the number."""
    bind_models()
    try:
        filing = Filing.get(filing_id)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    if filing.phone_key != phone_codes.phone_key(phone):
        raise NotFound(filing_id)
    spec = get_form(filing.form)
    url = links.status_url(filing.filing_id)
    notice = compose(
        "filing_links",
        form=Words(spec.title, spec.title_en),
        slip_no=filing.slip_no,
        url=url,
    )
    number = notify.to_phone(phone_codes.normalized(phone))
    notify.send(notify.Message("sms", number, notice.subject, notice.sms, (url,), filing_id))
