"""The checkpoints' JSON calls, under /api: the trust list and the revocation list the
scanner page verifies with offline (from their S3 objects, cacheable), and the scans a
checkpoint's device sends from its queue."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.core.clock import utcnow
from chalicelib.web.request import ANY_BODY, header, json_body, query
from chalicelib.web.responses import SECURITY_HEADERS, api_errors, json_response

bp = Blueprint(__name__)

CACHE_SECONDS = 60  # online, a scanner refreshes its lists this often; offline it keeps them


def _cacheable(body: dict[str, Any], etag: str) -> Response:
    """An ETag and a short public cache; a client that has this version gets a 304."""
    cache = {"Cache-Control": f"public, max-age={CACHE_SECONDS}", "ETag": etag}
    if header(bp.current_request, "if-none-match") == etag:
        return Response(body="", status_code=304, headers={**SECURITY_HEADERS, **cache})
    return json_response(body, headers=cache)


@bp.route("/trust-list", methods=["GET"])
@api_errors
def trust_list() -> Response:
    """The seal's public keys by key id, with their periods: ours and the neighbours'."""
    from chalicelib.documents import revocations  # the seal's libraries: these routes only

    return _cacheable(*revocations.trust_list())


@bp.route("/revocations", methods=["GET"])
@api_errors
def revocation_list() -> Response:
    """The signed revocation list, whole or (`?since=V`) what changed after version V."""
    from chalicelib.documents import revocations

    return _cacheable(*revocations.revocations(query(bp.current_request, "since")))


@bp.route("/scans", methods=["POST"], content_types=ANY_BODY)
@api_errors
def post_scans() -> Response:
    """A checkpoint's queued scans (its link's token in `checkpoint`), each stored once."""
    from chalicelib.staff import checkpoints

    posted = json_body(bp.current_request)
    token = posted.get("checkpoint") if isinstance(posted, dict) else None
    recorded = checkpoints.record(token if isinstance(token, str) else None, posted, utcnow())
    return json_response(
        {
            "accepted": recorded.accepted,
            "duplicates": recorded.duplicates,
            "flagged": recorded.flagged,
        }
    )
