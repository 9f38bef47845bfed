"""An approved enterprise's worker code (员工登记码), revoked or issued anew from its
status page: `POST /filings/{id}/worker-code?token=T` (form fields `action` = `reissue`
or `revoke`, and `confirmed=yes` from the box that says the old code stops working)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import links
from chalicelib.core.errors import DomainError, Forbidden
from chalicelib.core.i18n import N_
from chalicelib.filing import worker_codes
from chalicelib.web.pages import Said, error_page
from chalicelib.web.request import FORM_BODY, form_fields, in_lang, lang_of, query
from chalicelib.web.responses import redirect

bp = Blueprint(__name__)
REFUSED = {
    Forbidden: Said(403, N_("链接无效"), N_("进度链接不正确。")),
    DomainError: Said(409, N_("无法办理"), N_("只有已通过备案的企业有员工登记码。")),
}


@bp.route("/filings/{filing_id}/worker-code", methods=["POST"], content_types=FORM_BODY)
def change_worker_code(filing_id: str) -> Response:
    request = bp.current_request
    token = query(request, "token")
    posted = form_fields(request)
    back = in_lang(lang_of(request), links.status_url(filing_id)) + "#worker-code"
    if posted.get("confirmed") != "yes":  # the box says the old code stops working
        return redirect(back)
    try:
        if posted.get("action") == "revoke":
            worker_codes.revoke(filing_id, token)
        else:
            worker_codes.reissue(filing_id, token)
    except DomainError as exc:
        return error_page(request, exc, REFUSED)
    return redirect(back)
