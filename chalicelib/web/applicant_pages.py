"""Pages for the public: the forms, filling one in, a filing's slip and status."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from chalice import Blueprint, Response

from chalicelib import links
from chalicelib.core.clock import china_today
from chalicelib.core.errors import (
    DomainError,
    DuplicateOpenFiling,
    FilingClosed,
    Forbidden,
    InvalidTransition,
    NotFound,
    RateLimited,
    UnknownForm,
    ValidationFailed,
)
from chalicelib.core.i18n import N_, translate
from chalicelib.core.workflow import ACTIVE, DOCUMENT_TITLES, OPEN_OR_APPROVED
from chalicelib.forms import FormSpec, all_forms, get_form, shown_value
from chalicelib.store import s3
from chalicelib.web import admission, claim_guide, form_prefill, phone_step, status_more
from chalicelib.web.form_view import PROVINCE, field_view, in_language
from chalicelib.web.pages import Said, error_page, render
from chalicelib.web.request import (
    FORM_BODY,
    form_fields,
    in_lang,
    lang_of,
    query,
    source_ip,
    switch_url,
)
from chalicelib.web.responses import CSP, redirect

bp = Blueprint(__name__)

# What the public pages say in their own words (pages.PAGE_ERRORS says the rest).
STATUS_LINK_FULL = Said(403, N_("链接无效"), N_("进度链接不正确，请使用短信或回执中的完整链接。"))
STATUS_LINK = Said(403, N_("链接无效"), N_("进度链接不正确。"))
START_REFUSED = {
    Forbidden: STATUS_LINK,
    ValidationFailed: Said(400, N_("日期不正确"), N_("开工日期格式应为YYYY-MM-DD。")),
    NotFound: Said(404, N_("没有这件申请"), N_("请核对链接。")),
    DomainError: Said(
        409, N_("无法报告开工"), N_("只有已通过备案的企业可以报告开工，且只需报告一次。")
    ),
}
WITHDRAWAL_REFUSED = {
    Forbidden: STATUS_LINK,
    NotFound: Said(404, N_("没有这件申请"), N_("请核对链接。")),
    DomainError: Said(409, N_("无法撤回"), N_("这件申请已经办结，不能撤回。")),
}
DOCUMENT_REFUSED = {
    Forbidden: Said(403, N_("链接无效"), N_("下载链接不正确。")),
    NotFound: Said(404, N_("文件尚未生成"), N_("请稍后刷新进度页再试。")),
}


@bp.route("/", methods=["GET"])
def home() -> Response:
    lang = lang_of(bp.current_request)
    claims = claim_guide.claim_forms()  # listed apart: filed from the enterprise's page
    forms = [spec for spec in all_forms() if spec not in claims]
    return render(
        "index.html", forms=forms, claims=claims, lang=lang, switch_url=switch_url("/", lang)
    )


@bp.route("/forms/{form}", methods=["GET"])
def form_page(form: str) -> Response:
    try:
        spec = get_form(form)
    except UnknownForm as exc:
        return error_page(bp.current_request, exc)
    try:  # an enterprise's page, a worker code, a rejected filing, a draft (issue 14)
        values, hidden = form_prefill.initial(bp.current_request, spec)
    except DomainError as exc:
        return error_page(bp.current_request, exc, {Forbidden: STATUS_LINK_FULL})
    if claim_guide.is_bare(spec, hidden):  # filed from the enterprise's status page
        return claim_guide.guide(bp.current_request, spec)
    values.update(_uploaded(spec))
    province = query(bp.current_request, "province")  # a county picker's province (no script)
    if province:
        values[PROVINCE] = province
    return _form(spec, values, {}, secrets.token_urlsafe(16), hidden=hidden)


def _uploaded(spec: FormSpec) -> dict[str, str]:
    """The keys of files already uploaded from this page: S3's redirect names the last
    one (`upload` and the `key` it appends); the others ride along in the query."""
    from chalicelib.filing import uploads

    request = bp.current_request
    found = {}
    for field in spec.uploads:
        key = query(request, field)
        if query(request, "upload") == field:
            key = query(request, "key")
        if key and uploads.names_upload(spec, field, key):
            found[field] = key
    return found


@bp.route("/forms/{form}", methods=["POST"], content_types=FORM_BODY)
def form_submit(form: str) -> Response:
    from chalicelib.filing import applicant, submission

    request = bp.current_request
    try:
        spec = get_form(form)
    except UnknownForm as exc:
        return error_page(request, exc)
    posted = form_fields(request)
    step = phone_step.take_step_fields(posted)  # the phone's proof (web/phone_step.py)
    hidden = form_prefill.take_hidden(posted)  # an enterprise's token, a resubmission
    if claim_guide.is_bare(spec, hidden):  # refused, nothing stored: where to file it
        return claim_guide.guide(request, spec, 403)
    idem = posted.pop("idempotency_key", "") or secrets.token_urlsafe(16)
    posted.pop("lang", None)
    lang = lang_of(request)
    if posted.pop("save_draft", ""):
        return _save_draft(spec, posted, hidden, idem)
    data: dict[str, Any] = {k: v for k, v in posted.items() if v != ""}
    try:
        data, vouched = form_prefill.checked(spec, data, hidden, lang)
        fields = spec.validate(data, lang)
        answers = {**posted, **{k: v for k, v in hidden.items() if v}, "idempotency_key": idem}
        proof = phone_step.proof_or_page(
            request, spec, fields.model_dump(mode="json"), answers, step, vouched
        )
        if isinstance(proof, Response):
            return proof  # the code's page, or its refusal
        receipt = submission.submit(  # counted in its transaction, once valid
            spec,
            fields,
            rate_limited=True,
            idempotency_key=idem,
            digest=submission.body_digest(repr(sorted(data.items())).encode()),
            source_ip=source_ip(request),
            lang=lang,
            resubmits=hidden["resubmits"] or None,
        )
    except ValidationFailed as exc:
        return _form(spec, posted, exc.fields, idem, status=400, hidden=hidden)
    except (Forbidden, InvalidTransition, NotFound) as exc:
        return error_page(request, exc, {Forbidden: STATUS_LINK_FULL})
    except RateLimited as exc:
        return error_page(request, exc)
    except DuplicateOpenFiling as exc:
        # Nothing to correct: say which filing is already there and where to turn.
        duplicate = {
            "message": exc.message_en if lang == "en" else exc.message_zh,
            "slip_no": applicant.slip_no_of(exc.filing_id),
            "desk": applicant.help_desk(),
            "sent_to": exc.sent_to,  # its contact was sent its status link
        }
        return _form(spec, posted, {}, idem, status=409, duplicate=duplicate, hidden=hidden)
    return redirect(in_lang(lang, receipt.status_url))


def _save_draft(
    spec: FormSpec, posted: dict[str, str], hidden: dict[str, str], idem: str
) -> Response:
    """保存草稿: the answers kept as typed, the link sent by SMS (filing/drafts.py)."""
    from chalicelib.filing import drafts

    request = bp.current_request
    lang = lang_of(request)
    try:
        admission.admit(request, "draft")
        kept = {**posted, "enterprise_token": hidden.get("enterprise_token", "")}
        link, masked = drafts.save(spec, kept, lang)
    except ValidationFailed as exc:
        return _form(spec, posted, exc.fields, idem, status=400, hidden=hidden)
    except RateLimited as exc:
        return error_page(request, exc)
    return render("draft_saved.html", lang=lang, spec=spec, link=link, masked=masked)


# What a county picker's reload (a GET form, no script) carries on: how the page was
# opened (a draft, the enterprise's page, a worker code, a resubmission).
PAGE_KEYS = ("draft", "enterprise", "token", "employer", "resubmit")


def _picker_keep(values: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k in PAGE_KEYS if (v := query(bp.current_request, k))}
    if values.get("employer_code") and "employer" not in keep:  # typed, or after a refusal
        keep["employer"] = values["employer_code"]
    return keep


def _form(
    spec: FormSpec,
    values: dict[str, str],
    errors: dict[str, str],
    idem: str,
    status: int = 200,
    duplicate: dict[str, Any] | None = None,
    hidden: dict[str, str] | None = None,
) -> Response:
    lang = lang_of(bp.current_request)
    schema = spec.json_schema()
    required = set(schema.get("required", []))
    labels = spec.labels(lang)
    fields = [
        field_view(name, prop, labels.get(name, name), name in required, values, errors, lang)
        for name, prop in schema["properties"].items()
    ]
    fields = form_prefill.fields_for(spec, fields, values, errors, lang, hidden or {})
    try:
        upload_forms = _upload_forms(spec, values, labels, lang, hidden or {})
    except RateLimited as exc:  # the page's presigned forms count as uploads do
        return error_page(bp.current_request, exc)
    response = render(
        "form.html",
        status,
        spec=spec,
        fields=fields,
        errors=errors,
        idem=idem,
        lang=lang,
        summary=[(f["name"], f["label"], errors[f["name"]]) for f in fields if f["name"] in errors],
        form_error=errors.get("_form") or errors.get("_body"),
        switch_url=switch_url(f"/forms/{spec.id}", lang),
        uploads=upload_forms,
        duplicate=duplicate,
        hidden={k: v for k, v in (hidden or {}).items() if v},
        can_save_draft=spec.applicant_phone_field is not None,
        picker_keep=_picker_keep(values),
    )
    if upload_forms:
        # The upload forms post to the bucket: the one origin the page may post to
        # besides its own.
        target = urlsplit(upload_forms[0]["post"].url)
        origin = f"{target.scheme}://{target.netloc}"
        response.headers["Content-Security-Policy"] = CSP.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def _upload_forms(
    spec: FormSpec,
    values: dict[str, str],
    labels: dict[str, str],
    lang: str,
    hidden: dict[str, str],
) -> list[dict[str, Any]]:
    """One small form per upload field, posting the file straight to S3 (a presigned
    POST), which brings the browser back here with the key; the keys already uploaded
    ride along in the address, so that one upload does not forget another. Each form is
    a presigned POST, counted against the client's window as `POST /api/uploads` is
    (one update for the page; RateLimited when it has no room)."""
    from chalicelib.filing import uploads

    if spec.uploads:
        admission.admit(bp.current_request, "upload", hits=len(spec.uploads))
    found = []
    for field, upload in spec.uploads.items():
        kept = {k: v for k, v in values.items() if k in spec.uploads and k != field and v}
        params = {**kept, "upload": field, **({"lang": "en"} if lang == "en" else {})}
        if hidden.get("enterprise_token"):  # back on the enterprise's own form (issue 14)
            params["enterprise"] = values.get("enterprise_filing_id", "")
            params["token"] = hidden["enterprise_token"]
        redirect = f"{links.public_base()}/forms/{spec.id}?{urlencode(params)}"
        found.append(
            {
                "name": field,
                "label": labels.get(field, field),
                "key": values.get(field, ""),
                "post": uploads.presign_for_page(spec, field, redirect),
                "types": [(t, uploads.TYPE_NAMES.get(t, t)) for t in upload.types],
                "max_mb": upload.max_bytes // (1024 * 1024),
            }
        )
    return found


@bp.route("/filings/{filing_id}", methods=["GET"])
def status_page(filing_id: str) -> Response:
    from chalicelib.documents.qr import qr_svg
    from chalicelib.filing import applicant, observation

    request = bp.current_request
    token = query(request, "token")
    try:
        admission.admit(request, "status")
        filing = applicant.get_for_applicant(filing_id, token)
    except DomainError as exc:
        return error_page(request, exc, {Forbidden: STATUS_LINK_FULL})
    spec = get_form(filing.form)
    lang = lang_of(request)
    view = in_language(applicant.status_view(filing), spec.workflow, lang)
    status_url = links.status_url(filing.filing_id)
    steps = {step["id"]: step["status"] for step in view["steps"]}
    labels = spec.labels(lang)
    # The applicant's own answers, unmasked: whoever holds the status link filed them.
    answers = [
        (labels.get(k, k), shown_value(spec.model, k, v, lang))
        for k, v in filing.data.items()
        if k not in spec.uploads
    ]
    return render(
        "status.html",
        token=token,
        view=view,
        spec=spec,
        lang=lang,
        status_url=status_url,
        switch_url=switch_url(f"/filings/{filing.filing_id}?token={token}", lang),
        qr=qr_svg(status_url, translate(lang, "本页链接的二维码")),
        upcoming=applicant.next_steps(spec, filing.filing_id, filing.status, steps),
        today=china_today().isoformat(),
        can_withdraw=filing.status in OPEN_OR_APPROVED,
        ended=filing.status not in ACTIVE,
        answers=answers,
        pickup=applicant.pickup(filing) if filing.form == "supplies-order" else None,
        **status_more.context(filing, token or "", lang),  # issue 14's block
        observation=observation.view(filing),  # issue 17's days of observation
    )


@bp.route("/filings/{filing_id}/started", methods=["POST"], content_types=FORM_BODY)
def report_start(filing_id: str) -> Response:
    """An approved enterprise reports its start of work from its status page."""
    from chalicelib.filing import applicant

    request = bp.current_request
    posted = form_fields(request)
    try:
        applicant.report_start(
            filing_id,
            query(request, "token"),
            posted.get("started_on") or china_today().isoformat(),
            source_ip(request),
        )
    except DomainError as exc:
        return error_page(request, exc, START_REFUSED)
    return redirect(in_lang(lang_of(request), links.status_url(filing_id)))


@bp.route("/filings/{filing_id}/withdraw", methods=["GET"])
def withdraw_page(filing_id: str) -> Response:
    """What a withdrawal ends, spelt out, before the button that does it."""
    from chalicelib.filing import applicant

    request = bp.current_request
    token = query(request, "token")
    try:
        filing = applicant.get_for_applicant(filing_id, token)
    except DomainError as exc:
        return error_page(request, exc, {Forbidden: STATUS_LINK_FULL})
    lang = lang_of(request)
    if filing.status not in OPEN_OR_APPROVED:
        return error_page(request, FilingClosed(filing_id), WITHDRAWAL_REFUSED)
    return render(
        "withdraw.html",
        lang=lang,
        filing=filing,
        spec=get_form(filing.form),
        token=token,
        back=in_lang(lang, links.status_url(filing_id)),
        switch_url=switch_url(f"/filings/{filing_id}/withdraw?token={token}", lang),
    )


@bp.route("/filings/{filing_id}/withdraw", methods=["POST"], content_types=FORM_BODY)
def withdraw(filing_id: str) -> Response:
    from chalicelib.filing import applicant

    request = bp.current_request
    token = query(request, "token")
    if form_fields(request).get("confirmed") != "yes":  # only the confirmation page withdraws
        path = f"/filings/{filing_id}/withdraw?token={token}"
        return redirect(in_lang(lang_of(request), f"{links.public_base()}{path}"))
    try:
        applicant.withdraw(filing_id, token, source_ip(request))
    except DomainError as exc:
        return error_page(request, exc, WITHDRAWAL_REFUSED)
    return redirect(in_lang(lang_of(request), links.status_url(filing_id)))


@bp.route("/filings/{filing_id}/documents/{kind}", methods=["GET"])
def document(filing_id: str, kind: str) -> Response:
    from chalicelib.filing import applicant

    request = bp.current_request
    try:
        filing = applicant.get_for_applicant(filing_id, query(request, "token"))
        key = applicant.document_key(filing, kind)
    except DomainError as exc:
        return error_page(request, exc, DOCUMENT_REFUSED)
    # A name that says what it is once saved: 20200210-7KQ3M-回执.pdf
    title = translate(lang_of(request), DOCUMENT_TITLES.get(kind, kind))
    return redirect(s3.download_url(key, f"{filing.slip_no}-{title}.pdf"), 302)
