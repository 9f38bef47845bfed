"""The public pages without JavaScript: a form posted with an error comes back with the
error beside its field and the typed values kept; a good one leads to the slip."""

from __future__ import annotations

from urllib.parse import urlencode

from chalicelib.store.models import Filing
from tests.support.phones import with_page_proof
from tests.support.stack import Stack, enterprise

FORM = "/forms/enterprise-resumption"


def post_form(stack: Stack, fields: dict[str, object]) -> object:
    return stack.client.http.post(
        FORM,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(
            {k: v for k, v in with_page_proof(stack, FORM, fields).items() if v is not False}
        ).encode(),
    )


def as_form(**changes: object) -> dict[str, object]:
    fields = {k: ("true" if v is True else v) for k, v in enterprise(**changes).items()}
    fields["idempotency_key"] = "page-1"
    return fields


def test_every_form_renders_every_field_with_a_label(stack: Stack) -> None:
    for form, field in [("enterprise-resumption", "uscc"), ("worker-return", "id_number")]:
        page = stack.client.http.get(f"/forms/{form}")
        assert page.status_code == 200
        html = page.body.decode()
        assert f'<label for="f-{field}">' in html and f'id="f-{field}"' in html
    assert stack.client.http.get("/forms/nope").status_code == 404
    home = stack.client.http.get("/").body.decode()
    assert "企业复工备案" in home and "人员返婺登记" in home


def test_an_error_is_shown_beside_its_field_with_the_values_kept(stack: Stack) -> None:
    answer = post_form(stack, as_form(uscc="91330702MA2D000001", contact_name="王小五"))
    assert answer.status_code == 400
    html = answer.body.decode()
    assert 'id="error-summary"' in html
    assert 'aria-invalid="true" aria-describedby="e-uscc"' in html
    assert "统一社会信用代码校验位不正确" in html
    assert 'value="王小五"' in html  # what the person typed stays
    assert Filing.count() == 0


def test_a_good_form_leads_to_its_slip_and_a_double_submit_files_once(stack: Stack) -> None:
    answer = post_form(stack, as_form())
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert "/filings/" in location and "token=" in location
    again = post_form(stack, as_form())  # the same page submitted twice
    assert again.headers["Location"] == location
    assert Filing.count() == 1
    slip = stack.client.http.get(location.removeprefix("http://jiafuwu.test"))
    assert slip.status_code == 200 and "回执编号" in slip.body.decode()
