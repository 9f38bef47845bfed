"""A JSON call's staff link, read one way for every staff API route: `?token=` as the
pages take it, or `Authorization: Bearer <token>`; Forbidden or Gone (answered 403 or
410); a link on the revocation list refused. A call carrying both is refused unless both
are good: a bad credential is never outvoted by a good one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Request

from chalicelib.web.request import header, query

if TYPE_CHECKING:
    from chalicelib.staff import access


def staff_claim(request: Request) -> access.StaffClaim:
    from chalicelib.staff import access

    bearer = header(request, "authorization")
    token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None
    sent = [t for t in (token, query(request, "token")) if t]
    claims = [access.use_staff_token(t) for t in sent] or [access.use_staff_token(None)]
    return claims[0]
