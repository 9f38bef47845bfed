"""Checkpoints: /verify/{code} says whether a document is valid, with minimal data."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.core.errors import NotFound
from chalicelib.core.i18n import N_
from chalicelib.documents import verify
from chalicelib.web.pages import lang_of, message, render, wants_json
from chalicelib.web.responses import json_error, json_response

bp = Blueprint(__name__)


@bp.route("/verify/{code}", methods=["GET"])
def verify_page(code: str) -> Response:
    request = bp.current_request
    lang = lang_of(request)
    switch = f"/verify/{quote(code)}" + ("" if lang == "en" else "?lang=en")
    try:
        result = verify.check(code)
    except NotFound as exc:
        if wants_json(request):
            return json_error(exc)
        return message(
            request,
            404,
            title=N_("查无此证"),
            text=N_("没有这个编号的证明，请核对或谨防伪造。"),
            switch_url=switch,
        )
    if wants_json(request):
        return json_response(result.as_json())
    return render("verify.html", lang=lang, switch_url=switch, r=result)
