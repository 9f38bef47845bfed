"""员工登记码: an approved enterprise's worker code, the key its workers register with
instead of its filing id. A short readable code held as a unique claim
(`worker#<code>` -> the enterprise's filing) and named on the filing (`worker_code`:
None never issued, "" revoked); the enterprise revokes it or issues a new one from its
status page, and the old one stops working at once."""

from __future__ import annotations

import secrets

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.core.ids import READABLE
from chalicelib.core.privacy import expiry
from chalicelib.store import claims
from chalicelib.store.models import Document, Filing, Unique, bind_models
from chalicelib.store.tx import transaction

ENTERPRISE_FORM = "enterprise-resumption"
LENGTH = 8  # 29^8, about 5 * 10^11: not guessed at the rate submissions are admitted
NO_SUCH_CODE = N_("员工登记码无效或已停用，请向用工企业索取最新的登记码")


def key(code: str) -> str:
    return f"worker#{code}"


def normal(code: str) -> str:
    return "".join(code.split()).upper().replace("-", "")


def _new_code() -> str:
    return "".join(secrets.choice(READABLE) for _ in range(LENGTH))


def current(filing: Filing) -> str | None:
    """The approved enterprise's code, issued on first sight; None when revoked or not
    (yet) an approved enterprise filing."""
    if filing.form != ENTERPRISE_FORM or filing.status != "approved":
        return None
    if filing.worker_code is None:
        return _replace(filing, None, issue_new=True)
    return filing.worker_code or None


def for_certificate(code: str) -> str | None:
    """The code current for the enterprise whose certificate `code` is (the certificate's
    员工登记 QR names the certificate, not the code: it outlives a re-issue); None when
    revoked. NotFound for no such certificate."""
    bind_models()
    try:
        document = Document.get(code.strip().upper())
    except Document.DoesNotExist:
        raise NotFound(code) from None
    if document.kind != "certificate":
        raise NotFound(code)
    try:
        filing = Filing.get(document.filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        raise NotFound(code) from None
    return current(filing)


def reissue(filing_id: str, token: str | None) -> str:
    """A new code for the enterprise; the old one stops working."""
    filing = _enterprise(filing_id, token)
    return str(_replace(filing, filing.worker_code, issue_new=True))


def revoke(filing_id: str, token: str | None) -> None:
    filing = _enterprise(filing_id, token)
    _replace(filing, filing.worker_code, issue_new=False)


def _enterprise(filing_id: str, token: str | None) -> Filing:
    links.check_status_token(filing_id, token)
    bind_models()
    try:
        filing = Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    if filing.form != ENTERPRISE_FORM or filing.status != "approved":
        raise InvalidTransition("only an approved enterprise has a worker code")
    return filing


def _replace(filing: Filing, old: str | None, issue_new: bool) -> str | None:
    bind_models()
    now = utcnow()
    for _ in range(4):
        new = _new_code() if issue_new else ""
        try:
            with transaction() as tx:
                if new:
                    claims.claim(tx, claims.new(key(new), filing.filing_id, now, expiry(now)))
                if old:
                    tx.delete(Unique(key=key(old)), condition=Unique.filing_id == filing.filing_id)
                same = (
                    Filing.worker_code.does_not_exist()
                    if filing.worker_code is None
                    else Filing.worker_code == filing.worker_code
                )
                tx.update(Filing(filing_id=filing.filing_id), [Filing.worker_code.set(new)], same)
        except Conflict:
            fresh = Filing.get(filing.filing_id, consistent_read=True)
            if fresh.worker_code != filing.worker_code:
                # another request changed it meanwhile: its answer stands
                return fresh.worker_code or None
            continue  # a code drawn twice: draw again
        filing.worker_code = new
        return new or None
    raise Conflict("could not issue a worker code")


def employer_of(code: str, lang: str, field: str = "employer_code") -> str:
    """The filing id of the enterprise whose current code `code` is; 400 naming `field`."""
    bind_models()
    wanted = normal(code)
    try:
        if len(wanted) != LENGTH or not set(wanted) <= set(READABLE):
            raise Unique.DoesNotExist
        filing_id = str(Unique.get(key(wanted), consistent_read=True).filing_id)
    except Unique.DoesNotExist:
        raise ValidationFailed({field: translate(lang, NO_SUCH_CODE)}) from None
    return filing_id


def employer_name(filing_id: str) -> str:
    bind_models()
    return str(Filing.get(filing_id, attributes_to_get=["applicant"]).applicant)
