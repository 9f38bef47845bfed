"""Least privilege: `.chalice/policy-prod.json` names only what the code does, and
allows every AWS call the code makes through a filing's whole life.

The calls are recorded on the emulator while the integration stack runs the
enterprise filing from submission to certificate, a rejection, a withdrawal, a
revocation, the reminders' sweep, supplies orders against the town's stock and the
statistics; each becomes the IAM request
it is (action and resource, named as the prod stage names them) and is checked
against the policy with a small IAM evaluator (`tests/deploy/iam.py`). To check
every integration test's calls too:

    .venv/bin/python -m pytest tests/integration -p tests.deploy.aws_calls
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from moto import mock_aws

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.filing import reconcile, reminders, transitions
from chalicelib.settings import EVENTS_QUEUE, get_settings
from chalicelib.staff import access
from chalicelib.store import counters, records
from chalicelib.store.lists import LISTS
from chalicelib.store.models import Filing, Task
from chalicelib.store.records import EVENT_PREFIXES, REVISIONS
from chalicelib.store.s3 import DOCUMENTS, EXPORTS, RISK_MAPS, UPLOADS
from infra import resources
from tests.deploy.aws_calls import Recorder, Request, is_local_only, recording
from tests.deploy.iam import (
    ACCOUNT,
    STACKS,
    allows,
    arn_matches,
    in_partition,
    load_policy,
    stack_policy,
    statements,
    to_prod_arn,
)
from tests.support.stack import Stack, enterprise
from tests.support.supplies import order

PROJECT_DIR = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
PROD = resources.stage_environment("prod")


def refused(policy: dict[str, Any], requests: Iterable[Request]) -> list[str]:
    return [
        f"{r.action} on {r.resource} ({r.operation})"
        for r in requests
        if not allows(policy, r.action, r.resource, dict(r.context))
    ]


def runtime_requests() -> list[Request]:
    """What Lambda does with the functions' role, not the code: the event source
    mapping reads the events queue; the runtime writes each function's logs."""
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{EVENTS_QUEUE}"
    found = [
        Request(f"sqs:{action}", queue, "event source mapping")
        for action in ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes")
    ]
    # CloudFormation names a function <stack>-<logical id>-<suffix>; the stack is jiafuwu-prod
    for function in resources.chalice_functions()[0]:
        group = (
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/jiafuwu-prod-{function}-AbC123"
        )
        stream = f"{group}:log-stream:2020/02/10/[$LATEST]0123456789abcdef"
        found += [
            Request("logs:CreateLogStream", stream, "Lambda runtime"),
            Request("logs:PutLogEvents", stream, "Lambda runtime"),
        ]
    return found


def a_filings_whole_life(stack: Stack) -> None:
    """Everything the functions do, through the app's own entry points."""
    token_of = links.status_token
    # submitted, with an idempotency key, and submitted again with it
    body = enterprise()
    first = json.loads(stack.submit(body, **{"Idempotency-Key": "policy-1"}).body)["filing_id"]
    assert stack.submit(body, **{"Idempotency-Key": "policy-1"}).status_code == 201
    stack.pump()
    # the town's link opened, then approved
    town = stack.link("town", first)
    assert stack.client.http.get(town).status_code == 200
    assert stack.decide(town, "approve", "材料齐全").status_code == 200
    stack.pump()
    # the district's step is late: reminded, then escalated (the scheduled sweep)
    opened = Task.get(first, "district").opened_at
    assert reminders.sweep(opened + timedelta(hours=25)).reminded == 1
    assert reminders.sweep(opened + timedelta(hours=49)).escalated == 1
    assert stack.decide(stack.link("district", first), "approve").status_code == 200
    stack.pump()
    # the applicant's views and downloads; the checkpoint's verification
    assert stack.client.http.get(f"/api/filings/{first}?token={token_of(first)}").status_code == 200
    assert stack.client.http.get(f"/filings/{first}?token={token_of(first)}").status_code == 200
    for kind in ("slip", "certificate"):
        path = f"/filings/{first}/documents/{kind}?token={token_of(first)}"
        assert stack.client.http.get(path).status_code == 302
    code = Filing.get(first).document_codes()["certificate"]
    verified = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert json.loads(verified.body)["status"] == "valid"
    counters.read([counters.filings_counter("enterprise-resumption", "白龙桥镇", "approved")])
    # the enterprise reports its start of work through its status link
    started = stack.client.http.post(
        f"/api/filings/{first}/started?token={token_of(first)}",
        headers={"Content-Type": "application/json"},
        body=b"{}",
    )
    assert started.status_code == 200
    # the district's staff dashboard (the counters, the pending queues) and an export
    dashboard = f"/dashboard?token={access.staff_token('district_office', '婺城区')}"
    assert stack.client.http.get(dashboard).status_code == 200
    export = dashboard.replace("/dashboard?", "/dashboard/exports/enterprise-resumption?")
    assert stack.client.http.get(f"{export}&format=csv").status_code == 303
    # the town's office sets its stock; the enterprise orders supplies, the town approves
    # (the stock drawn in the approving transaction); an order beyond the stock is refused
    town_staff = access.staff_token("town_office", "白龙桥镇")
    # (the town's dashboard reads its own queue index; the district's, the form index)
    assert stack.client.http.get(f"/dashboard?token={town_staff}").status_code == 200
    stocked = stack.client.http.put(
        f"/api/stock/{quote('白龙桥镇')}?token={town_staff}",
        headers={"Content-Type": "application/json"},
        body=b'{"masks": 100, "disinfectant": 2, "thermometers": 10}',
    )
    assert stocked.status_code == 200
    for disinfectant, outcome in ((1, "approved"), (5, "rejected")):
        ordered = stack.post_json(
            "/api/filings/supplies-order", order(first, disinfectant=disinfectant, masks=10)
        )
        order_id = json.loads(ordered.body)["filing_id"]
        stack.pump()
        assert stack.decide(stack.link("town", order_id), "approve").status_code == 200
        stack.pump()
        assert Filing.get(order_id).status == outcome
    # staff read the statistics: counters and stock levels
    assert stack.client.http.get(f"/api/stats?token={town_staff}").status_code == 200
    # staff revoke the approval: the certificate no longer verifies
    transitions.revoke(first, "复工条件不再具备", "district")
    stack.pump()
    revoked = stack.client.http.get(f"/verify/{code}", headers={"Accept": "application/json"})
    assert json.loads(revoked.body)["status"] == "revoked"

    # another enterprise's filing is rejected by the town (its claim is released)
    second = json.loads(stack.submit(enterprise(serial=2)).body)["filing_id"]
    stack.pump()
    assert stack.decide(stack.link("town", second), "reject", "材料不全").status_code == 200
    stack.pump()
    # a third is withdrawn by its applicant
    third = json.loads(stack.submit(enterprise(serial=3)).body)["filing_id"]
    stack.pump()
    withdrawn = stack.client.http.post(
        f"/api/filings/{third}/withdraw?token={token_of(third)}",
        headers={"Content-Type": "application/json"},
        body=b"{}",
    )
    assert withdrawn.status_code == 200
    stack.pump()
    assert {Filing.get(f).status for f in (second, third)} == {"rejected", "withdrawn"}
    # the reconciler's sweep: every filing's records landed, so it unmarks them
    later = utcnow() + records.GRACE + timedelta(minutes=1)
    swept = reconcile.sweep(later)
    assert swept.reemitted == () and swept.cleared == swept.looked_at >= 3


def the_enterprise_claims(stack: Stack) -> None:
    """An approved enterprise's claims: a charter subsidy (its passenger list uploaded
    through a presigned POST, checked with a HEAD; finance sets the amount, the notice
    is rendered) and a service request (assigned to an instructor offered from the
    directory, resolved, reopened, resolved again, confirmed)."""
    from tests.support.claims import decide, upload
    from tests.support.service_requests import request
    from tests.support.stack import approved_enterprise
    from tests.support.subsidies import PASSENGERS, charter

    enterprise_id = approved_enterprise(stack, serial=11)
    key = upload(stack, "charter-subsidy", "passenger_list", PASSENGERS)
    answer = stack.post_json("/api/filings/charter-subsidy", charter(enterprise_id, key))
    claim = json.loads(answer.body)["filing_id"]
    stack.pump()
    assert decide(stack, stack.link("commerce", claim), "approve").status_code == 200
    stack.pump()
    finance = stack.link("finance", claim)
    assert stack.client.http.get(finance).status_code == 200
    assert decide(stack, finance, "approve", approved_amount="45000").status_code == 200
    stack.pump()
    assert Filing.get(claim).document_codes().keys() == {"slip", "notice"}

    answer = stack.post_json("/api/filings/service-request", request(enterprise_id))
    service = json.loads(answer.body)["filing_id"]
    stack.pump()
    assign = stack.link("assign", service)
    assert stack.client.http.get(assign).status_code == 200  # offers the instructors
    assert decide(stack, assign, "approve", instructor="白龙桥镇#1").status_code == 200
    stack.pump()
    resolution = {"resolution": "已输送", "workers_delivered": "80", "loss_avoided": "1000"}
    assert decide(stack, stack.link("resolve", service), "approve", **resolution).status_code == 200
    stack.pump()
    assert decide(stack, stack.link("confirm", service), "reopen", "仍缺人").status_code == 200
    stack.pump()
    assert decide(stack, stack.link("resolve", service), "approve", **resolution).status_code == 200
    stack.pump()
    assert decide(stack, stack.link("confirm", service), "approve").status_code == 200
    stack.pump()
    assert Filing.get(service).status == "approved"


def test_the_policy_allows_every_call_of_a_filings_whole_life(stack: Stack) -> None:
    # GIVEN the stack set up (its creation and the demo directory are not recorded)
    policy = load_policy("prod")
    # WHEN a filing lives its whole life, and others are rejected and withdrawn
    with recording(Recorder(region=REGION, account=ACCOUNT)) as recorder:
        a_filings_whole_life(stack)
        the_enterprise_claims(stack)
    requests = [r for r in recorder.requests(to_prod_arn) if not is_local_only(r)]
    # THEN the code called DynamoDB, S3 (presigned downloads too), SES and SNS
    actions = {r.action for r in requests}
    assert {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "s3:PutObject",
        "s3:GetObject",
        "ses:SendEmail",
        "sns:Publish",
    } <= actions
    assert any("/index/alert-index" in r.resource for r in requests)
    # AND an upload signed and checked, the directory's instructors queried
    uploads = {r.action for r in requests if f"/{UPLOADS}" in r.resource}
    assert uploads == {"s3:PutObject", "s3:GetObject"}
    assert any(r.action == "dynamodb:Query" and "directory" in r.resource for r in requests)
    assert any("/index/queue-index" in r.resource for r in requests)
    assert any("/index/form-index" in r.resource for r in requests)
    assert any(r.resource.endswith("table/jiafuwu-prod-stock") for r in requests)
    # AND the submissions were counted against their client's rate window, and the
    # approver's and the staff's views written to the audit trail
    assert any(
        r.action == "dynamodb:UpdateItem" and r.resource.endswith("-ratelimits") for r in requests
    )
    assert any(r.action == "dynamodb:PutItem" and r.resource.endswith("-audit") for r in requests)
    assert any("/index/emit-index" in r.resource for r in requests)
    # AND the prod policy allows each of those calls, and the runtime's own
    assert refused(policy, requests + runtime_requests()) == []
    # AND so does the packaged stack's, in either partition, each call made there
    for partition in STACKS:
        there = [
            dataclasses.replace(r, resource=in_partition(r.resource, partition))
            for r in requests + runtime_requests()
        ]
        assert refused(stack_policy(partition), there) == [], partition
        if partition != "aws":  # and it is that partition's own: aws's ARNs are refused
            assert refused(stack_policy(partition), requests) != []


@pytest.fixture
def deployed_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A deployed stage's settings: no keys in the environment, the parameter's name."""
    monkeypatch.delenv("SIGNING_KEYS")
    monkeypatch.setenv("SIGNING_KEYS_PARAMETER", PROD["SIGNING_KEYS_PARAMETER"])
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_policy_allows_reading_the_signing_keys(deployed_settings: None) -> None:
    with mock_aws():
        import boto3

        boto3.client("ssm", region_name=REGION).put_parameter(
            Name=PROD["SIGNING_KEYS_PARAMETER"], Type="SecureString", Value="newest,older"
        )
        # WHEN a deployed stage reads its settings
        with recording(Recorder(region=REGION, account=ACCOUNT)) as recorder:
            assert get_settings().signing_keys == ("newest", "older")
    # THEN it read the parameter the config names, and the policy allows that
    requests = recorder.requests()
    assert [(r.action, r.resource) for r in requests] == [
        (
            "ssm:GetParameter",
            f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{PROD['SIGNING_KEYS_PARAMETER']}",
        )
    ]
    assert refused(load_policy("prod"), requests) == []


def test_the_policy_names_no_wildcard_action_and_only_the_stacks_resources() -> None:
    policy = load_policy("prod")
    template = json.loads((PROJECT_DIR / ".chalice" / "resources.json").read_text())
    tables = {
        r["Properties"]["TableName"]: r["Properties"]
        for r in template["Resources"].values()
        if r.get("Type") == "AWS::DynamoDB::Table"
    }
    for statement in statements(policy):
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            assert "*" not in action, action
        resources_ = statement["Resource"]
        if resources_ == "*":
            # only SMS: SNS has no resource for a phone number
            assert statement["Action"] == ["sns:Publish"]
            continue
        for arn in resources_:
            _, _, service, _, _, resource = arn.split(":", 5)
            if service == "dynamodb":
                table, _, index = resource.removeprefix("table/").partition("/index/")
                assert table in tables, arn  # a table of the stack, never the outbox
                if index:
                    names = [
                        i["IndexName"] for i in tables[table].get("GlobalSecondaryIndexes", [])
                    ]
                    assert index in names, arn
            elif service == "s3":
                deployed = resources.deployed_bucket_name(PROD["DOCUMENTS_BUCKET"], ACCOUNT)
                bucket_pattern, _, key = arn.partition("/")
                assert arn_matches(bucket_pattern, f"arn:aws:s3:::{deployed}"), arn
                allowed = (
                    *EVENT_PREFIXES,
                    REVISIONS,
                    DOCUMENTS,
                    EXPORTS,
                    UPLOADS,
                    LISTS,
                    RISK_MAPS,
                )
                assert key.removesuffix("*") in allowed, arn
                # a bucket name is global: only ours, in the functions' own account
                assert statement["Condition"] == {
                    "StringEquals": {"s3:ResourceAccount": "${aws:PrincipalAccount}"}
                }
            elif service == "sqs":
                assert resource == EVENTS_QUEUE
            elif service == "ssm":
                secrets = (PROD["SIGNING_KEYS_PARAMETER"], PROD["SEAL_KEYS_PARAMETER"])
                assert resource in tuple("parameter" + name for name in secrets), arn
            elif service == "ses":
                mail_from = PROD["MAIL_FROM"]
                assert resource in (f"identity/{mail_from}", f"identity/{mail_from.split('@')[1]}")
            else:
                assert service == "logs" and "/aws/lambda/jiafuwu-prod" in resource, arn


def test_the_policy_refuses_what_the_code_does_not_do() -> None:
    policy = load_policy("prod")
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{PROD['TABLE_PREFIX']}"
    bucket = "arn:aws:s3:::" + resources.deployed_bucket_name(PROD["DOCUMENTS_BUCKET"], ACCOUNT)
    own = {"s3:ResourceAccount": ACCOUNT}
    # GIVEN what the code does, allowed
    assert allows(policy, "dynamodb:PutItem", table + "audit")
    assert allows(policy, "s3:PutObject", bucket + "/filings/enterprise-resumption/f.json", own)
    # THEN the audit is append-only, the directory read-only, nothing is scanned
    assert not allows(policy, "dynamodb:UpdateItem", table + "audit")
    assert not allows(policy, "dynamodb:DeleteItem", table + "audit")
    assert not allows(policy, "dynamodb:PutItem", table + "directory")
    assert not allows(policy, "dynamodb:Scan", table + "filings")
    assert not allows(policy, "dynamodb:DeleteTable", table + "filings")
    assert not allows(policy, "dynamodb:PutItem", table + "outbox")
    # AND a rate window is only counted: never read, listed or deleted by the code
    assert allows(policy, "dynamodb:UpdateItem", table + "ratelimits")
    for action in ("GetItem", "PutItem", "DeleteItem", "Scan", "Query"):
        assert not allows(policy, f"dynamodb:{action}", table + "ratelimits"), action
    assert not allows(
        policy, "dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/other"
    )
    # AND documents are written, never deleted, read only for a download, in our account
    assert not allows(policy, "s3:DeleteObject", bucket + "/filings/x.json", own)
    assert not allows(policy, "s3:GetObject", bucket + "/filings/x.json", own)
    assert not allows(policy, "s3:PutObject", bucket + "/elsewhere/x.json", own)
    assert not allows(policy, "s3:ListBucket", bucket, own)
    # AND uploads are signed and checked, never listed or deleted
    assert allows(policy, "s3:GetObject", bucket + "/uploads/charter-subsidy/f/x.csv", own)
    assert not allows(policy, "s3:DeleteObject", bucket + "/uploads/charter-subsidy/f/x.csv", own)
    assert not allows(policy, "dynamodb:Query", table + "filings")
    assert not allows(
        policy, "s3:PutObject", bucket + "/filings/x.json", {"s3:ResourceAccount": "1"}
    )
    # AND mail goes from the service's address only; one parameter is read
    sender = "arn:aws:ses:us-east-1:123456789012:identity/noreply@jiafuwu.example.cn"
    assert allows(policy, "ses:SendEmail", sender, {"ses:FromAddress": PROD["MAIL_FROM"]})
    assert not allows(
        policy, "ses:SendEmail", sender, {"ses:FromAddress": "ceo@jiafuwu.example.cn"}
    )
    other = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/jiafuwu/prod/other"
    assert not allows(policy, "ssm:GetParameter", other)
    assert not allows(policy, "sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{EVENTS_QUEUE}")


def test_the_dev_policy_is_the_prod_policy_with_the_dev_stages_names() -> None:
    prod = (PROJECT_DIR / ".chalice" / "policy-prod.json").read_text()
    dev = (PROJECT_DIR / ".chalice" / "policy-dev.json").read_text()
    assert dev == prod.replace("prod", "dev")
    dev_env = resources.stage_environment("dev")
    assert f"parameter{dev_env['SIGNING_KEYS_PARAMETER']}" in dev
    assert f"table/{dev_env['TABLE_PREFIX']}filings" in dev


def test_the_stages_use_their_written_policies() -> None:
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    assert config["autogen_policy"] is False
    for stage in ("dev", "prod"):
        assert config["stages"][stage]["iam_policy_file"] == f"policy-{stage}.json"


def test_the_policy_files_are_what_infra_makes_and_name_no_other_partition() -> None:
    # GIVEN the files Chalice reads (`make resources` writes them; `make package` checks)
    for stage in ("dev", "prod"):
        written = load_policy(stage)
        # THEN each is the one definition, resolved for the partition `aws`
        assert written == resources.stage_policy(stage, "aws"), "stale: run `make resources`"
        # AND the China file differs from it by the partition alone
        china = json.dumps(resources.stage_policy(stage, "aws-cn"))
        assert china == json.dumps(written).replace("arn:aws:", "arn:aws-cn:")


@pytest.mark.parametrize("partition", list(STACKS))
def test_the_stacks_policy_is_the_files_own_statements_in_its_stack_only(partition: str) -> None:
    region = STACKS[partition]
    policy = stack_policy(partition)
    # GIVEN the packaged policy: the same statements, actions and conditions as the file
    file_statements = statements(load_policy("prod"))
    *own, dead_letters = statements(policy)
    assert [(s["Sid"], s["Action"], s.get("Condition")) for s in own] == [
        (s["Sid"], s["Action"], s.get("Condition")) for s in file_statements
    ]
    # AND one more: the scheduled runs' dead letters, a queue only the stack has
    assert dead_letters["Action"] == ["sqs:SendMessage"]
    assert dead_letters["Resource"] == [
        f"arn:{partition}:sqs:{region}:{ACCOUNT}:{resources.SCHEDULED_DLQ}"
    ]
    # THEN every ARN is the stack's partition, region and account (S3's have neither)
    for statement in statements(policy):
        if statement["Resource"] == "*":
            continue
        for arn in statement["Resource"]:
            _, part, service, where, account, _ = arn.split(":", 5)
            assert part == partition, arn
            if service == "s3":
                assert arn.split(":::")[1].startswith(
                    resources.deployed_bucket_name(PROD["DOCUMENTS_BUCKET"], ACCOUNT) + "/"
                ), arn
            else:
                assert (where, account) == (region, ACCOUNT), arn
    # AND nothing of another account, region or partition is allowed
    table = f"table/{PROD['TABLE_PREFIX']}filings"
    assert allows(
        policy, "dynamodb:GetItem", f"arn:{partition}:dynamodb:{region}:{ACCOUNT}:{table}"
    )
    assert not allows(policy, "dynamodb:GetItem", f"arn:{partition}:dynamodb:{region}:1:{table}")
    assert not allows(
        policy, "dynamodb:GetItem", f"arn:{partition}:dynamodb:eu-west-1:{ACCOUNT}:{table}"
    )
    other = "aws-cn" if partition == "aws" else "aws"
    assert not allows(
        policy, "dynamodb:GetItem", f"arn:{other}:dynamodb:{region}:{ACCOUNT}:{table}"
    )
    bucket = resources.deployed_bucket_name(PROD["DOCUMENTS_BUCKET"], ACCOUNT)
    own = {"s3:ResourceAccount": ACCOUNT}
    assert allows(policy, "s3:PutObject", f"arn:{partition}:s3:::{bucket}/filings/f.json", own)
    assert not allows(
        policy, "s3:PutObject", f"arn:{partition}:s3:::{bucket}-other/filings/f.json", own
    )
