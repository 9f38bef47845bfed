"""Staff pages behind a signed staff link, under /dashboard: the dashboard, each form's
exports and the towns' stock of supplies (the JSON calls are chalicelib/web/api.py's)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.core.clock import china_today, utcnow
from chalicelib.core.errors import (
    BadCursor,
    DomainError,
    Forbidden,
    Gone,
    NotFound,
    UnknownForm,
    ValidationFailed,
)
from chalicelib.core.i18n import N_
from chalicelib.forms import all_forms, get_form
from chalicelib.store import audit, s3
from chalicelib.web.pages import Said, error_page, message, render
from chalicelib.web.request import FORM_BODY, form_fields, lang_of, query, source_ip, switch_url
from chalicelib.web.responses import redirect

if TYPE_CHECKING:
    from chalicelib.staff import access

bp = Blueprint(__name__)

# What the staff pages say in their own words (pages.PAGE_ERRORS says the rest).
STAFF_LINK = {
    Gone: Said(
        410, N_("链接已过期"), N_("这个工作台链接已过期。"), N_("请向区三服务办索取新的链接。")
    ),
    Forbidden: Said(
        403, N_("链接无效"), N_("这个工作台链接不完整或被改动过，请完整打开发给您的链接。")
    ),
}
BAD_CURSOR = Said(
    400,
    N_("翻页链接无效"),
    N_("这个翻页链接不完整、被改动过、已过期或属于另一个工作台链接，未予处理。"),
)
NO_SUCH_EXPORT = Said(404, N_("没有这个表单"), N_("请从工作台选择导出。"))
NOT_YOUR_STOCK = Said(403, N_("无权设置"), N_("此链接只能设置本镇街的库存。"))


def _claim(token: str | None) -> access.StaffClaim | Response:
    from chalicelib.staff import access

    try:
        return access.use_staff_token(token)
    except DomainError as exc:
        return error_page(bp.current_request, exc, STAFF_LINK)


@bp.route("/", methods=["GET"])
def show() -> Response:
    from chalicelib.filing import stock
    from chalicelib.staff import dashboard, rechecks, risk_maps, supervision_figures, waiting

    token = query(bp.current_request, "token")
    claim = _claim(token)
    if isinstance(claim, Response):
        return claim
    lang = lang_of(bp.current_request)
    first = f"/dashboard?token={quote(token or '')}"
    in_lang = "&lang=en" if lang == "en" else ""
    cursor = query(bp.current_request, "cursor")
    try:  # a forged cursor is refused before anything is read or recorded
        after = waiting.read_cursor(claim, cursor)
    except BadCursor:
        return render(
            "message.html",
            BAD_CURSOR.status,
            lang=lang,
            title=BAD_CURSOR.title,
            text=BAD_CURSOR.text,
            back_url=f"{first}{in_lang}#pending",
            back_text=N_("回到待审核队列第一页"),
        )
    _seen(claim, "dashboard", "queue: a later page" if after else "")
    d = dashboard.build(claim, utcnow(), after)
    here = f"{first}&cursor={quote(cursor or '')}" if after else first
    return render(
        "dashboard.html",
        lang=lang,
        switch_url=switch_url(here, lang),
        d=d,
        queue_next_url=f"{first}&cursor={quote(d.queue_next)}{in_lang}#pending"
        if d.queue_next
        else None,
        queue_first_url=f"{first}{in_lang}#pending" if after else None,
        token=token,
        forms=all_forms(),
        stock_items=stock.ITEMS,
        **risk_maps.dashboard_block(),  # the county risk map (templates/dashboard_risk_map.html)
        supervision=supervision_figures.by_town(claim, china_today()),  # issue 17
        rechecks=rechecks.by_version(claim),  # the risk maps' re-checks (dashboard_rechecks.html)
    )


@bp.route("/exports/{name}", methods=["GET"])
def export(name: str) -> Response:
    """Form `name`'s filings in the link's towns: ?format=csv (default) or xlsx."""
    from chalicelib.staff import exports

    request = bp.current_request
    claim = _claim(query(request, "token"))
    if isinstance(claim, Response):
        return claim
    try:
        spec = get_form(name)
    except UnknownForm as exc:
        return error_page(request, exc, {UnknownForm: NO_SUCH_EXPORT})
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


@bp.route("/stock", methods=["POST"], content_types=FORM_BODY)
def set_stock_page() -> Response:
    """The dashboard's stock form: blank fields keep their level; back to the dashboard."""
    from chalicelib.filing import stock

    token = query(bp.current_request, "token")
    claim = _claim(token)
    if isinstance(claim, Response):
        return claim
    posted = form_fields(bp.current_request)
    lang = lang_of(bp.current_request)
    try:
        town = claim.stock_town(posted.pop("town", ""))
        filled = {k: v for k, v in posted.items() if k in stock.ITEMS and v.strip()}
        stock.set_levels(town, stock.parse_levels(filled, lang), claim.name)
    except ValidationFailed as exc:
        from chalicelib.forms.messages import BODY  # pydantic: only when a level is refused

        english = lang == "en"
        colon, semicolon = (": ", "; ") if english else ("：", "；")
        text = semicolon.join(
            (
                ""
                if name == BODY
                else (stock.ITEMS[name].name_en if english else stock.ITEMS[name].name) + colon
            )
            + said
            for name, said in exc.fields.items()
            if name == BODY or name in stock.ITEMS
        )
        return message(
            bp.current_request, 400, title=N_("库存未更新"), text=text or N_("请检查填写的数量。")
        )
    except (Forbidden, NotFound) as exc:
        return error_page(bp.current_request, exc, {DomainError: NOT_YOUR_STOCK})
    return redirect(f"/dashboard?token={quote(token or '')}#stock")


def _seen(claim: access.StaffClaim, action: str, detail: str) -> None:
    """Who opened the dashboard or took an export, when and from where."""
    subject = audit.staff_subject(claim.role, claim.scope)
    audit.record(subject, action, claim.name, source_ip(bp.current_request), detail)
