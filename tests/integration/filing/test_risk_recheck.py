"""Re-check on change, with a controlled clock: a new risk map that raises a county
re-checks the workers from there still in their days of observation, through the event
its S3 object sends: a level that isolates first extends the observation, one that may
not come back suspends the pass; the history names the version, the lodging town's
office and the enterprise are told once. Replayed, twice, or out of order, nothing is
doubled; a county that went down changes nothing; a worker who arrived 15 days ago is
left alone."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib.core import recheck as rules
from chalicelib.filing import observation, recheck
from chalicelib.store import counters
from chalicelib.store.models import Filing
from tests.support.risk_maps import MEITAN, district_token, town_token, upload
from tests.support.stack import Stack
from tests.support.workers import TODAY, WORKERS, approved_employer, worker

TOWN = "罗埠镇"  # the workers' lodging town


def on_day(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(observation, "china_today", lambda: day)
    monkeypatch.setattr(recheck, "china_today", lambda: day)


def arrived(stack: Stack, employer: str, serial: int, days_ago: int) -> str:
    """A worker from Meitan with a pass, who arrived `days_ago` days before today."""
    arrival = (TODAY - timedelta(days=days_ago)).isoformat()
    body = worker(employer, serial=serial, arrival_date=arrival, travel_mode="train")
    answer = stack.post_json(WORKERS, body)
    assert answer.status_code == 201, answer.body
    filing_id = str(json.loads(answer.body)["filing_id"])
    stack.pump()
    for step in ("employer", "village", "checkin_employer", "checkin_village"):
        assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
        stack.pump()
    assert "pass" in Filing.get(filing_id).document_codes()
    return filing_id


def new_map(stack: Stack, level: str, published: date = TODAY) -> tuple[str, list[str]]:
    """Upload a map setting Meitan to `level`: its version and its events' bodies (not
    yet delivered)."""
    answer = upload(stack, {"published": published.isoformat(), "counties": {MEITAN: level}})
    assert answer.status_code == 201, answer.body
    return str(json.loads(answer.body)["version"]), [m["Body"] for m in stack.receive()]


def rechecks(filing_id: str) -> list[dict[str, Any]]:
    history = Filing.get(filing_id, consistent_read=True).history or []
    return [e for e in history if e.get("step") == rules.HISTORY_STEP]


def told(stack: Stack) -> list[dict[str, Any]]:
    return [m for m in stack.outbox() if "风险复核" in m["subject"]]


def figure(version: str, action: str) -> int:
    name = counters.recheck_counter(TOWN, version, action)
    return counters.read([name])[name]


def verify(stack: Stack, code: str) -> str:
    answer = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    return str(json.loads(answer.body)["status"])


def test_a_map_change_mid_observation_replayed_twice_doubles_nothing(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a worker five days into the observation and one who arrived 15 days ago,
    # both from Meitan (low on the map in force)
    on_day(monkeypatch, TODAY)
    employer = approved_employer(stack)
    mid = arrived(stack, employer, serial=71, days_ago=5)
    old = arrived(stack, employer, serial=72, days_ago=15)
    code = Filing.get(mid).document_codes()["pass"]
    before = told(stack)
    # WHEN a new map raises Meitan to medium (isolation first) and its event comes in
    version, bodies = new_map(stack, "medium")
    assert len(bodies) == 1  # the map's object notified the events queue
    stack.deliver(bodies)
    # THEN the worker mid-observation is observed 14 days from the map's day
    found = Filing.get(mid, consistent_read=True)
    assert found.observation_until == (TODAY + timedelta(days=13)).isoformat()
    obs = observation.observation_of(found)
    assert obs is not None and obs.last == TODAY + timedelta(days=13)
    # AND the history names the version that did it
    (entry,) = rechecks(mid)
    assert entry["version"] == version and entry["decision"] == "extend"
    assert entry["county"] == MEITAN and entry["level"] == "medium"
    # AND the town office and the enterprise are told, once each contact
    sent = told(stack)[len(before) :]
    assert sent and all(m["filing_id"] == mid for m in sent)
    assert {m["channel"] for m in sent} >= {"email"}
    assert figure(version, "extend") == 1
    # AND the pass still holds (isolation is observation, not a refusal)
    assert verify(stack, code) == "valid"
    # AND the worker who arrived 15 days ago is left alone
    assert rechecks(old) == [] and Filing.get(old).observation_until is None
    # WHEN the same event is delivered twice more
    count = stack.item_count()
    stack.deliver(bodies + bodies)
    # THEN nothing is doubled: history, figure, notices, stored items
    assert len(rechecks(mid)) == 1
    assert figure(version, "extend") == 1
    assert len(told(stack)) == len(before) + len(sent)
    assert stack.item_count() == count


def test_a_level_that_may_not_return_suspends_the_pass_once_in_any_order(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a worker three days into the observation
    on_day(monkeypatch, TODAY)
    mid = arrived(stack, approved_employer(stack), serial=73, days_ago=3)
    code = Filing.get(mid).document_codes()["pass"]
    # WHEN two maps are stored, medium then high, and their events come in reversed
    first, first_bodies = new_map(stack, "medium")
    second, second_bodies = new_map(stack, "high")
    stack.deliver(second_bodies)
    stack.deliver(first_bodies)
    stack.deliver(second_bodies + first_bodies)  # and again, both
    # THEN each version re-checked the worker once: high suspends, medium extends
    entries = {e["version"]: e["decision"] for e in rechecks(mid)}
    assert entries == {second: "suspend", first: "extend"}
    assert len(rechecks(mid)) == 2
    assert figure(second, "suspend") == 1 and figure(first, "extend") == 1
    # AND verification answers suspended
    assert verify(stack, code) == "suspended"
    stack.pump()  # the standing record's event: the revocation list follows
    assert verify(stack, code) == "suspended"


def test_a_county_that_went_down_changes_nothing(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a map that put Meitan at medium_high, and a worker from there who came back
    on_day(monkeypatch, TODAY)
    _, bodies = new_map(stack, "medium_high", TODAY - timedelta(days=8))
    stack.deliver(bodies)
    mid = arrived(stack, approved_employer(stack), serial=74, days_ago=2)
    history = Filing.get(mid).history
    outbox = len(stack.outbox())
    # WHEN a new map lowers Meitan to low
    lower, bodies = new_map(stack, "low")
    count = stack.item_count()
    stack.deliver(bodies)
    # THEN nothing changed: no history entry, no notice, nothing stored
    assert Filing.get(mid, consistent_read=True).history == history
    assert len(stack.outbox()) == outbox
    assert stack.item_count() == count
    assert figure(lower, "extend") == figure(lower, "suspend") == 0


def test_the_dashboard_shows_who_a_version_touched_and_links_a_towns_slips(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a worker whose pass a new map suspended
    on_day(monkeypatch, TODAY)
    mid = arrived(stack, approved_employer(stack), serial=75, days_ago=4)
    version, bodies = new_map(stack, "high")
    stack.deliver(bodies)
    slip = Filing.get(mid).slip_no
    # WHEN the district office opens the dashboard
    token = district_token()
    page = stack.client.http.get(f"/dashboard?token={token}").body.decode()
    # THEN it names the version, its count, and the town's row with the suspension
    assert f'data-version="{version}"' in page
    row = page[page.index(f'data-version="{version}"') :]
    row = row[row.index(f'data-town="{TOWN}"') :].split("</tr>")[0]
    assert "<td>1</td><td>0</td>" in row
    link = row.split('href="')[1].split('"')[0].replace("&amp;", "&")
    # AND its link lists the slip, suspended
    listed = stack.client.http.get(link)
    assert listed.status_code == 200
    body = listed.body.decode()
    assert f'data-slip="{slip}"' in body and "通行证已暂停" in body
    # AND the town's own office sees it too, with the name masked
    own = stack.client.http.get(link.replace(token, town_token(TOWN)))
    assert own.status_code == 200 and f'data-slip="{slip}"' in own.body.decode()
    assert "冉德开" not in own.body.decode() and "冉德开" in body
    # AND another town's office, or a version never stored, is a 404, nothing stored
    count = stack.item_count()
    other = link.replace(token, town_token("汤溪镇"))
    assert stack.client.http.get(other).status_code == 404
    forged = link.replace(version, "20200101T000000.000000Z-abcdef")
    assert stack.client.http.get(forged).status_code == 404
    assert stack.item_count() == count
