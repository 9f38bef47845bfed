"""What the applicant's status page adds for this issue, as one block
(templates/status_more.html): an approved enterprise's own forms, filed from here with
its token and its details filled in, and its worker code (员工登记码) with its QR; a
rejected filing's "修改后重新提交"; the filing it corrects."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalicelib import links
from chalicelib.core.i18n import translate
from chalicelib.forms import all_forms
from chalicelib.store.models import Filing


def context(filing: Filing, token: str, lang: str) -> dict[str, Any]:
    return {"more": _more(filing, token, lang)}


def _more(filing: Filing, token: str, lang: str) -> dict[str, Any]:
    from chalicelib.documents.qr import qr_svg
    from chalicelib.filing import applicant, enterprise_key, worker_codes

    more: dict[str, Any] = {"token": token}
    if filing.form == worker_codes.ENTERPRISE_FORM and filing.status == "approved":
        params = {"enterprise": filing.filing_id, "token": token}
        more["enterprise_forms"] = [
            (spec.title_en if lang == "en" else spec.title, f"/forms/{spec.id}?{urlencode(params)}")
            for spec in all_forms()
            if enterprise_key.enterprise_fields(spec) and spec.id != enterprise_key.WORKER_FORM
        ]
        code = worker_codes.current(filing)
        more["worker_code"] = code
        if code:
            url = worker_form_url(code)
            more["worker_url"] = url
            more["worker_qr"] = qr_svg(url, translate(lang, "员工登记码二维码"))
    if filing.status == "rejected":
        params = {"resubmit": filing.filing_id, "token": token}
        more["resubmit_url"] = f"/forms/{filing.form}?{urlencode(params)}"
    if filing.resubmits:
        more["corrects"] = applicant.slip_no_of(filing.resubmits)
    return more


def worker_form_url(code: str) -> str:
    from chalicelib.filing import enterprise_key

    return f"{links.public_base()}/forms/{enterprise_key.WORKER_FORM}?employer={code}"
