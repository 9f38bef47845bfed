"""Answers: pages with their security headers, JSON, and every domain error mapped
to its HTTP answer in this one place."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from chalice import Response

from chalicelib.core import errors

CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # many of our addresses carry a token
    "Cache-Control": "no-store",
}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            **SECURITY_HEADERS,
            **(headers or {}),
        },
    )


def html_response(body: str, status: int = 200) -> Response:
    return Response(
        body=body,
        status_code=status,
        headers={"Content-Type": "text/html; charset=utf-8", **SECURITY_HEADERS},
    )


def redirect(location: str, status: int = 303) -> Response:
    return Response(body="", status_code=status, headers={"Location": location, **SECURITY_HEADERS})


_ERRORS: list[tuple[type[errors.DomainError], int, str]] = [
    (errors.ValidationFailed, 400, "validation_error"),
    (errors.ReasonRequired, 400, "reason_required"),
    (errors.CodeRefused, 400, "code_refused"),
    (errors.Forbidden, 403, "forbidden"),
    (errors.UnknownForm, 404, "unknown_form"),
    (errors.NotFound, 404, "not_found"),
    (errors.DuplicateOpenFiling, 409, "duplicate_open_filing"),
    (errors.Conflict, 409, "conflict"),
    (errors.TooEarly, 409, "too_early"),
    (errors.HealthHeld, 409, "health_follow_up"),
    (errors.NotCorrectable, 400, "not_correctable"),
    (errors.InvalidTransition, 409, "invalid_transition"),
    (errors.Gone, 410, "gone"),
    (errors.IdempotencyKeyReused, 422, "idempotency_key_reused"),
    (errors.PayloadTooLarge, 413, "payload_too_large"),
    (errors.RateLimited, 429, "rate_limited"),
]


def status_of(exc: errors.DomainError) -> tuple[int, str]:
    for cls, status, code in _ERRORS:
        if isinstance(exc, cls):
            return status, code
    return 400, "bad_request"


def json_error(exc: errors.DomainError) -> Response:
    status, code = status_of(exc)
    body: dict[str, Any] = {"error": code}
    if isinstance(exc, errors.ValidationFailed):
        body["fields"] = exc.fields
    elif isinstance(exc, errors.DuplicateOpenFiling):
        # Never the first filing's id: its slip number, and whom its link was sent to.
        body["slip_no"] = exc.slip_no
        body["sent_to"] = exc.sent_to
        body["message"] = exc.message_zh + (
            f"；进度链接已发送至{exc.sent_to}" if exc.sent_to else ""
        )
    elif isinstance(exc, errors.EnterpriseTokenRequired):
        body["field"] = exc.field
        body["message"] = (
            "此事项由企业从本企业的复工备案进度页办理：请求须在请求头 Enterprise-Token 中"
            "携带该企业的进度令牌（进度链接中的 token），仅凭备案编号不能办理"
        )
    elif isinstance(exc, errors.NotCorrectable):
        body["fields"] = {name: "此项不在补正范围内或未填写意见" for name in exc.fields}
    elif isinstance(exc, errors.TooEarly):
        body["not_before"] = exc.day
        body["message"] = f"抵婺日期（{exc.day}）前不能打卡"
    elif isinstance(exc, errors.CodeRefused):
        # "none" (never sent, used, replaced) reads as "wrong": a caller learns no more
        body["reason"] = "wrong" if exc.reason == "none" else exc.reason
        body["message"] = {
            "expired": "验证码已过期，请重新获取",
            "too_many_tries": "验证码错误次数过多，请重新获取",
        }.get(body["reason"], "验证码不正确，请核对短信或重新获取")
    elif isinstance(exc, errors.Gone):
        body["reason"] = exc.reason
    elif isinstance(exc, errors.PayloadTooLarge):
        body["limit"] = exc.limit
        body["message"] = f"请求内容超过{exc.limit // 1024} KiB的上限，未予处理"
    elif isinstance(exc, errors.RateLimited):
        body["retry_after"] = exc.retry_after
        what = "提交" if exc.kind == "submission" else "请求"
        body["message"] = f"{what}过于频繁，请{exc.retry_after}秒后再试"
        return json_response(body, status, {"Retry-After": str(exc.retry_after)})
    return json_response(body, status)


def api_errors(route: Callable[..., Response]) -> Callable[..., Response]:
    """Domain errors of a JSON route become their answers."""

    @functools.wraps(route)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return route(*args, **kwargs)
        except errors.DomainError as exc:
            return json_error(exc)

    return wrapper
