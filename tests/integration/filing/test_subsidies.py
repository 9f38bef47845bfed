"""The subsidy claims on moto: the passenger list uploaded through a presigned POST, the
charter claim through the commerce office and finance (the approved amount set, never
above the claim, stated by the notice PDF), one claim per trip; the support claim
through town and district, its category's limit refused at submission."""

from __future__ import annotations

import json
import subprocess

import pytest

from chalicelib import links
from chalicelib.store.models import Filing, Task
from tests.support.claims import (
    CSV,
    PDF,
    bucket,
    decide,
    policy_of,
    post_page,
    presign,
    upload,
)
from tests.support.phones import with_page_proof
from tests.support.risk_maps import csv_map
from tests.support.risk_maps import upload as upload_map
from tests.support.stack import Stack, approved_enterprise
from tests.support.subsidies import ANSHUN, PASSENGERS, ZUNYI, charter, support

CHARTERS = "/api/filings/charter-subsidy"
SUPPORT = "/api/filings/support-subsidy"


def pdf_text(stack: Stack, filing_id: str, kind: str) -> str:
    code = Filing.get(filing_id).document_codes()[kind]
    key = f"documents/{filing_id}/{kind}-{code}.pdf"
    pdf = stack.s3.get_object(Bucket=bucket(), Key=key)["Body"].read()
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# --- the presigned upload ------------------------------------------------------------------


def test_an_upload_is_presigned_for_its_field_type_and_size(stack: Stack) -> None:
    # GIVEN the charter form's passenger list WHEN a CSV upload is asked for
    answer = presign(stack, "charter-subsidy", "passenger_list", CSV)
    # THEN a presigned POST answers, for a new key under the form's and field's prefix
    assert answer.status_code == 201
    post = json.loads(answer.body)
    assert post["key"].startswith("uploads/charter-subsidy/passenger_list/")
    assert post["key"].endswith(".csv")
    assert post["max_bytes"] == 5 * 1024 * 1024
    # AND its policy binds the bucket, that key, that type and at most 5 MB
    conditions = policy_of(post)["conditions"]
    assert {"bucket": bucket()} in conditions
    assert {"key": post["key"]} in conditions
    assert {"Content-Type": CSV} in conditions
    assert ["content-length-range", 1, 5 * 1024 * 1024] in conditions
    assert post["fields"]["Content-Type"] == CSV


@pytest.mark.parametrize(
    ("form", "field", "content_type", "named"),
    [
        ("charter-subsidy", "passenger_list", "text/html", "content_type"),
        ("charter-subsidy", "passenger_list", "image/png", "content_type"),
        ("charter-subsidy", "cost", CSV, "field"),
        ("enterprise-resumption", "uscc", CSV, "field"),
    ],
)
def test_an_upload_of_a_type_or_field_the_form_does_not_take_is_refused(
    stack: Stack, form: str, field: str, content_type: str, named: str
) -> None:
    answer = presign(stack, form, field, content_type)
    assert answer.status_code == 400
    assert list(json.loads(answer.body)["fields"]) == [named]


def test_a_claim_naming_a_file_never_uploaded_or_uploaded_elsewhere_is_refused(
    stack: Stack,
) -> None:
    # GIVEN an approved enterprise, and a file uploaded for the support form
    enterprise_id = approved_enterprise(stack)
    other = upload(stack, "support-subsidy", "supporting_file", b"%PDF-1.4", PDF)
    never = "uploads/charter-subsidy/passenger_list/" + "0" * 32 + ".csv"
    before = stack.item_count()
    for key in (never, other):
        # WHEN a charter claim names it THEN it is refused naming the field, nothing stored
        answer = stack.post_json(CHARTERS, charter(enterprise_id, key))
        assert answer.status_code == 400
        assert json.loads(answer.body)["fields"] == {
            "passenger_list": "未找到上传的文件，请重新上传"
        }
    assert stack.item_count() == before


def test_a_file_stored_with_another_type_than_the_fields_is_refused_at_submission(
    stack: Stack,
) -> None:
    # GIVEN a file POSTed with a type the policy would refuse (moto does not enforce
    # POST policies, S3 does: this is the second line of defence)
    enterprise_id = approved_enterprise(stack)
    post = json.loads(presign(stack, "charter-subsidy", "passenger_list", CSV).body)
    stack.s3.put_object(Bucket=bucket(), Key=post["key"], Body=b"<html>", ContentType="text/html")
    # WHEN the claim names it THEN it is refused naming the field
    answer = stack.post_json(CHARTERS, charter(enterprise_id, post["key"]))
    assert answer.status_code == 400
    assert list(json.loads(answer.body)["fields"]) == ["passenger_list"]


@pytest.mark.parametrize(
    ("declared", "body"),
    [
        (CSV, b"<!DOCTYPE html><html><script>alert(document.cookie)</script>"),
        (CSV, b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        (CSV, b"%PDF-1.4 a PDF sent as a passenger list"),
    ],
    ids=["html-as-csv", "svg-as-csv", "pdf-as-csv"],
)
def test_a_file_whose_content_is_not_its_declared_type_is_refused(
    stack: Stack, declared: str, body: bytes
) -> None:
    # GIVEN a file stored under the field's own type, its content something else
    enterprise_id = approved_enterprise(stack)
    post = json.loads(presign(stack, "charter-subsidy", "passenger_list", declared).body)
    stack.s3.put_object(Bucket=bucket(), Key=post["key"], Body=body, ContentType=declared)
    stored = stack.item_count()
    # WHEN the claim names it THEN 400 naming the field, from its first bytes; nothing stored
    answer = stack.post_json(CHARTERS, charter(enterprise_id, post["key"]))
    assert answer.status_code == 400
    assert list(json.loads(answer.body)["fields"]) == ["passenger_list"]
    assert stack.item_count() == stored


def test_an_upload_is_downloaded_only_as_an_attachment(stack: Stack) -> None:
    from urllib.parse import parse_qs, urlparse

    from chalicelib.store import s3

    url = s3.upload_download_url("uploads/charter-subsidy/passenger_list/x.csv", "list.csv")
    query = parse_qs(urlparse(url).query)
    assert query["response-content-disposition"] == ["attachment; filename=list.csv"]
    assert query["response-content-type"] == ["application/octet-stream"]


# --- the charter claim's life --------------------------------------------------------------


def test_a_charter_claim_goes_through_commerce_and_finance_to_a_notice_of_its_amount(
    stack: Stack,
) -> None:
    # GIVEN an approved enterprise and its passenger list uploaded
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    # WHEN it claims its charter
    answer = stack.post_json(CHARTERS, charter(enterprise_id, key))
    assert answer.status_code == 201, answer.body
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()
    # THEN the district commerce office is sent a link, and approves
    commerce = stack.link("commerce", filing_id)
    assert Task.get(filing_id, "commerce").role == "commerce_office"
    assert decide(stack, commerce, "approve", "材料齐全").status_code == 200
    stack.pump()
    # AND finance's page asks for the approved amount
    finance = stack.link("finance", filing_id)
    page = stack.client.http.get(finance).body.decode()
    assert 'name="approved_amount"' in page and 'inputmode="decimal"' in page
    assert "核定并通过" in page
    # WHEN finance approves more than was claimed THEN it is refused, inline, naming it
    refused = post_page(stack, finance, decision="approve", approved_amount="48000.51")
    assert refused.status_code == 400
    assert "核定金额不能超过申请金额（48000.50元）" in refused.body.decode()
    assert 'aria-invalid="true"' in refused.body.decode()
    as_json = decide(stack, finance, "approve", approved_amount="50000")
    assert as_json.status_code == 400
    assert list(json.loads(as_json.body)["fields"]) == ["approved_amount"]
    # AND without an amount, refused too; the link is still open
    assert decide(stack, finance, "approve").status_code == 400
    assert Task.get(filing_id, "finance").status == "open"
    # WHEN finance approves 45000 yuan
    assert decide(stack, finance, "approve", approved_amount="45000").status_code == 200
    stack.pump()
    # THEN the claim is approved with that amount stored as its output
    filing = Filing.get(filing_id)
    assert filing.status == "approved"
    assert filing.output("finance", "approved_amount") == "45000.00"
    # AND the notice (a PDF) states it
    text = pdf_text(stack, filing_id, "notice")
    assert "核定补助金额 45000.00 元" in text
    assert "48000.50" in text  # the claim beside it
    # AND the status page shows the amount in the finance step
    token = links.status_token(filing_id)
    status = json.loads(stack.client.http.get(f"/api/filings/{filing_id}?token={token}").body)
    finance_step = next(s for s in status["steps"] if s["id"] == "finance")
    assert finance_step["outputs"] == [["核定金额（元）", "45000.00"]]
    assert "notice" in [d["kind"] for d in status["documents"]]


def test_the_same_trip_claimed_twice_is_refused_naming_the_first(stack: Stack) -> None:
    # GIVEN a charter claimed once
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    first = json.loads(stack.post_json(CHARTERS, charter(enterprise_id, key)).body)["filing_id"]
    # WHEN the same enterprise claims the same day and origin again (another vehicle)
    again = stack.post_json(CHARTERS, charter(enterprise_id, key, vehicle="贵G99999"))
    # THEN it is refused, 409, naming the first claim
    assert again.status_code == 409
    body = json.loads(again.body)
    assert body["slip_no"] == Filing.get(first).slip_no and first not in again.body.decode()
    assert "这趟包车已申请过补助" in body["message"]
    # AND another day, or another origin, is another trip
    other_day = charter(enterprise_id, key, travel_date="2020-02-21")
    assert stack.post_json(CHARTERS, other_day).status_code == 201
    other_city = charter(enterprise_id, key, origin_code=ZUNYI)
    assert stack.post_json(CHARTERS, other_city).status_code == 201


def test_a_claim_by_an_enterprise_not_yet_approved_is_refused(stack: Stack) -> None:
    from tests.support.stack import enterprise

    pending = json.loads(stack.submit(enterprise(serial=9)).body)["filing_id"]
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    answer = stack.post_json(CHARTERS, charter(pending, key))
    assert answer.status_code == 400
    assert list(json.loads(answer.body)["fields"]) == ["enterprise_filing_id"]


def test_a_claim_in_another_town_than_the_enterprises_is_refused_naming_town(
    stack: Stack,
) -> None:
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "support-subsidy", "supporting_file", b"%PDF-1.4", PDF)
    answer = stack.post_json(SUPPORT, support(enterprise_id, key, town="罗店镇"))
    assert answer.status_code == 400
    assert json.loads(answer.body)["fields"] == {"town": "须与企业复工备案的所在镇（乡、街道）一致"}


def test_an_ineligible_charter_is_refused_naming_each_rule(stack: Stack) -> None:
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    before = stack.item_count()
    # WHEN a charter from Yiwu (Jinhua city) with 200 passengers is claimed
    answer = stack.post_json(
        CHARTERS, charter(enterprise_id, key, origin_code="330782", passengers=200)
    )
    # THEN both rules are named, nothing stored
    assert answer.status_code == 400
    assert set(json.loads(answer.body)["fields"]) == {"origin_code", "passengers"}
    assert stack.item_count() == before


# --- the origin's level: the map in force, its charter rule ---------------------------------


def test_a_charter_is_judged_by_the_map_in_force_and_records_its_version(stack: Stack) -> None:
    # GIVEN an approved enterprise and a map on which Anshun's 西秀区 is low
    enterprise_id = approved_enterprise(stack)
    version = json.loads(upload_map(stack, csv_map({ANSHUN: "low"})).body)["version"]
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    # WHEN an old client claims, still sending a typed level (of the first contract)
    answer = stack.post_json(CHARTERS, charter(enterprise_id, key, origin_risk="高风险"))
    # THEN it is taken: the typed level discarded, the map's level and version recorded
    assert answer.status_code == 201, answer.body
    filing = Filing.get(json.loads(answer.body)["filing_id"])
    assert filing.data["origin_risk"] == "low"
    assert (filing.data["origin_province"], filing.data["origin_city"]) == ("贵州省", "安顺市")
    assert filing.outputs["risk"] == {
        "version": version,
        "county": ANSHUN,
        "level": "low",
        "isolation_first": False,
    }


@pytest.mark.parametrize(("level", "lang"), [("medium_low", "zh"), ("high", "en")])
def test_a_charter_from_a_level_the_charter_rule_refuses_is_400_nothing_stored(
    stack: Stack, level: str, lang: str
) -> None:
    # GIVEN a map on which Anshun's 西秀区 is above low (the builtin rule accepts only low)
    enterprise_id = approved_enterprise(stack)
    assert upload_map(stack, csv_map({ANSHUN: level})).status_code == 201
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    before = stack.item_count()
    # WHEN a charter from there is claimed, even with "低风险" typed
    body = charter(enterprise_id, key, origin_risk="低风险")
    answer = stack.post_json(CHARTERS, body, **{"Accept-Language": lang})
    # THEN it is refused naming the origin, the level in the reader's words, nothing stored
    assert answer.status_code == 400
    said = json.loads(answer.body)["fields"]
    if lang == "en":
        assert said == {
            "origin_code": "The county of origin's current risk level (High risk) "
            "is not covered by the charter subsidy"
        }
    else:
        assert said == {"origin_code": "出发地区县当前风险等级（较低风险）不在包车（专列）补助范围"}
    assert stack.item_count() == before


def test_the_maps_charter_rule_is_data_a_new_version_widens_it(stack: Stack) -> None:
    # GIVEN a map whose charter rule accepts medium, on which Anshun's 西秀区 is medium
    enterprise_id = approved_enterprise(stack)
    rules = {"charter_accepts": ["low", "medium"]}
    assert upload_map(stack, {"counties": {ANSHUN: "medium"}, "rules": rules}).status_code == 201
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    # WHEN a charter from there is claimed THEN it is taken, its level medium
    answer = stack.post_json(CHARTERS, charter(enterprise_id, key))
    assert answer.status_code == 201, answer.body
    assert Filing.get(json.loads(answer.body)["filing_id"]).data["origin_risk"] == "medium"


# --- the support claim's life --------------------------------------------------------------


def test_a_support_claim_goes_through_town_and_district_to_a_notice_of_its_amount(
    stack: Stack,
) -> None:
    # GIVEN an approved enterprise and its receipt uploaded (a PDF)
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "support-subsidy", "supporting_file", b"%PDF-1.4 receipt", PDF)
    # WHEN it claims 12000 yuan of epidemic supplies
    answer = stack.post_json(SUPPORT, support(enterprise_id, key))
    assert answer.status_code == 201, answer.body
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()
    # THEN the town approves, then the district sets 10000.50
    assert decide(stack, stack.link("town", filing_id), "approve").status_code == 200
    stack.pump()
    district = stack.link("district", filing_id)
    over = decide(stack, district, "approve", approved_amount="12000.01")
    assert json.loads(over.body)["fields"] == {
        "approved_amount": "核定金额不能超过申请金额（12000.00元）"
    }
    assert decide(stack, district, "approve", approved_amount="10000.5").status_code == 200
    stack.pump()
    # AND the claim is approved, the notice stating 10000.50 yuan
    assert Filing.get(filing_id).status == "approved"
    assert "核定补助金额 10000.50 元" in pdf_text(stack, filing_id, "notice")


def test_a_decisions_outputs_read_in_the_pages_language(stack: Stack) -> None:
    # GIVEN a support claim whose district office set its amount (its label stored as the
    # decider saw it, in Chinese)
    enterprise_id = approved_enterprise(stack, serial=44)
    key = upload(stack, "support-subsidy", "supporting_file", b"%PDF-1.4 receipt", PDF)
    answer = stack.post_json(SUPPORT, support(enterprise_id, key))
    filing_id = json.loads(answer.body)["filing_id"]
    stack.pump()
    assert decide(stack, stack.link("town", filing_id), "approve").status_code == 200
    stack.pump()
    district = stack.link("district", filing_id)
    assert decide(stack, district, "approve", approved_amount="9000").status_code == 200
    stack.pump()
    status = f"/filings/{filing_id}?token={links.status_token(filing_id)}"
    # WHEN the applicant reads the status page in English THEN the output's label is English
    english = stack.client.http.get(f"{status}&lang=en").body.decode()
    assert "Approved amount (yuan)" in english and "9000.00" in english
    assert "核定金额" not in english
    # AND in Chinese it reads as the decider wrote it
    assert "核定金额（元）" in stack.client.http.get(status).body.decode()


def test_a_support_claim_above_its_category_limit_is_refused_naming_amount(
    stack: Stack,
) -> None:
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "support-subsidy", "supporting_file", b"%PDF-1.4", PDF)
    answer = stack.post_json(SUPPORT, support(enterprise_id, key, category="招工", amount="30001"))
    assert answer.status_code == 400
    assert json.loads(answer.body)["fields"] == {"amount": "招工补助每家企业最多30000元"}


def test_a_rejected_claim_sets_no_amount_and_issues_no_notice(stack: Stack) -> None:
    enterprise_id = approved_enterprise(stack)
    key = upload(stack, "support-subsidy", "supporting_file", b"%PDF-1.4", PDF)
    filing_id = json.loads(stack.post_json(SUPPORT, support(enterprise_id, key)).body)["filing_id"]
    stack.pump()
    assert decide(stack, stack.link("town", filing_id), "approve").status_code == 200
    stack.pump()
    # WHEN the district rejects it (its amount field left empty) THEN that is accepted
    assert decide(stack, stack.link("district", filing_id), "reject", "发票不符").status_code == 200
    stack.pump()
    filing = Filing.get(filing_id)
    assert filing.status == "rejected"
    assert filing.output("district", "approved_amount") is None
    assert filing.document_codes().keys() == {"slip"}


# --- the form page's own upload, without script ---------------------------------------------


def test_the_form_page_uploads_its_file_straight_to_s3_and_submits_the_claim(
    stack: Stack,
) -> None:
    import re
    from urllib.parse import urlencode, urlsplit

    import requests

    # GIVEN an approved enterprise WHEN it opens the charter form from its status page
    enterprise_id = approved_enterprise(stack)
    token = links.status_token(enterprise_id)
    page = stack.client.http.get(f"/forms/charter-subsidy?enterprise={enterprise_id}&token={token}")
    html = page.body.decode()
    # THEN the page has an upload form posting to the bucket, which its CSP allows
    action = re.search(r'<form method="post" action="([^"]+)" enctype="multipart/form-data">', html)
    assert action is not None
    url = action.group(1).replace("&amp;", "&")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    assert f"form-action 'self' {origin}" in page.headers["Content-Security-Policy"]
    assert "请先在上方上传" in html
    upload_form = html.split('enctype="multipart/form-data">')[1].split("</form>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', upload_form))
    post = {k: v.replace("&amp;", "&") for k, v in hidden.items() if k != "idempotency_key"}
    post.pop("passenger_list", None)  # the main form's hidden key, still empty
    # WHEN the browser posts the file there, its type chosen from the list
    sent = requests.post(
        url,
        data={**post, "Content-Type": CSV},
        files={"file": ("名单.csv", PASSENGERS)},
        allow_redirects=False,
        timeout=10,
    )
    # THEN S3 sends it back to the form with the key
    assert sent.status_code == 303
    back = sent.headers["Location"].removeprefix("http://jiafuwu.test")
    assert back.startswith("/forms/charter-subsidy?")
    html = stack.client.http.get(back).body.decode()
    key = re.search(r'name="passenger_list" value="([^"]+)"', html)
    assert key is not None and key.group(1).startswith("uploads/charter-subsidy/passenger_list/")
    assert "已上传" in html and f'name="enterprise_token" value="{token}"' in html
    # AND the form, filled in with that key, submits the claim with the enterprise's token
    body = {k: str(v) for k, v in charter(enterprise_id, key.group(1)).items()}
    body = with_page_proof(stack, "/forms/charter-subsidy", {**body, "enterprise_token": token})
    submitted = stack.client.http.post(
        "/forms/charter-subsidy",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(body).encode(),
    )
    assert submitted.status_code == 303, submitted.body.decode()[:2000]
    filing_id = urlsplit(submitted.headers["Location"]).path.rsplit("/", 1)[-1]
    claim = Filing.get(filing_id)
    assert (claim.form, claim.data["passenger_list"]) == ("charter-subsidy", key.group(1))


def test_a_key_in_the_address_that_is_not_this_fields_upload_is_ignored(stack: Stack) -> None:
    # GIVEN the enterprise's own charter form (a bare one only says where it is filed)
    employer = approved_enterprise(stack)
    own = f"enterprise={employer}&token={links.status_token(employer)}"
    html = stack.client.http.get(
        f"/forms/charter-subsidy?{own}&upload=passenger_list"
        "&key=uploads/support-subsidy/supporting_file/x.pdf"
    ).body.decode()
    assert 'name="passenger_list" value=""' in html
