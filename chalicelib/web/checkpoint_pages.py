"""Checkpoints: /verify/{code} says whether a document is valid, with minimal data."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.core.errors import NotFound, RateLimited
from chalicelib.core.i18n import N_
from chalicelib.documents import verify
from chalicelib.web import limits
from chalicelib.web.pages import Said, error_page, render
from chalicelib.web.request import lang_of, switch_url, wants_json
from chalicelib.web.responses import json_error, json_response

bp = Blueprint(__name__)
NO_SUCH_DOCUMENT = Said(404, N_("查无此证"), N_("没有这个编号的证明，请核对或谨防伪造。"))


@bp.route("/{code}", methods=["GET"])
def verify_page(code: str) -> Response:
    request = bp.current_request
    lang = lang_of(request)
    switch = switch_url(f"/verify/{quote(code)}", lang)
    try:
        limits.admit(request, "verify")
        result = verify.check(code)
    except RateLimited as exc:
        return json_error(exc) if wants_json(request) else error_page(request, exc)
    except NotFound as exc:
        if wants_json(request):
            return json_error(exc)
        return error_page(request, exc, {NotFound: NO_SUCH_DOCUMENT}, switch_url=switch)
    if wants_json(request):
        return json_response(result.as_json())
    return render("verify.html", lang=lang, switch_url=switch, r=result)
