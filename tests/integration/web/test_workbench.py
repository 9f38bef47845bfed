"""The officials' workbench over HTTP: sign-in by SMS code, the session cookie and its
revocation, the to-do list in the person's scope with its filters and pages, search by
every key within scope, the read-only view, and reassigning a step. Every refusal is a
clear answer that changes nothing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.staff import access, todo
from chalicelib.store.models import Audit, SearchEntry, Task
from tests.support import workbench as wb
from tests.support.stack import Stack, enterprise

TOWN, OTHER = "白龙桥镇", "罗埠镇"


def filed(stack: Stack, serial: int = 1, **changes: object) -> str:
    answer = stack.submit(enterprise(serial=serial, **changes))
    assert answer.status_code == 201, answer.body
    stack.pump()
    return str(json.loads(answer.body)["filing_id"])


# --- sign-in -------------------------------------------------------------------------


def test_a_directory_mobile_signs_in_with_its_code_and_gets_a_strict_cookie(stack: Stack) -> None:
    phone = wb.town_phone(TOWN)
    # WHEN the office asks for a code THEN an SMS with six digits goes to its mobile
    asked = wb.post_form(stack, "/work/sign-in", {"phone": phone})
    assert asked.status_code == 200 and 'id="code"' in asked.body.decode()
    code = wb.last_code(stack, phone)
    # WHEN it posts the code THEN 303 to /work with the session cookie, locked down
    answer = wb.post_form(stack, "/work/sign-in", {"phone": phone, "code": code})
    assert answer.status_code == 303 and answer.headers["Location"] == "/work"
    cookie = answer.headers["Set-Cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Max-Age=28800", "Path=/"):
        assert flag in cookie
    claim = access.read_session(cookie.split(";")[0].split("=", 1)[1])
    assert (claim.role, claim.scope) == ("town_office", TOWN)
    # AND the sign-in is audited, who and from where
    entries = list(Audit.query(f"staff#town_office#{TOWN}"))
    assert [e.action for e in entries] == ["sign-in"]
    # AND the code works once
    again = wb.post_form(stack, "/work/sign-in", {"phone": phone, "code": code})
    assert again.status_code == 400 and "Set-Cookie" not in again.headers


def test_a_number_outside_the_directory_is_told_the_same_and_sent_nothing(stack: Stack) -> None:
    before = len(stack.outbox())
    answer = wb.post_form(stack, "/work/sign-in", {"phone": "13700000001"})
    assert answer.status_code == 200 and 'id="sent"' in answer.body.decode()
    assert len(stack.outbox()) == before
    refused = wb.post_form(stack, "/work/sign-in", {"phone": "13700000001", "code": "123456"})
    assert refused.status_code == 400 and "Set-Cookie" not in refused.headers


def test_a_wrong_code_or_a_bad_number_opens_nothing(stack: Stack) -> None:
    phone = wb.town_phone(TOWN)
    wb.post_form(stack, "/work/sign-in", {"phone": phone})
    wrong = wb.post_form(stack, "/work/sign-in", {"phone": phone, "code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.body.decode()
    assert "Set-Cookie" not in wrong.headers
    bad = wb.post_form(stack, "/work/sign-in", {"phone": "12345"})
    assert bad.status_code == 400 and "Set-Cookie" not in bad.headers


def test_without_a_session_pages_redirect_and_json_clients_get_401(stack: Stack) -> None:
    for path in ("/work", "/work/search?q=x", "/work/filings/x"):
        assert wb.get(stack, path).status_code == 303
        assert wb.get(stack, path).headers["Location"] == "/work/sign-in"
        assert wb.get(stack, path, Accept="application/json").status_code == 401
    forged = wb.get(stack, "/work", "jf_staff=eyJyIjoiZGlzdHJpY3Rfb2ZmaWNlIn0.x.y")
    assert forged.status_code == 303
    before = stack.item_count()
    assert (
        wb.post_form(stack, "/work/bulk", {"task": "a|b|1", "confirmed": "yes"}).status_code == 303
    )
    assert stack.item_count() == before


def test_signing_out_revokes_the_session_on_its_next_use(stack: Stack) -> None:
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    assert wb.get(stack, "/work", cookie).status_code == 200
    out = wb.post_form(stack, "/work/sign-out", {}, cookie)
    assert out.status_code == 303 and "Max-Age=0" in out.headers["Set-Cookie"]
    # THEN the same cookie, replayed, opens nothing: it is on the revocation list
    assert wb.get(stack, "/work", cookie).status_code == 303


def test_a_revoked_staff_link_is_refused_and_others_keep_working(stack: Stack) -> None:
    kept = access.staff_token("town_office", TOWN)
    revoked = access.staff_token("town_office", TOWN)
    access.revoke(access.read_staff_token(revoked).grant, "区三服务办")
    assert stack.client.http.get(f"/dashboard?token={kept}").status_code == 200
    assert stack.client.http.get(f"/dashboard?token={revoked}").status_code == 403


# --- 待办 ----------------------------------------------------------------------------


def test_the_list_holds_the_scopes_open_steps_with_the_emailed_link(stack: Stack) -> None:
    mine = filed(stack, 1)
    theirs = filed(stack, 2, town=OTHER)
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    answer = wb.get(stack, "/work", cookie, Accept="application/json")
    tasks = json.loads(answer.body)["tasks"]
    # THEN only its own town's step, with the very link the email carried
    assert [(t["filing_id"], t["step"]) for t in tasks] == [(mine, "town")]
    # (signed at another moment: the same filing, step and generation, the same page)
    listed = tasks[0]["url"].rsplit("/", 1)[-1]
    emailed = stack.link("town", mine).rsplit("/", 1)[-1]
    assert links.read_approval_token(listed) == links.read_approval_token(emailed)
    assert stack.client.http.get(f"/approve/{listed}").status_code == 200
    assert theirs not in answer.body.decode()
    # AND the page shows it, and the view is audited
    page = wb.get(stack, "/work", cookie).body.decode()
    assert "镇街专班审核" in page and "企业复工备案" in page
    assert "work:list" in [e.action for e in Audit.query(f"staff#town_office#{TOWN}")]
    # WHEN the step is decided from that link THEN it leaves the list
    assert stack.decide(stack.link("town", mine), "approve").status_code == 200
    again = json.loads(wb.get(stack, "/work", cookie, Accept="application/json").body)
    assert again["tasks"] == []


def test_filters_and_lateness(stack: Stack) -> None:
    late, fresh = filed(stack, 1), filed(stack, 2)
    Task.get(late, "town").update(actions=[Task.due_at.set(utcnow().replace(year=2020))])
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))

    def listed(**filters: str) -> list[str]:
        path = "/work?" + urlencode(filters)
        return [
            t["filing_id"]
            for t in json.loads(wb.get(stack, path, cookie, Accept="application/json").body)[
                "tasks"
            ]
        ]

    assert listed() == [late, fresh]  # oldest first
    assert listed(late="1") == [late]
    assert listed(form="worker-return") == []
    assert listed(form="enterprise-resumption", step="town") == [late, fresh]
    page = wb.get(stack, "/work", cookie).body.decode()
    assert page.count('class="task late"') == 1 and "已超时" in page


def test_the_list_pages_by_the_last_evaluated_key(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [filed(stack, n) for n in range(1, 6)]
    monkeypatch.setattr(todo, "PAGE_SIZE", 2)
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    seen, path = [], "/work"
    while path:
        page = json.loads(wb.get(stack, path, cookie, Accept="application/json").body)
        assert len(page["tasks"]) <= 2
        seen += [t["filing_id"] for t in page["tasks"]]
        path = f"/work?cursor={page['next']}" if page["next"] else ""
    assert seen == ids
    # AND a forged cursor starts over rather than reading another list
    start = json.loads(wb.get(stack, "/work?cursor=abc", cookie, Accept="application/json").body)
    assert [t["filing_id"] for t in start["tasks"]] == ids[:2]


# --- search and the read-only view ---------------------------------------------------


def test_search_by_every_key_within_scope(stack: Stack) -> None:
    mine = filed(stack, 1)
    theirs = filed(stack, 2, town=OTHER, enterprise_name="金华市罗埠示例有限公司")
    slip = json.loads(stack.client.http.get(f"/api/filings/{mine}?token={_token(mine)}").body)[
        "slip_no"
    ]
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))

    def found(q: str, who: str = cookie) -> list[str]:
        answer = wb.get(
            stack, "/work/search?" + urlencode({"q": q}), who, Accept="application/json"
        )
        return [h["filing_id"] for h in json.loads(answer.body)["results"]]

    assert found(slip) == [mine]
    assert found(enterprise(1)["uscc"]) == [mine]
    assert found("金华市婺城") == [mine]
    assert found("13905791234") == [mine]  # both filed with this phone: only its town's
    assert found(enterprise(2)["uscc"]) == []  # another town's
    assert found("金华市罗埠") == []
    district = wb.sign_in(stack, wb.district_phone())
    assert sorted(found("13905791234", district)) == sorted([mine, theirs])
    assert sorted(found("金华市", district)) == sorted([mine, theirs])  # by name, every town
    # AND no key of the index holds a phone in plain
    terms = [e.term for e in SearchEntry.scan()]
    assert terms and not any("13905791234" in t for t in terms)
    # AND searches are audited without the number searched for
    details = [
        e.detail for e in Audit.query(f"staff#town_office#{TOWN}") if e.action == "work:search"
    ]
    assert "phone" in details and not any("13905791234" in d for d in details)


def _token(filing_id: str) -> str:
    return links.status_token(filing_id)


def test_the_read_only_view_masks_and_refuses_another_towns_filing(stack: Stack) -> None:
    mine, theirs = filed(stack, 1), filed(stack, 2, town=OTHER)
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    page = wb.get(stack, f"/work/filings/{mine}", cookie)
    assert page.status_code == 200
    html = page.body.decode()
    assert (
        "金华市婺城区示例机械有限公司" in html
        and "139****1234" in html
        and "13905791234" not in html
    )
    assert html.count('method="post"') == 1  # read-only: the sign-out button alone
    assert "viewed:workbench" in [a.action for a in Audit.query(mine)]
    before = stack.item_count()
    refused = wb.get(stack, f"/work/filings/{theirs}", cookie)
    assert refused.status_code == 403 and "辖区" in refused.body.decode()
    assert stack.item_count() == before
    assert wb.get(stack, "/work/filings/nope", cookie).status_code == 404


# --- reassign ------------------------------------------------------------------------


def test_reassigning_moves_the_link_to_a_colleague(stack: Stack) -> None:
    filing_id = filed(stack)
    old = stack.link("town", filing_id)
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    form = wb.get(stack, f"/work/tasks/{filing_id}/town/reassign?gen=1", cookie).body.decode()
    assert f"{TOWN}复工专班（二组）" in form
    done = wb.post_form(
        stack, f"/work/tasks/{filing_id}/town/reassign", {"gen": "1", "to": f"{TOWN}#2"}, cookie
    )
    assert done.status_code == 200 and "已转交" in done.body.decode()
    # THEN the colleague is sent a new link; the old one answers 410
    sent = [m for m in stack.outbox() if m.get("step") == "town"]
    assert any(m["to"] == "+86" + wb.phone_of("town_office", f"{TOWN}#2") for m in sent)
    new = stack.link("town", filing_id)
    assert new != old and stack.client.http.get(old).status_code == 410
    assert Task.get(filing_id, "town").assignee == f"{TOWN}#2"
    assert "reassigned:town" in [a.action for a in Audit.query(filing_id)]
    # AND the colleague's link decides, recorded under the colleague's name
    assert stack.decide(new, "approve").status_code == 200
    assert Task.get(filing_id, "town").decided_by == f"{TOWN}复工专班（二组）"


def test_reassigning_a_stale_step_or_to_an_outsider_changes_nothing(stack: Stack) -> None:
    filing_id = filed(stack)
    mine = wb.sign_in(stack, wb.town_phone(TOWN))
    before = (stack.item_count(), Task.get(filing_id, "town").link_gen)
    outsider = wb.post_form(
        stack, f"/work/tasks/{filing_id}/town/reassign", {"gen": "1", "to": f"{OTHER}#2"}, mine
    )
    assert outsider.status_code == 403
    stale = wb.post_form(
        stack, f"/work/tasks/{filing_id}/town/reassign", {"gen": "7", "to": f"{TOWN}#2"}, mine
    )
    assert stale.status_code == 410
    other_office = wb.sign_in(stack, wb.town_phone(OTHER))
    before = (stack.item_count(), Task.get(filing_id, "town").link_gen)
    theirs = wb.post_form(
        stack,
        f"/work/tasks/{filing_id}/town/reassign",
        {"gen": "1", "to": f"{OTHER}#2"},
        other_office,
    )
    assert theirs.status_code == 403
    assert (stack.item_count(), Task.get(filing_id, "town").link_gen) == before
