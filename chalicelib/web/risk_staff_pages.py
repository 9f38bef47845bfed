"""The dashboard's risk map form, under /dashboard: the district office pastes a new map
(CSV or JSON) without script; a refused one is a 400 page naming every problem, with
nothing stored."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.core import risk
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import DomainError, Forbidden
from chalicelib.core.i18n import N_, translate
from chalicelib.web.pages import Said, error_page, message
from chalicelib.web.request import FORM_BODY, form_fields, lang_of, query, source_ip
from chalicelib.web.responses import redirect
from chalicelib.web.staff_pages import STAFF_LINK

bp = Blueprint(__name__)

NOT_THE_DISTRICT = Said(403, N_("无权发布"), N_("只有区三服务办可以发布风险地图。"))


@bp.route("/risk-maps", methods=["POST"], content_types=FORM_BODY)
def upload_page() -> Response:
    from chalicelib.staff import access
    from chalicelib.staff import risk_maps as staff_maps

    request = bp.current_request
    token = query(request, "token")
    try:
        claim = access.use_staff_token(token)
    except DomainError as exc:
        return error_page(request, exc, STAFF_LINK)
    posted = form_fields(request)
    kind = "json" if posted.get("format") == "json" else "csv"
    try:
        staff_maps.upload(
            claim, posted.get("content", "").encode(), kind, utcnow(), source_ip(request)
        )
    except Forbidden as exc:
        return error_page(request, exc, {Forbidden: NOT_THE_DISTRICT})
    except risk.MapRefused as exc:
        lang = lang_of(request)
        text = "；".join(
            f"{where}：{translate(lang, said)}" for where, said in exc.problems.items()
        )
        return message(request, 400, title=N_("风险地图未发布"), text=text)
    lang = "&lang=en" if lang_of(request) == "en" else ""
    return redirect(f"/dashboard?token={quote(token or '')}{lang}#risk-map")
