"""Each kind of bad input is answered as the contract says, with nothing written to
DynamoDB or S3 (counted before and after)."""

from __future__ import annotations

import json

import pytest

from tests.support.stack import Stack, enterprise

PATH = "/api/filings/enterprise-resumption"


@pytest.mark.parametrize(
    "body,fields",
    [
        (enterprise(uscc="91330702MA2D000001"), {"uscc"}),
        (enterprise(town="金东区"), {"town"}),
        (enterprise(contact_phone="0579-1234567"), {"contact_phone"}),
        (enterprise(employees_returned=121), {"employees_returned"}),
        (enterprise(commitment=False), {"commitment"}),
        (enterprise(planned_start_date="2020/02/10"), {"planned_start_date"}),
        (
            enterprise(enterprise_name="A", masks=-1, contact_email="not-an-email"),
            {"enterprise_name", "masks", "contact_email"},
        ),
        ({k: v for k, v in enterprise().items() if k != "address"}, {"address"}),
        (enterprise(surprise="field"), {"surprise"}),
    ],
)
def test_invalid_fields_are_all_named_and_nothing_is_stored(
    stack: Stack,
    body: dict,
    fields: set[str],  # type: ignore[type-arg]
) -> None:
    before = stack.item_count()
    answer = stack.submit(body)
    assert answer.status_code == 400
    problem = json.loads(answer.body)
    assert problem["error"] == "validation_error"
    assert set(problem["fields"]) == fields
    assert all(problem["fields"].values())
    assert stack.item_count() == before


def test_messages_are_chinese_by_default_and_english_on_request(stack: Stack) -> None:
    bad = enterprise(commitment=False)
    chinese = json.loads(stack.submit(bad).body)["fields"]["commitment"]
    english = json.loads(stack.submit(bad, **{"Accept-Language": "en-US,en"}).body)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    assert english["fields"]["commitment"].isascii()


@pytest.mark.parametrize(
    "raw,content_type,status",
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"null", "application/json", 400),
        (json.dumps(enterprise()).encode(), "text/plain", 415),
        (b"enterprise_name=x", "application/x-www-form-urlencoded", 415),
        (json.dumps(enterprise(address="x" * 70000)).encode(), "application/json", 413),
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(
    stack: Stack, raw: bytes, content_type: str, status: int
) -> None:
    before = stack.item_count()
    answer = stack.client.http.post(PATH, headers={"Content-Type": content_type}, body=raw)
    assert answer.status_code == status
    assert stack.item_count() == before


def test_an_unknown_form_is_404(stack: Stack) -> None:
    before = stack.item_count()
    answer = stack.post_json("/api/filings/no-such-form", enterprise())
    assert answer.status_code == 404
    assert json.loads(answer.body)["error"] == "unknown_form"
    assert stack.client.http.get("/api/forms/no-such-form").status_code == 404
    assert stack.item_count() == before


def test_the_catalogue_serves_each_forms_schema(stack: Stack) -> None:
    forms = json.loads(stack.client.http.get("/api/forms").body)
    ours = next(f for f in forms if f["id"] == "enterprise-resumption")
    assert [s["id"] for s in ours["steps"]] == ["town", "district"]
    assert "uscc" in ours["schema"]["properties"]
    one = json.loads(stack.client.http.get("/api/forms/enterprise-resumption").body)
    assert one == ours


def test_the_outbox_exists_only_in_the_local_stage(stack: Stack) -> None:
    from chalice.test import Client

    from app import app
    from chalicelib.settings import get_settings

    assert stack.client.http.get("/dev/outbox").status_code == 200
    with Client(app, stage_name="dev") as dev:
        get_settings.cache_clear()  # read again under the dev stage's environment
        assert dev.http.get("/dev/outbox").status_code == 404
    get_settings.cache_clear()
