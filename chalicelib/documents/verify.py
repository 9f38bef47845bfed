"""A document's standing, as a checkpoint sees it."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.core.clock import china_today
from chalicelib.core.errors import NotFound
from chalicelib.core.workflow import DOCUMENT_TITLES, TAKEN_BACK
from chalicelib.store.models import Document, Filing, bind_models


class Verification(NamedTuple):
    code: str
    kind: str
    status: str  # valid | expired | revoked
    holder: str
    valid_from: str
    valid_to: str | None

    @property
    def kind_title(self) -> str:
        return DOCUMENT_TITLES.get(self.kind, self.kind)

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
    today = china_today().isoformat()
    if doc.revoked or _ended(doc):
        status = "revoked"
    elif doc.valid_to and doc.valid_to < today:
        status = "expired"
    else:
        status = "valid"
    return Verification(doc.code, doc.kind, status, doc.holder, doc.valid_from, doc.valid_to)


def _ended(doc: Document) -> bool:
    ids = [doc.filing_id] + ([doc.depends_on] if doc.depends_on else [])
    return any(f.status in TAKEN_BACK for f in Filing.batch_get(ids, attributes_to_get=["status"]))
