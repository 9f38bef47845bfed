"""The pages' second step, without script: a valid form is not stored until the phone it
names is proven. The first POST sends an SMS code and answers a page that carries every
answer in hidden fields and asks for the code; the second POST (with `phone_code`)
redeems it, and the submission goes on with the proof, kept in a hidden field
(`phone_proof`) should the form come back for a correction."""

from __future__ import annotations

from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib.core.errors import CodeRefused, RateLimited
from chalicelib.core.i18n import translate
from chalicelib.core.privacy import mask_phone
from chalicelib.forms import FormSpec
from chalicelib.web.pages import error_page, render
from chalicelib.web.request import lang_of, source_ip

STEP_FIELDS = ("phone_proof", "phone_code", "phone_resend")


def take_step_fields(posted: dict[str, str]) -> dict[str, str]:
    """The step's own fields, taken out of the posted answers."""
    return {name: posted.pop(name, "") for name in STEP_FIELDS}


def proof_or_page(
    request: Request,
    spec: FormSpec,
    data: dict[str, Any],
    answers: dict[str, str],
    step: dict[str, str],
    vouched: set[str] | None = None,
) -> str | Response | None:
    """The proof for the filing's phone, or the page that asks for its code. None: the
    form names no phone (nothing to prove)."""
    from chalicelib.filing import phone_proofs, worker_codes

    phone = phone_proofs.phone_of(spec, data)
    if spec.applicant_phone_field is None or phone is None:
        return None
    if phone_proofs.proven_phone(step["phone_proof"], phone_proofs.FILING) == phone:
        return step["phone_proof"]
    lang = lang_of(request)
    confirm = []
    if "employer_filing_id" in (vouched or set()):  # named by its worker code: shown by name
        name = worker_codes.employer_name(str(data["employer_filing_id"]))
        confirm.append((translate(lang, "用工企业"), name))
    if step["phone_code"] and not step["phone_resend"]:
        try:
            proof, _ = phone_proofs.verify(phone, phone_proofs.FILING, step["phone_code"])
        except CodeRefused as exc:
            error = translate(lang, phone_proofs.refusal_words(exc))
            return _page(spec, answers, phone, lang, confirm, error=error, status=400)
        return proof
    try:
        phone_proofs.send_code(phone, phone_proofs.FILING, source_ip(request))
    except RateLimited as exc:
        if exc.kind != "phone_code":
            return error_page(request, exc)
        # the code sent less than a minute ago is still good: ask for it
        return _page(spec, answers, phone, lang, confirm, wait=exc.retry_after)
    return _page(spec, answers, phone, lang, confirm)


def _page(
    spec: FormSpec,
    answers: dict[str, str],
    phone: str,
    lang: str,
    confirm: list[tuple[str, str]],
    error: str = "",
    wait: int = 0,
    status: int = 200,
) -> Response:
    return render(
        "phone_step.html",
        status,
        lang=lang,
        spec=spec,
        answers=answers,
        masked=mask_phone(phone),
        confirm=confirm,
        error=error,
        wait=wait,
    )
