"""A document's standing, as a checkpoint sees it."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.core.clock import china_today
from chalicelib.core.errors import NotFound
from chalicelib.core.workflow import DOCUMENT_TITLES, TAKEN_BACK
from chalicelib.store.models import Document, Filing, bind_models

# A slip (回执) is a receipt that a filing was made, not a permit: its QR never reads
# valid. It reports its filing's status instead (CONTRACT.md, /verify/{code}).
RECEIPTS = frozenset({"slip"})


class Verification(NamedTuple):
    code: str
    kind: str
    # valid | expired | revoked | suspended | not_yet_valid; a receipt's: its filing's status
    status: str
    holder: str
    valid_from: str
    valid_to: str | None

    @property
    def kind_title(self) -> str:
        return DOCUMENT_TITLES.get(self.kind, self.kind)

    @property
    def is_receipt(self) -> bool:
        return self.kind in RECEIPTS

    def as_json(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "kind": self.kind,
            "status": self.status,
            "holder": self.holder,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }


def check(code: str) -> Verification:
    """Read at the moment of the scan: a document whose filing (or employer's filing)
    was withdrawn or revoked is revoked at once, with nothing to propagate."""
    bind_models()
    try:
        doc = Document.get(code.strip().upper())
    except Document.DoesNotExist:
        raise NotFound(code) from None
    statuses = _filing_statuses(doc)
    today = china_today().isoformat()
    if doc.kind in RECEIPTS:
        status = statuses.get(doc.filing_id, "submitted")
    elif doc.revoked or any(s in TAKEN_BACK for s in statuses.values()):
        status = "revoked"
    elif doc.suspended:  # a pass held back by a health follow-up (chalicelib/filing/health.py)
        status = "suspended"
    elif doc.valid_to and doc.valid_to < today:
        status = "expired"
    elif doc.valid_from > today:
        status = "not_yet_valid"
    else:
        status = "valid"
    return Verification(doc.code, doc.kind, status, doc.holder, doc.valid_from, doc.valid_to)


def _filing_statuses(doc: Document) -> dict[str, str]:
    """The status of the document's filing and of the filing it depends on (its employer)."""
    ids = [doc.filing_id] + ([doc.depends_on] if doc.depends_on else [])
    filings = Filing.batch_get(ids, attributes_to_get=["filing_id", "status"])
    return {f.filing_id: f.status for f in filings}
