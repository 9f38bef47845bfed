"""修改后重新提交: a rejected filing corrected and filed again. The new filing names the
one it corrects (`resubmits`); both keep their own histories. Only the rejected
filing's status token opens it for a correction."""

from __future__ import annotations

from chalicelib import links
from chalicelib.core.errors import InvalidTransition, NotFound
from chalicelib.forms import FormSpec
from chalicelib.store.models import Filing, bind_models


def rejected(spec: FormSpec, filing_id: str, token: str | None) -> Filing:
    """The rejected filing of this form that the token's holder corrects: Forbidden for
    a wrong token, InvalidTransition (409) for a filing that was not rejected."""
    links.check_status_token(filing_id, token)
    bind_models()
    try:
        filing = Filing.get(filing_id, consistent_read=True)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    if filing.form != spec.id or filing.status != "rejected":
        raise InvalidTransition("only a rejected filing is corrected and filed again")
    return filing
