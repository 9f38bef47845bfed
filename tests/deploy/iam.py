"""A small IAM evaluator: enough of IAM's rules to check that a policy allows a request.

An explicit Deny wins; otherwise a matching Allow allows. Actions match exactly
(case-insensitive: the policies under test name every action, no wildcards);
resources match with IAM's `*` and `?` wildcards, segment by segment of the ARN;
conditions understood: StringEquals, StringLike, ArnEquals, ArnLike (a key the
request does not carry fails the condition, as in IAM).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"  # moto's account: the deployed names are computed for it


def load_policy(stage: str) -> dict[str, Any]:
    return json.loads((PROJECT_DIR / ".chalice" / f"policy-{stage}.json").read_text())


# The two partitions' stacks the tests evaluate the packaged policy in.
STACKS = {"aws": "us-east-1", "aws-cn": "cn-northwest-1"}


def substituted(value: Any, values: dict[str, str]) -> Any:
    """A template's fragment with every `Fn::Sub` done, as CloudFormation does it for
    one stack (values: `AWS::Partition`, `AWS::Region`, `AWS::AccountId`, ...)."""
    if isinstance(value, dict):
        if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
            return re.sub(r"\$\{([^}!]+)\}", lambda m: values[m.group(1)], value["Fn::Sub"])
        return {k: substituted(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [substituted(v, values) for v in value]
    return value


def stack_policy(
    partition: str, account: str = ACCOUNT, *, sms: str = "sns", mail: str = "ses"
) -> dict[str, Any]:
    """The prod stack's policy as IAM sees it, deployed in `partition`'s region with
    these notification providers (the stack's SmsProvider and MailProvider)."""
    from infra import policy, resources

    values = {
        "AWS::Partition": partition,
        "AWS::Region": STACKS[partition],
        "AWS::AccountId": account,
    }
    conditions = {
        policy.MAIL_THROUGH_SES: mail == "ses",
        policy.SMS_THROUGH_SNS: sms == "sns",
        policy.NOTIFY_THROUGH_PROVIDERS: mail != "ses" or sms != "sns",
    }
    return dict(substituted(decided(resources.template_policy("prod"), conditions), values))


def decided(value: Any, conditions: dict[str, bool]) -> Any:
    """A template's fragment with every `Fn::If` decided, `AWS::NoValue` dropped."""
    if isinstance(value, dict):
        if set(value) == {"Fn::If"}:
            name, then, otherwise = value["Fn::If"]
            return decided(then if conditions[name] else otherwise, conditions)
        return {k: decided(v, conditions) for k, v in value.items()}
    if isinstance(value, list):
        items = [decided(v, conditions) for v in value]
        return [v for v in items if v != {"Ref": "AWS::NoValue"}]
    return value


def in_partition(arn: str, partition: str) -> str:
    """A request's ARN recorded in us-east-1 (moto's), as the same call in `partition`."""
    if partition == "aws" or arn == "*":
        return arn
    _, _, service, region, rest = arn.split(":", 4)
    return ":".join(("arn", partition, service, STACKS[partition] if region else region, rest))


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    found = policy["Statement"]
    return [found] if isinstance(found, dict) else list(found)


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _glob(pattern: str, value: str, *, fold: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.IGNORECASE | re.DOTALL if fold else re.DOTALL
    return re.fullmatch(regex, value, flags) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    """IAM's resource match: `*` alone matches all; otherwise the six segments of an
    ARN match one by one (the last, the resource, may hold colons of its own)."""
    if pattern == "*":
        return True
    if arn == "*":
        return False  # an action without a resource is allowed only by "*"
    wanted, got = pattern.split(":", 5), arn.split(":", 5)
    return len(wanted) == len(got) == 6 and all(map(_glob, wanted, got))


def _substitute(value: str, context: dict[str, str]) -> str:
    """Policy variables, `${aws:PrincipalAccount}`, from the request's context."""
    return re.sub(r"\$\{([^}]+)\}", lambda m: context.get(m.group(1), "\0"), value)


def _condition_holds(condition: dict[str, dict[str, Any]], context: dict[str, str]) -> bool:
    tests = {
        "StringEquals": lambda p, v: p == v,
        "StringLike": _glob,
        "ArnEquals": lambda p, v: p == v,
        "ArnLike": arn_matches,
    }
    for operator, pairs in condition.items():
        if operator not in tests:
            raise ValueError(f"condition operator {operator} is not understood here")
        for key, wanted in pairs.items():
            if key not in context:
                return False
            values = [_substitute(w, context) for w in _listed(wanted)]
            if not any(tests[operator](v, context[key]) for v in values):
                return False
    return True


def _statement_matches(
    statement: dict[str, Any], action: str, resource: str, context: dict[str, str]
) -> bool:
    if "NotAction" in statement or "NotResource" in statement:
        raise ValueError("NotAction / NotResource are not understood here")
    if not any(_glob(a, action, fold=True) for a in _listed(statement["Action"])):
        return False
    if not any(arn_matches(r, resource) for r in _listed(statement["Resource"])):
        return False
    return _condition_holds(statement.get("Condition", {}), context)


def allows(
    policy: dict[str, Any], action: str, resource: str, context: dict[str, str] | None = None
) -> bool:
    keys = {"aws:PrincipalAccount": ACCOUNT, **(context or {})}  # the role's own account
    allowed = False
    for statement in statements(policy):
        if _statement_matches(statement, action, resource, keys):
            if statement["Effect"] == "Deny":
                return False
            allowed = True
    return allowed


@cache
def _stage_names() -> tuple[tuple[str, str], ...]:
    """The local stage's names (as the tests run) -> the prod stage's (as deployed)."""
    from infra import resources

    local = resources.stage_environment("local")
    prod = resources.stage_environment("prod")
    return (
        (f":table/{local['TABLE_PREFIX']}", f":table/{prod['TABLE_PREFIX']}"),
        (
            f":::{local['DOCUMENTS_BUCKET']}",
            f":::{resources.deployed_bucket_name(prod['DOCUMENTS_BUCKET'], ACCOUNT)}",
        ),
    )


def to_prod_arn(arn: str) -> str:
    for local, prod in _stage_names():
        if local in arn:
            return arn.replace(local, prod, 1)
    return arn
