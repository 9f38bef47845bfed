"""Personal data: ID numbers and phones never in logs, masked in every view but the
deciding approver's, expired through DynamoDB's TTL while the statistics remain, and
the documents bucket's objects expired by a lifecycle rule covering every prefix."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.settings import get_settings
from chalicelib.staff import access, dashboard
from chalicelib.store import counters
from chalicelib.store.models import DEPLOYED_MODELS, Audit, Filing, Unique
from chalicelib.store.records import EVENT_PREFIXES
from infra import resources
from tests.support.exports import export_download
from tests.support.stack import Stack, enterprise
from tests.support.workers import WORKERS, make_id, worker

ENTERPRISE_PHONE = "13905791234"
WORKER_PHONE = "13812340000"
WORKER_ID = make_id(1)
SECRETS = (ENTERPRISE_PHONE, WORKER_PHONE, WORKER_ID)


@dataclass
class Lives:
    enterprise: str
    worker: str
    certificate: str
    worker_pass: str
    pages: dict[str, str]  # what each non-approver view showed


def _get(stack: Stack, path: str, **headers: str) -> str:
    """The page, or the file an export redirects to (fetched from S3 as a browser would)."""
    if path.startswith("/dashboard/exports/"):
        answer = export_download(stack, path)
    else:
        answer = stack.client.http.get(path, headers=headers)
    assert answer.status_code == 200, (path, answer.status_code)
    body = answer.body
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)


def both_lifecycles(stack: Stack) -> Lives:
    """An enterprise from submission to certificate, then one of its workers from
    registration to pass, looking at every view on the way."""
    employer = json.loads(stack.submit(enterprise()).body)["filing_id"]
    stack.pump()
    for step in ("town", "district"):
        link = stack.link(step, employer)
        assert ENTERPRISE_PHONE in _get(stack, link)  # the deciding approver sees it whole
        assert stack.decide(link, "approve").status_code == 200
        stack.pump()
    answer = stack.post_json(WORKERS, worker(employer, phone=WORKER_PHONE))
    assert answer.status_code == 201, answer.body
    person = json.loads(answer.body)["filing_id"]
    stack.pump()
    for step in ("employer", "village", "checkin_employer", "checkin_village"):
        link = stack.link(step, person)
        page = _get(stack, link)
        assert WORKER_ID in page and WORKER_PHONE in page  # the approver deciding: whole
        assert stack.decide(link, "approve").status_code == 200
        stack.pump()
    certificate = Filing.get(employer).document_codes()["certificate"]
    worker_pass = Filing.get(person).document_codes()["pass"]
    district = access.staff_token("district_office", get_settings().district_scope)
    town = access.staff_token("town_office", "罗埠镇")
    pages: dict[str, str] = {}
    for filing_id in (employer, person):
        token = links.status_token(filing_id)
        pages[f"status page {filing_id}"] = _get(stack, f"/filings/{filing_id}?token={token}")
        pages[f"status api {filing_id}"] = _get(stack, f"/api/filings/{filing_id}?token={token}")
    for code in (certificate, worker_pass):
        pages[f"verify page {code}"] = _get(stack, f"/verify/{code}")
        pages[f"verify api {code}"] = _get(stack, f"/verify/{code}", Accept="application/json")
    for who, token in (("district", district), ("town", town)):
        pages[f"dashboard {who}"] = _get(stack, f"/dashboard?token={token}")
        for form in ("enterprise-resumption", "worker-return"):
            path = f"/dashboard/exports/{form}?token={token}&format=csv"
            pages[f"export {who} {form}"] = _get(stack, path)
    return Lives(employer, person, certificate, worker_pass, pages)


def test_id_numbers_and_phones_never_reach_the_logs(
    stack: Stack, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # GIVEN every logger recorded at DEBUG, and the process's stdout and stderr captured
    caplog.set_level(logging.DEBUG)
    # WHEN both forms live their whole lives, every view looked at
    lives = both_lifecycles(stack)
    out, err = capfd.readouterr()
    # THEN something was logged (the capture works) but no ID number nor phone
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert lives.worker in logged or "sent" in logged
    for secret in SECRETS:
        assert secret not in logged, secret
        assert secret not in out and secret not in err, secret


def test_ids_and_phones_are_masked_in_every_view_but_the_deciding_approvers(
    stack: Stack,
) -> None:
    # WHEN both forms live their lives (their approvers saw them whole: both_lifecycles)
    lives = both_lifecycles(stack)
    # THEN no other view shows the ID number or a phone whole, but the applicant's own
    # status page: whoever holds its link filed them, and reads their answers back there
    for view, content in lives.pages.items():
        if view.startswith("status page "):
            continue
        for secret in SECRETS:
            assert secret not in content, (view, secret)
    assert WORKER_ID in lives.pages[f"status page {lives.worker}"]
    # AND the exports show them masked, to the district office too
    assert "139****1234" in lives.pages["export district enterprise-resumption"]
    assert "138****0000" in lives.pages["export district worker-return"]
    assert WORKER_ID[:3] in lives.pages["export district worker-return"]


def _to_the_second(moment: datetime | None) -> datetime | None:
    """TTL attributes hold whole epoch seconds."""
    return moment.replace(microsecond=0) if moment else None


def _sweep_expired(moment: Any) -> int:
    """DynamoDB's TTL, as it would act at `moment`: every item whose `expires_at` has
    passed is deleted. moto does not run TTL, so the test does."""
    deleted = 0
    for model in DEPLOYED_MODELS:
        if model._ttl_attribute() is None:
            continue
        for item in model.scan():
            if item.expires_at is not None and item.expires_at <= moment:
                item.delete()
                deleted += 1
    return deleted


def test_personal_data_expires_after_the_retention_and_the_statistics_remain(
    stack: Stack,
) -> None:
    # GIVEN both forms' lives lived, and the drive's figures as the dashboard shows them
    lives = both_lifecycles(stack)
    claim = access.claim("district_office", get_settings().district_scope)
    before = dashboard.build(claim, utcnow())
    names = [
        counters.filings_counter("enterprise-resumption", "白龙桥镇", "approved"),
        counters.filings_counter("worker-return", "罗埠镇", "approved"),
    ]
    figures = counters.read(names)
    assert all(figures[c] == 1 for c in names), figures
    # THEN every filing, claim and audit entry expires RETENTION_DAYS (180) after it was given
    retention = timedelta(days=get_settings().retention_days)
    assert retention == timedelta(days=180)
    for filing_id in (lives.enterprise, lives.worker):
        filing = Filing.get(filing_id)
        assert _to_the_second(filing.expires_at) == _to_the_second(filing.created_at + retention)
        for entry in Audit.query(filing_id):
            written = datetime.fromisoformat(entry.event_id.split("#")[0])
            assert _to_the_second(entry.expires_at) == _to_the_second(written + retention)
    open_claim = Unique.get(f"open#worker-return#{WORKER_ID}")
    assert _to_the_second(open_claim.expires_at) == _to_the_second(
        open_claim.created_at + retention
    )
    # WHEN the retention has passed and DynamoDB's TTL has deleted what expired
    assert _sweep_expired(utcnow() + retention + timedelta(days=1)) > 0
    # THEN the filings and their ID-bearing claims are gone
    for filing_id in (lives.enterprise, lives.worker):
        with pytest.raises(Filing.DoesNotExist):
            Filing.get(filing_id)
    with pytest.raises(Unique.DoesNotExist):
        Unique.get(f"open#worker-return#{WORKER_ID}")
    assert not list(Audit.query(lives.worker))
    # AND the figures are as they were: the counters are other items
    assert counters.read(names) == figures
    after = dashboard.build(claim, utcnow())
    assert after.towns == before.towns and after.days == before.days
    # AND the issued documents still verify, their holder masked as ever
    answer = stack.client.http.get(
        f"/verify/{lives.worker_pass}", headers={"Accept": "application/json"}
    )
    assert json.loads(answer.body)["holder"] == "冉*开"


def test_the_documents_lifecycle_rule_expires_every_prefix_after_the_retention(
    stack: Stack,
) -> None:
    # GIVEN the bucket the stack created from the deployment's definition
    rules = stack.s3.get_bucket_lifecycle_configuration(Bucket=get_settings().bucket)["Rules"]
    # THEN one enabled rule with an empty prefix covers filings/, decisions/, approved/
    # and documents/, expiring them (and old versions) after the retention
    (rule,) = [r for r in rules if r["ID"] == "personal-data"]
    assert rule["Status"] == "Enabled"
    assert rule["Filter"] == {"Prefix": ""}
    assert all(p.startswith(rule["Filter"]["Prefix"]) for p in (*EVENT_PREFIXES, "documents/"))
    assert rule["Expiration"]["Days"] == get_settings().retention_days
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] > 0
    # AND the deployed stages keep personal data as long as the bucket keeps its objects
    for stage in ("dev", "prod"):
        days = int(resources.stage_environment(stage)["RETENTION_DAYS"])
        assert days == resources.PERSONAL_DATA_DAYS
