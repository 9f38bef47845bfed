"""An approved enterprise's worker code (员工登记码), revoked or issued anew from its
status page: `POST /filings/{id}/worker-code?token=T` (form fields `action` = `reissue`
or `revoke`, and `confirmed=yes` from the box that says the old code stops working).
And the certificate's 员工登记 QR, `GET /join/{certificate code}`: 303 to the worker's
form with the code current at the scan, never a stopped one."""

from __future__ import annotations

from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib import links
from chalicelib.core.errors import DomainError, Forbidden, NotFound
from chalicelib.core.i18n import N_
from chalicelib.web import admission
from chalicelib.web.pages import Said, error_page, message
from chalicelib.web.request import FORM_BODY, form_fields, in_lang, lang_of, query
from chalicelib.web.responses import redirect

bp = Blueprint(__name__)
REFUSED = {
    Forbidden: Said(403, N_("链接无效"), N_("进度链接不正确。")),
    DomainError: Said(409, N_("无法办理"), N_("只有已通过备案的企业有员工登记码。")),
}


@bp.route("/filings/{filing_id}/worker-code", methods=["POST"], content_types=FORM_BODY)
def change_worker_code(filing_id: str) -> Response:
    from chalicelib.filing import worker_codes

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


# What a worker who scanned a certificate is told when it cannot lead to a code.
JOIN_STOPPED = Said(
    410,
    N_("登记码已停用"),
    N_("该企业已停用员工登记码，暂时不能扫码登记。请向用工企业索取最新的登记码。"),
)
JOIN_INVALID = Said(
    410,
    N_("证明已失效"),
    N_("这张复工备案证明已撤销或不在有效期内，不能用于员工登记。请向用工企业核实。"),
)
JOIN_REFUSED: dict[type[DomainError], Said] = {
    NotFound: Said(404, N_("没有这张证明"), N_("请核对二维码或向用工企业索取登记码。")),
}


@bp.route("/join/{code}", methods=["GET"])
def join(code: str) -> Response:
    from chalicelib.documents import verify
    from chalicelib.filing import enterprise_key, worker_codes

    request = bp.current_request
    lang = lang_of(request)
    try:
        admission.admit(request, "verify")  # counted as a scan of the certificate is
        standing = verify.check(code)
        if standing.kind != "certificate":
            raise NotFound(code)
        current = worker_codes.for_certificate(code) if standing.status == "valid" else None
    except DomainError as exc:
        return error_page(request, exc, JOIN_REFUSED)
    if standing.status != "valid":
        said = JOIN_INVALID
    elif current is None:
        said = JOIN_STOPPED
    else:
        form = f"/forms/{enterprise_key.WORKER_FORM}?{urlencode({'employer': current})}"
        return redirect(in_lang(lang, form))
    return message(request, said.status, said.title, said.text)
