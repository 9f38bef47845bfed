"""Staff pages behind a signed staff link: the dashboard, each form's exports, the
statistics (`GET /api/stats`) and the towns' stock of supplies."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, unquote

from chalice import Blueprint, Response

from chalicelib.core.clock import utcnow
from chalicelib.core.errors import DomainError, Forbidden, Gone, NotFound, ValidationFailed
from chalicelib.core.i18n import N_
from chalicelib.core.towns import is_town
from chalicelib.filing import stock
from chalicelib.forms import all_forms, get_form
from chalicelib.staff import access, dashboard, exports, statistics
from chalicelib.store import audit, s3
from chalicelib.web.api import ANY_BODY
from chalicelib.web.pages import body, header, lang_of, message, query, render, source_ip
from chalicelib.web.responses import api_errors, json_response, redirect

bp = Blueprint(__name__)


def _claim(token: str | None) -> access.StaffClaim | Response:
    try:
        return access.read_staff_token(token)
    except Gone:
        return message(
            bp.current_request,
            410,
            title=N_("链接已过期"),
            text=N_("这个工作台链接已过期。"),
            more=N_("请向区三服务办索取新的链接。"),
        )
    except Forbidden:
        return message(
            bp.current_request,
            403,
            title=N_("链接无效"),
            text=N_("这个工作台链接不完整或被改动过，请完整打开发给您的链接。"),
        )


@bp.route("/dashboard", methods=["GET"])
def show() -> Response:
    token = query(bp.current_request, "token")
    claim = _claim(token)
    if isinstance(claim, Response):
        return claim
    _seen(claim, "dashboard", "")
    lang = lang_of(bp.current_request)
    return render(
        "dashboard.html",
        lang=lang,
        switch_url=f"/dashboard?token={quote(token or '')}" + ("" if lang == "en" else "&lang=en"),
        d=dashboard.build(claim, utcnow()),
        token=token,
        forms=all_forms(),
        stock_items=stock.ITEMS,
    )


@bp.route("/dashboard/exports/{name}", methods=["GET"])
def export(name: str) -> Response:
    """Form `name`'s filings in the link's towns: ?format=csv (default) or xlsx."""
    request = bp.current_request
    claim = _claim(query(request, "token"))
    if isinstance(claim, Response):
        return claim
    try:
        spec = get_form(name)
    except DomainError:
        return message(request, 404, title=N_("没有这个表单"), text=N_("请从工作台选择导出。"))
    _seen(claim, f"export:{spec.id}", query(request, "format") or "csv")
    if query(request, "format") == "xlsx":
        content, kind, ext = exports.to_xlsx(spec, claim), exports.XLSX, "xlsx"
    else:
        text = exports.to_csv(spec, claim)
        content, kind, ext = text.encode("utf-8"), "text/csv; charset=utf-8", "csv"
    # Through S3, not in the answer: API Gateway and Lambda cap an answer at 10 and 6 MB,
    # and a binary one needs API Gateway's binary media types. The file stays a day (the
    # bucket's `exports` rule); the address is good for a minute.
    key = s3.export_key(spec.id, ext)
    s3.put(key, content, kind)
    url = s3.download_url(
        key, f"{spec.id}.{ext}", seconds=60, content_type=kind, disposition="attachment"
    )
    return redirect(url, 303)


def _api_claim() -> access.StaffClaim:
    """The staff link of a JSON call: `?token=` as the pages take it, or
    `Authorization: Bearer <token>`; Forbidden or Gone (answered 403 or 410)."""
    request = bp.current_request
    bearer = header(request, "authorization")
    token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None
    return access.read_staff_token(token or query(request, "token"))


@bp.route("/api/stats", methods=["GET"])
@api_errors
def stats() -> Response:
    """The link's towns: filings, the drive's figures, each form's figures, the stock."""
    return json_response(statistics.summary(_api_claim()))


@bp.route("/api/stock/{town}", methods=["PUT"], content_types=ANY_BODY)
@api_errors
def set_stock(town: str) -> Response:
    """Set a town's levels, `{"masks": 3000, "disinfectant": 1000, "thermometers": 100}`
    (any of them): a town's office its own town, the district office any town."""
    claim = _api_claim()
    # API Gateway may hand the path's Chinese on percent-encoded; a town has no "%".
    checked = _stock_town(claim, unquote(town))
    request = bp.current_request
    try:
        sent = json.loads(body(request) or b"null")
    except ValueError:
        sent = None
    levels = stock.parse_levels(sent, lang_of(request))
    now = stock.set_levels(checked, levels, _staff_name(claim))
    return json_response({"town": checked, "stock": now})


@bp.route("/dashboard/stock", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def set_stock_page() -> Response:
    """The dashboard's stock form: blank fields keep their level; back to the dashboard."""
    token = query(bp.current_request, "token")
    claim = _claim(token)
    if isinstance(claim, Response):
        return claim
    posted = {k: v[-1] for k, v in parse_qs(body(bp.current_request).decode()).items()}
    try:
        town = _stock_town(claim, posted.pop("town", ""))
        filled = {k: v for k, v in posted.items() if k in stock.ITEMS and v.strip()}
        stock.set_levels(town, stock.parse_levels(filled), _staff_name(claim))
    except ValidationFailed as exc:
        from chalicelib.forms.messages import BODY  # pydantic: only when a level is refused

        text = "；".join(
            ("" if name == BODY else f"{stock.ITEMS[name].name}：") + message
            for name, message in exc.fields.items()
            if name == BODY or name in stock.ITEMS
        )
        return message(
            bp.current_request, 400, title=N_("库存未更新"), text=text or N_("请检查填写的数量。")
        )
    except (Forbidden, NotFound):
        return message(
            bp.current_request, 403, title=N_("无权设置"), text=N_("此链接只能设置本镇街的库存。")
        )
    return redirect(f"/dashboard?token={quote(token or '')}#stock")


def _stock_town(claim: access.StaffClaim, town: str) -> str:
    if not is_town(town):
        raise NotFound(town)
    if not claim.covers(town):
        raise Forbidden(f"{claim.scope} may not set {town}'s stock")
    return town


def _staff_name(claim: access.StaffClaim) -> str:
    return f"{claim.role}:{claim.scope}"


def _seen(claim: access.StaffClaim, action: str, detail: str) -> None:
    """Who opened the dashboard or took an export, when and from where."""
    audit.record(
        audit.staff_subject(claim.role, claim.scope),
        action,
        f"{claim.role}:{claim.scope}",
        source_ip(bp.current_request),
        detail,
    )
