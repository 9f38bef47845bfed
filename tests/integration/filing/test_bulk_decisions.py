"""Bulk decisions from the workbench: a town confirms its returning workers at once,
each exactly as if by its own link — recorded and audited each, partial failures named
per filing, and nothing recorded twice when the same selection is sent again."""

from __future__ import annotations

import json

from chalicelib.store.models import Audit, Filing, Task
from tests.support import workbench as wb
from tests.support.stack import Stack
from tests.support.workers import WORKERS, approved_employer, worker

TOWN = "罗埠镇"  # the workers' lodging town


def at_village_step(stack: Stack, employer: str, serial: int, **changes: object) -> str:
    answer = stack.post_json(WORKERS, worker(employer, serial=serial, **changes))
    assert answer.status_code == 201, answer.body
    filing_id = str(json.loads(answer.body)["filing_id"])
    stack.pump()
    assert stack.decide(stack.link("employer", filing_id), "approve").status_code == 200
    stack.pump()
    assert Task.get(filing_id, "village").status == "open"
    return filing_id


def refs(*ids: str, gen: int = 1) -> list[str]:
    return [f"{i}|village|{gen}" for i in ids]


def results(answer: object) -> dict[str, str]:
    return {r["filing_id"]: r["result"] for r in json.loads(answer.body)["results"]}  # type: ignore[attr-defined]


def test_the_list_offers_a_bulk_confirmation_asked_once_then_decided_each(stack: Stack) -> None:
    employer = approved_employer(stack)
    ids = [at_village_step(stack, employer, n) for n in (1, 2, 3)]
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    page = wb.get(stack, "/work?form=worker-return", cookie).body.decode()
    assert page.count('name="task"') == 3 and "批量确认所选" in page
    # WHEN the selection is posted THEN a confirmation lists it and records nothing
    before = stack.item_count()
    asked = wb.post_form(stack, "/work/bulk", {"task": refs(*ids)}, cookie)
    assert asked.status_code == 200 and "确认 3 件" in asked.body.decode()
    assert stack.item_count() == before
    # WHEN confirmed THEN each is decided as by its link, each audited on its own filing
    done = wb.post_form(
        stack,
        "/work/bulk",
        {"task": refs(*ids), "confirmed": "yes"},
        cookie,
        Accept="application/json",
    )
    assert results(done) == {i: "decided" for i in ids}
    stack.pump()
    for i in ids:
        assert Filing.get(i).step_status("village") == "approved"
        entries = [a for a in Audit.query(i) if a.action == "approve:village"]
        assert len(entries) == 1 and entries[0].detail == f"via town_office:{TOWN}"
    # AND the docking slips follow as from a link
    assert all("docking_slip" in Filing.get(i).document_codes() for i in ids)


def test_sent_twice_nothing_is_recorded_again(stack: Stack) -> None:
    employer = approved_employer(stack)
    ids = [at_village_step(stack, employer, n) for n in (1, 2)]
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    form = {"task": refs(*ids), "confirmed": "yes"}
    first = wb.post_form(stack, "/work/bulk", form, cookie, Accept="application/json")
    assert set(results(first).values()) == {"decided"}
    stack.pump()
    counted = [len(list(Audit.query(i))) for i in ids]
    again = wb.post_form(stack, "/work/bulk", form, cookie, Accept="application/json")
    assert results(again) == {i: "already" for i in ids}
    assert [len(list(Audit.query(i))) for i in ids] == counted


def test_partial_failures_are_named_per_filing_and_the_rest_decided(stack: Stack) -> None:
    employer = approved_employer(stack)
    good = at_village_step(stack, employer, 1)
    stale = at_village_step(stack, employer, 2)
    elsewhere = at_village_step(stack, employer, 3, lodging_town="白龙桥镇")
    Task.get(stale, "village").update(actions=[Task.link_gen.add(1)])  # a newer link went out
    district_step = employer  # an enterprise filing: approved, its steps not this office's
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    sent = [*refs(good, stale, elsewhere), f"{district_step}|district|1", "not-a-ref"]
    answer = wb.post_form(
        stack, "/work/bulk", {"task": sent, "confirmed": "yes"}, cookie, Accept="application/json"
    )
    assert answer.status_code == 200
    assert results(answer) == {
        good: "decided",
        stale: "superseded",
        elsewhere: "not_yours",
        district_step: "not_yours",
    }
    # AND only the good one changed
    assert Task.get(good, "village").status == "decided"
    assert Task.get(stale, "village").status == "open"
    assert Task.get(elsewhere, "village").status == "open"
    page = wb.post_form(
        stack, "/work/bulk", {"task": refs(stale, gen=1), "confirmed": "yes"}, cookie
    )
    assert page.status_code == 200 and "已失效" in page.body.decode()


def test_a_step_not_decided_in_bulk_is_refused(stack: Stack) -> None:
    from tests.support.stack import enterprise

    filing_id = json.loads(stack.submit(enterprise(town=TOWN)).body)["filing_id"]
    stack.pump()
    cookie = wb.sign_in(stack, wb.town_phone(TOWN))
    page = wb.get(stack, "/work", cookie).body.decode()
    assert 'name="task"' not in page  # the enterprise's town review is one at a time
    before = stack.item_count()
    answer = wb.post_form(
        stack,
        "/work/bulk",
        {"task": [f"{filing_id}|town|1"], "confirmed": "yes"},
        cookie,
        Accept="application/json",
    )
    assert results(answer) == {filing_id: "not_yours"}
    assert Task.get(filing_id, "town").status == "open"
    assert stack.item_count() == before + 1  # the bulk call's own audit entry, nothing else
