"""Pages for the public: the forms, filling one in, a filing's slip and status."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs

from chalice import Blueprint, Response

from chalicelib import filings, links, ratelimit, slips, storage
from chalicelib.errors import (
    DomainError,
    DuplicateOpenFiling,
    Forbidden,
    NotFound,
    RateLimited,
    ValidationFailed,
)
from chalicelib.forms import FormSpec, all_forms, get_form
from chalicelib.ids import utcnow
from chalicelib.web.pages import body, lang_of, query, render, source_ip
from chalicelib.web.responses import redirect

bp = Blueprint(__name__)
FORM_BODY = ["application/x-www-form-urlencoded"]


@bp.route("/", methods=["GET"])
def home() -> Response:
    lang = lang_of(bp.current_request)
    return render("index.html", forms=all_forms(), lang=lang, switch_url=_switch("/", lang))


@bp.route("/forms/{form}", methods=["GET"])
def form_page(form: str) -> Response:
    try:
        spec = get_form(form)
    except DomainError:
        return render("message.html", 404, title="没有这个表单", text="请从首页选择要办理的事项。")
    return _form(spec, {}, {}, secrets.token_urlsafe(16))


@bp.route("/forms/{form}", methods=["POST"], content_types=FORM_BODY)
def form_submit(form: str) -> Response:
    request = bp.current_request
    try:
        spec = get_form(form)
    except DomainError:
        return render("message.html", 404, title="没有这个表单", text="请从首页选择要办理的事项。")
    raw = body(request)
    posted = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    idem = posted.pop("idempotency_key", "") or secrets.token_urlsafe(16)
    posted.pop("lang", None)
    data: dict[str, Any] = {k: v for k, v in posted.items() if v != ""}
    lang = lang_of(request)
    try:
        fields = spec.validate(data, lang)
        ratelimit.admit(source_ip(request), utcnow())  # counted once valid
        receipt = filings.submit(
            spec,
            fields,
            idempotency_key=idem,
            digest=filings.body_digest(repr(sorted(data.items())).encode()),
            source_ip=source_ip(request),
            lang=lang,
        )
    except ValidationFailed as exc:
        return _form(spec, posted, exc.fields, idem, status=400)
    except RateLimited as exc:
        page = render(
            "message.html",
            429,
            title="提交过于频繁",
            text=f"同一网络提交过于频繁，请{exc.retry_after}秒后返回重新提交。",
            more="Too many submissions from this address: please try again shortly.",
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except DuplicateOpenFiling as exc:
        message = f"该企业已有一件办理中的备案（编号 {exc.filing_id}），请勿重复提交。"
        return _form(spec, posted, {"_form": message}, idem, status=409)
    return redirect(receipt.status_url)


def _form(
    spec: FormSpec, values: dict[str, str], errors: dict[str, str], idem: str, status: int = 200
) -> Response:
    lang = lang_of(bp.current_request)
    schema = spec.json_schema()
    required = set(schema.get("required", []))
    labels = spec.labels(lang)
    fields = [
        _field(name, prop, labels.get(name, name), name in required, values, errors)
        for name, prop in schema["properties"].items()
    ]
    return render(
        "form.html",
        status,
        spec=spec,
        fields=fields,
        errors=errors,
        idem=idem,
        lang=lang,
        summary=[(f["name"], f["label"], errors[f["name"]]) for f in fields if f["name"] in errors],
        form_error=errors.get("_form") or errors.get("_body"),
        switch_url=_switch(f"/forms/{spec.id}", lang),
    )


def _switch(path: str, lang: str) -> str:
    """The same page in the other language: Chinese is the default, English asks."""
    return path if lang == "en" else f"{path}?lang=en"


def _field(
    name: str,
    prop: dict[str, Any],
    label: str,
    required: bool,
    values: dict[str, str],
    errors: dict[str, str],
) -> dict[str, Any]:
    prop = _resolve(prop)
    kind = prop.get("type", "string")
    if "enum" in prop:
        widget = "select"
    elif kind == "boolean":
        widget = "checkbox"
    elif kind == "integer":
        widget = "number"
    elif prop.get("format") == "date":
        widget = "date"
    elif prop.get("format") == "email":
        widget = "email"
    elif "phone" in name:
        widget = "tel"
    else:
        widget = "text"
    return {
        "name": name,
        "label": label,
        "hint": prop.get("description", ""),
        "widget": widget,
        "options": prop.get("enum", []),
        "required": required and widget != "checkbox",
        "value": values.get(name, ""),
        "checked": values.get(name, "") in ("on", "true", "1"),
        "error": errors.get(name),
        "min": prop.get("minimum"),
        "max": prop.get("maximum"),
        "maxlength": prop.get("maxLength"),
    }


def _resolve(prop: dict[str, Any]) -> dict[str, Any]:
    """Optional fields come as anyOf [X, null]: the page wants X."""
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return {**option, **{k: v for k, v in prop.items() if k != "anyOf"}}
    return prop


@bp.route("/filings/{filing_id}", methods=["GET"])
def status_page(filing_id: str) -> Response:
    request = bp.current_request
    token = query(request, "token")
    try:
        filing = filings.get_for_applicant(filing_id, token)
    except Forbidden:
        return render(
            "message.html",
            403,
            title="链接无效",
            text="进度链接不正确，请使用短信或回执中的完整链接。",
        )
    except NotFound:
        return render("message.html", 404, title="没有这件申请", text="请核对链接。")
    view = filings.status_view(filing)
    spec = get_form(filing.form)
    lang = lang_of(request)
    status_url = links.status_url(filing.filing_id)
    steps = {step["id"]: step["status"] for step in view["steps"]}
    return render(
        "status.html",
        token=token,
        view=view,
        spec=spec,
        lang=lang,
        status_url=status_url,
        switch_url=f"/filings/{filing.filing_id}?token={token}{'' if lang == 'en' else '&lang=en'}",
        qr=slips.qr_svg(status_url, "本页链接的二维码" if lang != "en" else "QR code of this page"),
        upcoming=slips.next_steps(spec, filing.filing_id, filing.status, steps),
        today=china_today(),
    )


def china_today() -> str:
    from chalicelib.ids import CHINA, utcnow

    return utcnow().astimezone(CHINA).date().isoformat()


@bp.route("/filings/{filing_id}/started", methods=["POST"], content_types=FORM_BODY)
def report_start(filing_id: str) -> Response:
    """An approved enterprise reports its start of work from its status page."""
    request = bp.current_request
    posted = {k: v[-1] for k, v in parse_qs(body(request).decode("utf-8", "replace")).items()}
    try:
        filings.report_start(
            filing_id,
            query(request, "token"),
            posted.get("started_on") or china_today(),
            source_ip(request),
        )
    except Forbidden:
        return render("message.html", 403, title="链接无效", text="进度链接不正确。")
    except NotFound:
        return render("message.html", 404, title="没有这件申请", text="请核对链接。")
    except ValidationFailed:
        return render("message.html", 400, title="日期不正确", text="开工日期格式应为YYYY-MM-DD。")
    except DomainError:
        return render(
            "message.html",
            409,
            title="无法报告开工",
            text="只有已通过备案的企业可以报告开工，且只需报告一次。",
        )
    return redirect(links.status_url(filing_id))


@bp.route("/filings/{filing_id}/withdraw", methods=["POST"], content_types=FORM_BODY)
def withdraw(filing_id: str) -> Response:
    request = bp.current_request
    token = query(request, "token")
    try:
        filings.withdraw(filing_id, token, source_ip(request))
    except Forbidden:
        return render("message.html", 403, title="链接无效", text="进度链接不正确。")
    except NotFound:
        return render("message.html", 404, title="没有这件申请", text="请核对链接。")
    except DomainError:
        return render("message.html", 409, title="无法撤回", text="这件申请已经办结，不能撤回。")
    return redirect(links.status_url(filing_id))


@bp.route("/filings/{filing_id}/documents/{kind}", methods=["GET"])
def document(filing_id: str, kind: str) -> Response:
    token = query(bp.current_request, "token")
    try:
        filing = filings.get_for_applicant(filing_id, token)
        key = filings.document_key(filing, kind)
    except Forbidden:
        return render("message.html", 403, title="链接无效", text="下载链接不正确。")
    except NotFound:
        return render("message.html", 404, title="文件尚未生成", text="请稍后刷新进度页再试。")
    return redirect(storage.download_url(key, f"{kind}.pdf"), 302)


@bp.route("/static/app.css", methods=["GET"])
def stylesheet() -> Response:
    from importlib import resources

    css = resources.files("chalicelib").joinpath("templates/app.css").read_text("utf-8")
    return Response(
        body=css,
        status_code=200,
        headers={
            "Content-Type": "text/css; charset=utf-8",
            "Cache-Control": "public, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        },
    )
