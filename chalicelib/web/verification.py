"""Checkpoints: /verify/{code} says whether a document is valid, with minimal data."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import verify
from chalicelib.errors import NotFound
from chalicelib.web.pages import render, wants_json
from chalicelib.web.responses import json_error, json_response

bp = Blueprint(__name__)


@bp.route("/verify/{code}", methods=["GET"])
def verify_page(code: str) -> Response:
    request = bp.current_request
    try:
        result = verify.check(code)
    except NotFound as exc:
        if wants_json(request):
            return json_error(exc)
        return render(
            "message.html", 404, title="查无此证", text="没有这个编号的证明，请核对或谨防伪造。"
        )
    if wants_json(request):
        return json_response(result.as_json())
    return render("verify.html", r=result)
