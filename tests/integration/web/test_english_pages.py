"""The pages in English (?lang=en), from the gettext catalogue: a person who reads no
Chinese files, meets an error, reaches the slip, and a checkpoint verifies, all in
English; the language follows each link the pages lead to."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from chalicelib import links
from chalicelib.forms import get_form
from chalicelib.store.models import Filing
from tests.support.phones import with_page_proof
from tests.support.stack import Stack, approved_enterprise, enterprise

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
    """What a reader sees: the page without its tags, attributes and the towns' <option>s
    (towns are proper names, shown as the registry writes them)."""
    html = re.sub(r'<option value="[^"]*(镇|乡|街道)"[^>]*>[^<]*</option>', "", html)
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


FULL_WIDTH = re.compile("[：；，。（）]")


def test_choices_and_punctuation_read_in_english(stack: Stack) -> None:
    # GIVEN a reader of English opening forms whose choices are stored in Chinese (the
    # enterprise's own forms from its status page, as it files them)
    employer = approved_enterprise(stack)
    own = f"enterprise={employer}&token={links.status_token(employer)}"
    # (its details are shown as filed, in Chinese: they are not the page's words)
    details = [str(v) for v in Filing.get(employer).data.values() if isinstance(v, str)]
    for path, words in (
        (FORM, ("Manufacturing", "Wholesale and retail trade", "Other")),
        ("/forms/service-request", ("Labour", "Funding", "Urgent", "Most urgent")),
        ("/forms/support-subsidy", ("Rent", "Recruitment")),
        ("/forms/charter-subsidy", ("Hubei", "Inner Mongolia", "Guizhou")),
    ):
        query = "lang=en" if path == FORM else f"{own}&lang=en"
        page = stack.client.http.get(f"{path}?{query}").body.decode()
        # THEN every option reads in English, while the value sent stays the stored Chinese
        for word in words:
            assert f">{word}</option>" in page, (path, word)
        assert '<option value="制造业"' in page or path != FORM
        # (the Chinese title is shown once beside the English one, and the language switch)
        title = get_form(path.removeprefix("/forms/")).title
        shown = text_of(page).replace(title, "").replace("中文", "")
        for value in details:
            shown = shown.replace(value, "")
        seen = HAN.findall(shown)
        assert not seen, (path, "".join(seen))
    # WHEN the English form is sent with mistakes
    wrong = post_form(stack, f"{FORM}?lang=en", {**enterprise(uscc="91330702MA2D000001")})
    summary = re.search(r"<ul>(.*?)</ul>", wrong.body.decode(), re.S)
    # THEN the summary reads "Label: message", with English punctuation
    assert summary and ": " in summary.group(1)
    assert not FULL_WIDTH.search(text_of(summary.group(1)))


def test_a_refused_stock_level_is_said_in_english(stack: Stack) -> None:
    from chalicelib.staff import access

    # GIVEN a town office's dashboard in English
    token = access.staff_token("town_office", "白龙桥镇")
    # WHEN a level that is not a whole number is sent
    bad = stack.client.http.post(
        f"/dashboard/stock?token={token}&lang=en",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"town": "白龙桥镇", "masks": "-5", "disinfectant": "x"}).encode(),
    )
    # THEN the page names each item and its error in English, English punctuation between
    assert bad.status_code == 400
    text = text_of(bad.body.decode())
    assert "Masks: " in text and "Disinfectant: " in text and "; " in text
    assert not FULL_WIDTH.search(text)
