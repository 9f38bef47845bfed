"""Rendering pages: a Jinja2 environment per language, autoescaped, built on first use;
texts are translated through the gettext catalogues of chalicelib/core/i18n.py. And the
one table from domain errors to the pages that explain them (as chalicelib/web/
responses.py is the one table from domain errors to JSON answers)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from chalice import Response
from chalice.app import Request

from chalicelib.core import errors
from chalicelib.core.clock import china_time
from chalicelib.core.i18n import N_, translate, translations
from chalicelib.core.workflow import STATUS_LABELS, STATUSES
from chalicelib.web.request import lang_of
from chalicelib.web.responses import html_response


@functools.cache
def _env(lang: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("chalicelib", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: _() and {% trans %} escape and format like the rest of the template
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["china_time"] = _china_time
    # a filing's status as people read it, in the page's language: {{ status | status_words }}
    env.filters["status_words"] = lambda status: translate(
        lang, STATUS_LABELS.get(status) or status
    )
    env.globals["STATUSES"] = STATUSES
    return env


def _china_time(iso: str) -> str:
    """An ISO timestamp as people in Jinhua read it."""
    return china_time(datetime.fromisoformat(iso))


def render(template: str, status: int = 200, lang: str = "zh", **context: Any) -> Response:
    """The page in its language; texts passed in from Python are translated in the
    template (they are marked with N_ where they are written)."""
    page = _env(lang).get_template(template).render(lang=lang, **context)
    return html_response(page, status)


def message(
    request: Request,
    status: int,
    title: str,
    text: str,
    more: str = "",
    switch_url: str | None = None,
) -> Response:
    """A page that says what went wrong and what to do, in the request's language: the
    texts are the Chinese as written (marked with N_), translated by the template."""
    return render(
        "message.html",
        status,
        lang=lang_of(request),
        title=title,
        text=text,
        more=more,
        switch_url=switch_url,
    )


class Said(NamedTuple):
    """What a page says of a refusal: its status, title and text (Chinese, marked with
    N_), and what to do next. A text may name the error's figures (`%(seconds)s`)."""

    status: int
    title: str
    text: str
    more: str = ""


# Every domain error as a page, most specific first; a route says it in its own words
# where its context knows better (an approval link, a staff link), in `error_page`.
PAGE_ERRORS: list[tuple[type[errors.DomainError], Said]] = [
    (errors.ValidationFailed, Said(400, N_("输入有误"), N_("请检查填写的内容后重新提交。"))),
    (errors.ReasonRequired, Said(400, N_("须填写理由"), N_("驳回或退回时须填写理由。"))),
    (
        errors.Forbidden,
        Said(403, N_("链接无效"), N_("链接不完整或被改动过，请完整打开发给您的链接。")),
    ),
    (errors.UnknownForm, Said(404, N_("没有这个表单"), N_("请从首页选择要办理的事项。"))),
    (errors.NotFound, Said(404, N_("没有这件申请"), N_("请核对链接。"))),
    (errors.Gone, Said(410, N_("链接已失效"), N_("此链接已过期或已使用。"))),
    (
        errors.PayloadTooLarge,
        Said(413, N_("提交内容过大"), N_("提交的内容超过%(kib)s KiB的上限，未予处理。")),
    ),
    (
        errors.RateLimited,
        Said(
            429,
            N_("提交过于频繁"),
            N_("同一网络提交过于频繁，请%(seconds)s秒后返回重新提交。"),
        ),
    ),
    (errors.DomainError, Said(409, N_("无法办理"), N_("该申请当前不能执行此操作。"))),
]

# The figures an error's text may name.
_FIGURES: dict[type[errors.DomainError], Callable[[Any], dict[str, object]]] = {
    errors.PayloadTooLarge: lambda exc: {"kib": exc.limit // 1024},
    errors.RateLimited: lambda exc: {"seconds": exc.retry_after},
}


def said_of(exc: errors.DomainError, own: Mapping[type[errors.DomainError], Said]) -> Said:
    for table in (list(own.items()), PAGE_ERRORS):
        for cls, said in table:
            if isinstance(exc, cls):
                return said
    raise AssertionError("DomainError is the table's last row")  # pragma: no cover


# A limit on anything but submissions says so in its own words (a checkpoint scanning,
# an applicant reloading).
TOO_MANY_CALLS = Said(
    429, N_("请求过于频繁"), N_("同一网络的请求过于频繁，请%(seconds)s秒后再试。")
)


def error_page(
    request: Request,
    exc: errors.DomainError,
    own: Mapping[type[errors.DomainError], Said] | None = None,
    switch_url: str | None = None,
) -> Response:
    """The page for a refusal: the route's own words for its context (`own`, by error
    class, most specific first), else the table's. A rate limit says when to come back."""
    said = said_of(exc, own or {})
    if isinstance(exc, errors.RateLimited) and exc.kind != "submission":
        said = TOO_MANY_CALLS
    text = said.text
    figures = next((f(exc) for cls, f in _FIGURES.items() if isinstance(exc, cls)), None)
    if figures:
        text = translate(lang_of(request), text) % figures
    page = message(request, said.status, said.title, text, said.more, switch_url)
    if isinstance(exc, errors.RateLimited):
        page.headers["Retry-After"] = str(exc.retry_after)
    return page
