"""The product's figures as CloudWatch metrics, in the Embedded Metric Format: one JSON
line on stdout per count, which Lambda's log agent turns into a metric of the namespace
`Jiafuwu` with the dimension `Stage` (no API call, no client, nothing to import: the
standard library's json). The alarms and the dashboard (infra/resources.py) read them.

Off in the local stage (METRICS=on turns them on); a count never fails its caller.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from chalicelib.logs import correlation_id, filing_id
from chalicelib.settings import get_settings

NAMESPACE = "Jiafuwu"
DIMENSION = "Stage"
# Every metric the code counts, and what one count is (the alarms and dashboard name them)
METRICS = {
    "Submissions": "a filing accepted (201)",
    "Decisions": "an approver's decision recorded",
    "DocumentsIssued": "a document rendered and stored",
    "NotificationFailures": "a message a provider did not take (its event is retried)",
    "RateLimitRefusals": "a request refused 429 by a per-client limit",
    "ServerErrors": "an API answer of 5xx (503 brown-outs included)",
    "LateSteps": "a step found past its due time (a reminder or an escalation sent)",
    "DecisionSeconds": "from a filing's submission to one step's decision, by step",
}
# A metric's unit, where it is not a count, and its own dimensions beside the stage's
UNITS = {"DecisionSeconds": "Seconds"}
BY = {"DecisionSeconds": ("Step",)}


def count(name: str, value: float = 1, **properties: Any) -> None:
    """Count `value` of `name`; `properties` ride along as searchable fields (never a
    person's data: a channel, a form, a step), not as dimensions."""
    if name not in METRICS:
        raise ValueError(f"unknown metric {name!r}")
    settings = get_settings()
    if not settings.metrics_enabled:
        return
    by = BY.get(name, ())
    dimensions = [[DIMENSION], [DIMENSION, *by]] if by else [[DIMENSION]]
    record = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": dimensions,
                    "Metrics": [{"Name": name, "Unit": UNITS.get(name, "Count")}],
                }
            ],
        },
        DIMENSION: settings.stage,
        name: value,
        "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""),
        "correlation_id": correlation_id(),
        "filing_id": filing_id(),
        **{k: str(v) for k, v in properties.items()},
    }
    missing = [d for d in by if d not in record]
    if missing:
        raise ValueError(f"{name} is counted by {missing}")
    try:
        sys.stdout.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    except (OSError, ValueError):
        pass  # a figure is not worth a failed filing
