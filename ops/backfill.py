"""Filings stored before the form index (`Filing.form_key`) are not in it, so the
district's lists by form and status do not see them. `backfill_form_keys` gives each its
key, computed from its form, status and id as a transition would set it.

Run once per stage after deploying the index (`python -m ops.cli backfill-form-keys`):
it scans the filings table (a one-off, from a workstation; nothing in the product scans)
and writes only where the key is missing and the filing has not moved since it was read
(its version): a filing that moved meanwhile got its key from its own transition.
Running it again finds nothing to do.
"""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.store.models import Filing, bind_models, form_key
from chalicelib.store.tx import update_if


class Backfilled(NamedTuple):
    found: int  # filings without a key
    written: int  # given their key
    moved: int  # changed while the backfill ran: their transition set the key


def backfill_form_keys() -> Backfilled:
    bind_models()
    found = written = 0
    for filing in Filing.scan(filter_condition=Filing.form_key.does_not_exist()):
        found += 1
        key = form_key(filing.form, filing.status, filing.filing_id)
        unchanged = (Filing.version == filing.version) & Filing.form_key.does_not_exist()
        if update_if(filing, [Filing.form_key.set(key)], unchanged):
            written += 1
    return Backfilled(found, written, found - written)
