"""A proven phone, under /api: `POST /api/phone-codes` sends an SMS code,
`POST /api/phone-codes/verify` redeems it for a proof that a submission carries in its
`Phone-Proof` header (chalicelib/filing/phone_proofs.py)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core.errors import Forbidden, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.filing import phone_proofs
from chalicelib.web import admission
from chalicelib.web.request import ANY_BODY, header, json_object, lang_of, source_ip
from chalicelib.web.responses import api_errors, json_response

bp = Blueprint(__name__)
PURPOSES = (phone_proofs.FILING, phone_proofs.MY)  # staff sign-in has its own route


def _purpose(posted: dict[str, object], lang: str) -> str:
    purpose = str(posted.get("purpose") or phone_proofs.FILING)
    if purpose not in PURPOSES:
        raise ValidationFailed({"purpose": translate(lang, N_("须为 filing 或 my"))})
    return purpose


@bp.route("/phone-codes", methods=["POST"], content_types=ANY_BODY)
@api_errors
def ask_code() -> Response:
    """`{"phone", "purpose"?}` -> 202 `{"retry_after"}`: a code is on its way by SMS."""
    request = bp.current_request
    lang = lang_of(request)
    admission.admit(request, "phone_code")
    posted = json_object(request)
    purpose = _purpose(posted, lang)
    wait = phone_proofs.send_code(str(posted.get("phone") or ""), purpose, source_ip(request))
    return json_response({"retry_after": wait}, 202)


@bp.route("/phone-codes/verify", methods=["POST"], content_types=ANY_BODY)
@api_errors
def verify_code() -> Response:
    """`{"phone", "code", "purpose"?}` -> 200 `{"proof", "expires_at"}`; 400
    `code_refused` (with its `reason`) for a wrong, used or expired code."""
    request = bp.current_request
    lang = lang_of(request)
    admission.admit(request, "phone_verify")
    posted = json_object(request)
    purpose = _purpose(posted, lang)
    proof, expires = phone_proofs.verify(
        str(posted.get("phone") or ""), purpose, str(posted.get("code") or "")
    )
    return json_response({"proof": proof, "expires_at": expires.isoformat()})


@bp.route("/my/filings", methods=["POST"], content_types=ANY_BODY)
@api_errors
def my_filings_list() -> Response:
    """我的办件 for a program: header `Phone-Proof` (a proof of purpose "my") and an
    optional `{"slip_no"}` -> 200 `{"filings": [{"filing_id", "slip_no", "form", "status",
    "submitted_at", "status_url"}]}`, newest first; 403 without a valid proof; 404 for a
    slip number that is not the number's."""
    from chalicelib.filing import my_filings

    request = bp.current_request
    admission.admit(request, "lookup")
    number = phone_proofs.proven_phone(header(request, "phone-proof") or None, phone_proofs.MY)
    if number is None:
        raise Forbidden("no phone proof")
    posted = json_object(request, empty="{}")
    slip_no = str(posted.get("slip_no") or "")
    if slip_no:
        listed = [my_filings.listed(my_filings.by_slip(number, slip_no))]
    else:
        listed = my_filings.filings_of(number)
    return json_response({"filings": [f.as_json() for f in listed]})
