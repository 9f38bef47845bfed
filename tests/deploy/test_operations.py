"""What a China stack needs of the template (issue #18): notification providers chosen by
the stack's parameters, with IAM to match (no SES or SNS where they are not used, the
providers' credentials parameter where they are), and the operator's view: alarms to the
alarm topic and a dashboard, over metrics the code really writes. cfn-lint passes the
whole package for us-east-1 and the China regions (test_package.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.store import metrics
from infra import policy, resources
from tests.deploy.iam import ACCOUNT, STACKS, allows, stack_policy, statements

PROD = resources.stage_environment("prod")
SECRETS = PROD["NOTIFY_SECRETS_PARAMETER"]


def actions(document: dict[str, Any]) -> set[str]:
    return {a for s in statements(document) for a in s["Action"]}


@pytest.mark.parametrize("partition", list(STACKS))
def test_a_stack_sending_through_smtp_and_tencent_may_not_use_ses_or_sns(partition: str) -> None:
    region = STACKS[partition]
    parameter = f"arn:{partition}:ssm:{region}:{ACCOUNT}:parameter{SECRETS}"
    # GIVEN the stack deployed with MailProvider=smtp SmsProvider=tencent
    china = stack_policy(partition, sms="tencent", mail="smtp")
    # THEN its functions may read the providers' credentials, and nothing of SES or SNS
    assert allows(china, "ssm:GetParameter", parameter)
    assert not {a for a in actions(china) if a.startswith(("ses:", "sns:"))}
    assert not allows(china, "sns:Publish", "*")
    # AND a stack on SES and SNS (the defaults) may not read those credentials
    default = stack_policy(partition)
    assert not allows(default, "ssm:GetParameter", parameter)
    assert {"ses:SendEmail", "sns:Publish"} <= actions(default)
    # AND one provider outside AWS is enough to need them, the other AWS one kept
    mixed = stack_policy(partition, sms="tencent", mail="ses")
    assert allows(mixed, "ssm:GetParameter", parameter)
    assert "ses:SendEmail" in actions(mixed) and "sns:Publish" not in actions(mixed)


def test_a_stage_file_follows_its_environments_providers() -> None:
    env = PROD | {"SMS_PROVIDER": "tencent", "MAIL_PROVIDER": "smtp"}
    document = policy.resolved(policy.document(env, "bucket*"), "aws-cn")
    assert not {a for a in actions(document) if a.startswith(("ses:", "sns:"))}
    parameter = f"arn:aws-cn:ssm:cn-northwest-1:{ACCOUNT}:parameter{SECRETS}"
    assert allows(document, "ssm:GetParameter", parameter)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return resources.merge_template("prod")


def test_the_functions_take_their_providers_from_the_stacks_parameters(
    template: dict[str, Any],
) -> None:
    parameters = template["Parameters"]
    assert parameters["SmsProvider"]["AllowedValues"] == ["sns", "tencent"]
    assert parameters["MailProvider"]["AllowedValues"] == ["ses", "smtp"]
    assert (parameters["SmsProvider"]["Default"], parameters["MailProvider"]["Default"]) == (
        "sns",
        "ses",
    )
    functions, _ = resources.chalice_functions()
    for name in functions:
        variables = template["Resources"][name]["Properties"]["Environment"]["Variables"]
        for variable, parameter in resources.NOTIFY_VARIABLES.items():
            assert variables[variable] == {"Ref": parameter}, (name, variable)
            assert parameter in parameters


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        k: r["Properties"]
        for k, r in template["Resources"].items()
        if r.get("Type") == "AWS::CloudWatch::Alarm"
    }


def test_every_alarm_tells_the_operators_topic_and_watches_a_real_metric(
    template: dict[str, Any],
) -> None:
    found = alarms(template)
    # GIVEN the alarms the issue asks for: 5xx, both dead-letter queues, the events
    # handler's errors, notification failures, late steps
    _, on_sqs = resources.chalice_functions()
    assert set(found) == {
        resources.ALARM_ID,
        "ScheduledDeadLetterQueueAlarm",
        "ApiServerErrorsAlarm",
        "NotificationFailuresAlarm",
        "LateStepsAlarm",
        *(f"{n}ErrorsAlarm" for n in on_sqs),
    }
    for name, alarm in found.items():
        # THEN each tells the alarm topic (an SNS topic: aws-cn has SNS, not its SMS)
        assert alarm["AlarmActions"] == [{"Ref": resources.ALARM_TOPIC_ID}], name
        assert alarm["TreatMissingData"] == "notBreaching", name
        # AND our own metrics are ones the code writes, with the dimension it writes
        if alarm["Namespace"] == metrics.NAMESPACE:
            assert alarm["MetricName"] in metrics.METRICS, name
            assert alarm["Dimensions"] == [{"Name": metrics.DIMENSION, "Value": PROD["STAGE"]}]
    # AND the 5xx alarm watches the API Chalice deploys, its stage as config.json names it
    config = json.loads((resources.PROJECT_DIR / ".chalice" / "config.json").read_text())
    api = {d["Name"]: d["Value"] for d in found["ApiServerErrorsAlarm"]["Dimensions"]}
    assert api == {"ApiName": config["app_name"], "Stage": config["api_gateway_stage"]}
    # AND nothing names a partition or a region
    assert "arn:aws" not in json.dumps(found) and "us-east-1" not in json.dumps(found)


def test_the_dashboard_shows_every_metric_and_every_alarm(template: dict[str, Any]) -> None:
    body = template["Resources"][resources.DASHBOARD_ID]["Properties"]["DashboardBody"]["Fn::Sub"]
    # GIVEN its body as CloudFormation substitutes it (each ${...} a pseudo parameter or
    # a resource of the template)
    names = set(re.findall(r"\$\{([^}]+)\}", body))
    for name in names:
        logical = name.removesuffix(".Arn")
        assert name == "AWS::Region" or logical in template["Resources"], name
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "X", body))["widgets"]
    lines = [m for w in widgets if w["type"] == "metric" for m in w["properties"]["metrics"]]
    shown = {m[1] for m in lines if isinstance(m[0], str)} | {  # a metric, or a search of one
        name
        for m in lines
        if isinstance(m[0], dict)
        for name in re.findall(r'MetricName="(\w+)"', m[0]["expression"])
    }
    # THEN every metric the code counts is on it, and every alarm
    assert set(metrics.METRICS) <= shown
    [alarm_widget] = [w for w in widgets if w["type"] == "alarm"]
    assert len(alarm_widget["properties"]["alarms"]) == len(alarms(template))


def test_the_deploy_guide_says_what_each_alarm_means_and_what_to_do(
    template: dict[str, Any],
) -> None:
    guide = (resources.PROJECT_DIR / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+Alarm)` \| [^|]+ \| [^|]+ \|$", guide, re.MULTILINE)
    assert sorted(rows) == sorted(alarms(template))
