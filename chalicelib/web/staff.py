"""Staff pages behind a signed staff link: the dashboard, and each form's exports."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import audit, dashboard, exports, staff
from chalicelib.errors import DomainError, Forbidden, Gone
from chalicelib.forms import all_forms, get_form
from chalicelib.ids import utcnow
from chalicelib.web.pages import query, render, source_ip
from chalicelib.web.responses import SECURITY_HEADERS

bp = Blueprint(__name__)


def _claim(token: str | None) -> staff.StaffClaim | Response:
    try:
        return staff.read_staff_token(token)
    except Gone:
        return render(
            "message.html",
            410,
            title="链接已过期",
            text="这个工作台链接已过期。",
            more="请向区三服务办索取新的链接。",
        )
    except Forbidden:
        return render(
            "message.html",
            403,
            title="链接无效",
            text="这个工作台链接不完整或被改动过，请完整打开发给您的链接。",
        )


@bp.route("/dashboard", methods=["GET"])
def show() -> Response:
    token = query(bp.current_request, "token")
    claim = _claim(token)
    if isinstance(claim, Response):
        return claim
    _seen(claim, "dashboard", "")
    return render(
        "dashboard.html", d=dashboard.build(claim, utcnow()), token=token, forms=all_forms()
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
        return render("message.html", 404, title="没有这个表单", text="请从工作台选择导出。")
    content: str | bytes
    _seen(claim, f"export:{spec.id}", query(request, "format") or "csv")
    if query(request, "format") == "xlsx":
        # Binary: API Gateway passes it as such when the request accepts it (*/* does).
        content, kind, ext = exports.to_xlsx(spec, claim), exports.XLSX, "xlsx"
    else:
        content, kind, ext = exports.to_csv(spec, claim), "text/csv; charset=utf-8", "csv"
    return Response(
        body=content,
        status_code=200,
        headers={
            **SECURITY_HEADERS,
            "Content-Type": kind,
            "Content-Disposition": f'attachment; filename="{spec.id}.{ext}"',
        },
    )


def _seen(claim: staff.StaffClaim, action: str, detail: str) -> None:
    """Who opened the dashboard or took an export, when and from where."""
    audit.record(
        audit.staff_subject(claim.role, claim.scope),
        action,
        f"{claim.role}:{claim.scope}",
        source_ip(bp.current_request),
        detail,
    )
