"""Staff pages behind a signed staff link: the dashboard, and each form's exports."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import dashboard, exports, staff, storage
from chalicelib.errors import DomainError, Forbidden, Gone
from chalicelib.forms import all_forms, get_form
from chalicelib.ids import utcnow
from chalicelib.web.pages import query, render
from chalicelib.web.responses import redirect

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
    if query(request, "format") == "xlsx":
        content, kind, ext = exports.to_xlsx(spec, claim), exports.XLSX, "xlsx"
    else:
        text = exports.to_csv(spec, claim)
        content, kind, ext = text.encode("utf-8"), "text/csv; charset=utf-8", "csv"
    # Through S3, not in the answer: API Gateway and Lambda cap an answer at 10 and 6 MB,
    # and a binary one needs API Gateway's binary media types. The file stays a day (the
    # bucket's `exports` rule); the address is good for a minute.
    key = storage.export_key(spec.id, ext)
    storage.put_export(key, content, kind)
    url = storage.download_url(
        key, f"{spec.id}.{ext}", seconds=60, content_type=kind, disposition="attachment"
    )
    return redirect(url, 303)
