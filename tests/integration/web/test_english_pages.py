"""The pages in English (?lang=en), from the gettext catalogue: a person who reads no
Chinese files, meets an error, reaches the slip, and a checkpoint verifies, all in
English; the language follows each link the pages lead to."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from tests.support.phones import with_page_proof
from tests.support.stack import Stack, enterprise

FORM = "/forms/enterprise-resumption"
HAN = re.compile(r"[\u4e00-\u9fff]")


def post_form(stack: Stack, path: str, fields: dict[str, object]) -> object:
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(
            {
                k: ("true" if v is True else v)
                for k, v in with_page_proof(stack, path, fields).items()
            }
        ).encode(),
    )


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags, attributes and <option>s (the
    towns and industries are values the form sends, and stay as the registry writes them)."""
    html = re.sub(r"<option[^>]*>[^<]*</option>", "", html)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_home_page_and_a_form_are_in_english(stack: Stack) -> None:
    home = stack.client.http.get("/?lang=en").body.decode()
    assert '<html lang="en">' in home
    assert "Services online" in home and "Back to work · online · zero trips" in home
    assert f'href="{FORM}?lang=en"' in home  # the form opens in English too
    page = stack.client.http.get(f"{FORM}?lang=en").body.decode()
    assert "As on the business licence" in page  # a hint, from the form's declaration
    assert ">Submit</button>" in page
    assert f'action="{FORM}?lang=en"' in page
    # the Chinese title is shown once beside the English one, and the language switch
    seen = HAN.findall(text_of(page).replace("企业复工备案", "").replace("中文", ""))
    assert not seen, "".join(seen)


def test_an_english_error_and_the_slip_it_leads_to(stack: Stack) -> None:
    fields = {**enterprise(uscc="91330702MA2D000001"), "idempotency_key": "en-1"}
    wrong = post_form(stack, f"{FORM}?lang=en", fields)
    assert wrong.status_code == 400
    html = wrong.body.decode()
    assert "Please correct the following and submit again" in html
    assert "check digit" in html.lower()  # the field's message, in English
    good = post_form(stack, f"{FORM}?lang=en", {**enterprise(), "idempotency_key": "en-2"})
    assert good.status_code == 303
    location = good.headers["Location"]
    assert location.endswith("&lang=en")  # the slip opens in the language filed in
    slip = stack.client.http.get(location.removeprefix("http://jiafuwu.test")).body.decode()
    assert "Slip number" in slip and "Progress" in slip and "Withdraw" in slip
    assert "回执编号" not in slip


def test_a_missing_form_and_an_unknown_document_answer_in_english(stack: Stack) -> None:
    missing = stack.client.http.get("/forms/nope?lang=en")
    assert missing.status_code == 404
    assert "No such form" in missing.body.decode()
    unknown = stack.client.http.get("/verify/NOPE?lang=en")
    assert unknown.status_code == 404
    body = unknown.body.decode()
    assert "No such document" in body and "beware of forgeries" in body
    chinese = stack.client.http.get("/verify/NOPE").body.decode()
    assert "查无此证" in chinese and 'href="/verify/NOPE?lang=en"' in chinese


def test_the_approver_page_and_the_dashboard_in_english(stack: Stack) -> None:
    import json

    from chalicelib.settings import get_settings
    from chalicelib.staff import access

    filing_id = json.loads(stack.submit(enterprise(serial=81)).body)["filing_id"]
    stack.pump()
    link = stack.link("town", filing_id).removeprefix("http://jiafuwu.test")
    page = stack.client.http.get(f"{link}?lang=en").body.decode()
    assert "Work-resumption filing" in page or "Enterprise work-resumption filing" in page
    assert ">Approve</button>" in page and ">Reject</button>" in page
    assert "(shown to you only)" in page  # the contact's phone, whole, for this approver
    assert f'action="{link}?lang=en"' in page  # the decision keeps the language
    assert "中文" in page and f'href="{link}"' in page  # and the way back to Chinese
    rejected = stack.client.http.post(
        f"{link}?lang=en",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=b"decision=reject&comment=",
    )
    assert rejected.status_code == 400
    assert "Rejecting or sending back needs a reason" in rejected.body.decode()

    token = access.staff_token("district_office", get_settings().district_scope)
    board = stack.client.http.get(f"/dashboard?token={token}&lang=en").body.decode()
    for english in ("Work-resumption dashboard", "Applications by town", "By town", "Exports"):
        assert english in board, english
    assert "工作台" not in text_of(board)
