"""An approved enterprise's worker code for a program, under /api:
`POST /api/filings/{id}/worker-code?token=T` `{"action": "reissue" | "revoke"}` -> 200
`{"worker_code"}` (null once revoked); 403 a wrong token, 409 not an approved enterprise."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core.errors import ValidationFailed
from chalicelib.web.request import ANY_BODY, json_object, query
from chalicelib.web.responses import api_errors, json_response

bp = Blueprint(__name__)


@bp.route("/filings/{name}/worker-code", methods=["POST"], content_types=ANY_BODY)
@api_errors
def worker_code(name: str) -> Response:
    from chalicelib.filing import worker_codes

    request = bp.current_request
    action = json_object(request, empty="{}").get("action", "reissue")
    token = query(request, "token")
    if action == "revoke":
        worker_codes.revoke(name, token)
        return json_response({"worker_code": None})
    if action != "reissue":
        raise ValidationFailed({"action": "须为 reissue 或 revoke"})
    return json_response({"worker_code": worker_codes.reissue(name, token)})
