"""A document's standing, as a checkpoint sees it."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.errors import NotFound
from chalicelib.core.i18n import N_
from chalicelib.core.ids import CHINA, utcnow
from chalicelib.store.models import Document, Filing, bind_models

KIND_TITLES = {
    "slip": N_("回执"),
    "certificate": N_("复工备案证明"),
    "docking_slip": N_("电子返婺对接单"),
    "pass": N_("一体通行证"),
    "notice": N_("补助核定通知书"),
}


@dataclass(frozen=True)
class Verification:
    code: str
    kind: str
    status: str  # valid | expired | revoked
    holder: str
    valid_from: str
    valid_to: str | None

    @property
    def kind_title(self) -> str:
        return KIND_TITLES.get(self.kind, self.kind)

    def as_json(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "kind": self.kind,
            "status": self.status,
            "holder": self.holder,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }


ENDED = frozenset({"withdrawn", "revoked"})


def check(code: str) -> Verification:
    """Read at the moment of the scan: a document whose filing (or employer's filing)
    was withdrawn or revoked is revoked at once, with nothing to propagate."""
    bind_models()
    try:
        doc = Document.get(code.strip().upper())
    except Document.DoesNotExist:
        raise NotFound(code) from None
    today = utcnow().astimezone(CHINA).date().isoformat()
    if doc.revoked or _ended(doc):
        status = "revoked"
    elif doc.valid_to and doc.valid_to < today:
        status = "expired"
    else:
        status = "valid"
    return Verification(doc.code, doc.kind, status, doc.holder, doc.valid_from, doc.valid_to)


def _ended(doc: Document) -> bool:
    ids = [doc.filing_id] + ([doc.depends_on] if doc.depends_on else [])
    return any(f.status in ENDED for f in Filing.batch_get(ids, attributes_to_get=["status"]))
