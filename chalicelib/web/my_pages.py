"""我的办件 (`/my`), without script: a phone number, then the SMS code sent to it, then
the number's filings newest first, each with its status and link; with a slip number,
straight to that one filing; and any link sent again by SMS. The code's proof (purpose
"my") rides in a hidden field from page to page for its half hour."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import links
from chalicelib.core.errors import CodeRefused, DomainError, NotFound, RateLimited, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.core.privacy import mask_phone
from chalicelib.forms import get_form
from chalicelib.web import admission
from chalicelib.web.pages import error_page, render
from chalicelib.web.request import FORM_BODY, form_fields, in_lang, lang_of, source_ip, switch_url
from chalicelib.web.responses import redirect

bp = Blueprint(__name__)
NO_SUCH_SLIP = N_("这个手机号码名下没有该回执编号的申请，请核对回执编号。")
BAD_PHONE = N_("请填写有效的中国大陆手机号码")


@bp.route("/my", methods=["GET"])
def my_page() -> Response:
    return _ask_phone(lang_of(bp.current_request))


def _ask_phone(
    lang: str, phone: str = "", slip_no: str = "", error: str = "", status: int = 200
) -> Response:
    return render(
        "my.html",
        status,
        lang=lang,
        stage="phone",
        phone=phone,
        slip_no=slip_no,
        error=error,
        switch_url=switch_url("/my", lang),
    )


@bp.route("/my", methods=["POST"], content_types=FORM_BODY)
def my_lookup() -> Response:
    from chalicelib.filing import my_filings, phone_proofs

    request = bp.current_request
    lang = lang_of(request)
    posted = form_fields(request)
    phone = posted.get("phone", "").strip()
    slip_no = posted.get("slip_no", "").strip()
    try:
        admission.admit(request, "lookup")
        proof = posted.get("proof", "")
        number = phone_proofs.proven_phone(proof, phone_proofs.MY)
        if number is None and posted.get("code") and not posted.get("resend"):
            proof, _ = phone_proofs.verify(phone, phone_proofs.MY, posted["code"])
            number = phone_proofs.proven_phone(proof, phone_proofs.MY)
        if number is None:
            return _send_code(lang, phone, slip_no)
        sent = ""
        if posted.get("send_link"):
            my_filings.send_link(number, posted["send_link"])
            sent = posted["send_link"]
        if slip_no and not sent:
            try:
                filing = my_filings.by_slip(number, slip_no)
            except NotFound:
                return _listed(lang, number, proof, error=translate(lang, NO_SUCH_SLIP), status=404)
            return redirect(in_lang(lang, links.status_url(filing.filing_id)))
        return _listed(lang, number, proof, sent=sent)
    except CodeRefused as exc:
        return _ask_code(
            lang, phone, slip_no, translate(lang, phone_proofs.refusal_words(exc)), 400
        )
    except ValidationFailed:
        return _ask_phone(lang, phone, slip_no, translate(lang, BAD_PHONE), 400)
    except DomainError as exc:
        return error_page(request, exc)


def _send_code(lang: str, phone: str, slip_no: str) -> Response:
    from chalicelib.filing import phone_proofs

    wait = 0
    try:
        phone_proofs.send_code(phone, phone_proofs.MY, source_ip(bp.current_request))
    except RateLimited as exc:
        if exc.kind != "phone_code":
            raise
        wait = exc.retry_after  # the code sent a moment ago is still good
    return _ask_code(lang, phone, slip_no, "", 200, wait)


def _ask_code(
    lang: str, phone: str, slip_no: str, error: str, status: int, wait: int = 0
) -> Response:
    from chalicelib.filing import phone_proofs

    number = phone_proofs.phone_codes.normalized(phone)
    return render(
        "my.html",
        status,
        lang=lang,
        stage="code",
        phone=number,
        masked=mask_phone(number),
        slip_no=slip_no,
        error=error,
        wait=wait,
        switch_url=switch_url("/my", lang),
    )


def _listed(
    lang: str, number: str, proof: str, sent: str = "", error: str = "", status: int = 200
) -> Response:
    from chalicelib.filing import my_filings

    filings = my_filings.filings_of(number)
    titles = {f.form: get_form(f.form) for f in filings}
    return render(
        "my.html",
        status,
        lang=lang,
        stage="list",
        masked=mask_phone(number),
        proof=proof,
        filings=filings,
        forms=titles,
        sent=sent,
        error=error,
        switch_url=switch_url("/my", lang),
    )
