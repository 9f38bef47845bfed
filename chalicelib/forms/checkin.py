"""What a check-in (and a day of observation) records: the temperature and the symptoms.

A step input (Step.inputs) of worker-return's two check-ins; the daily report of the
observation takes the same fields. The rules of what is a fever are core/supervision.py's.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from chalicelib.core import supervision
from chalicelib.forms.messages import rule_error
from chalicelib.forms.spec import with_code_labels
from chalicelib.forms.types import FormModel, labelled

TEMPERATURE_PATTERN = r"^[0-9]{2}(\.[0-9])?$"
SYMPTOMS_PATTERN = "^[a-z_]+(,[a-z_]+)*$"


def _temperature(value: object) -> Decimal:
    text = str(value).strip() if isinstance(value, str | int | Decimal) else ""
    bad = rule_error(
        "temperature",
        "请填写体温，35.0至42.0之间，最多一位小数，如36.5",
        "Enter the temperature, 35.0 to 42.0, at most one decimal, e.g. 36.5",
    )
    if not re.fullmatch(TEMPERATURE_PATTERN, text):
        raise bad
    try:
        degrees = Decimal(text)
    except InvalidOperation:
        raise bad from None
    if not supervision.TEMPERATURE_MIN <= degrees <= supervision.TEMPERATURE_MAX:
        raise bad
    return degrees.quantize(Decimal("0.1"))


def _symptoms(value: object) -> str:
    try:
        codes = supervision.parse_symptoms(value if isinstance(value, str | list) else None)
    except ValueError:
        raise rule_error(
            "symptoms",
            "请勾选症状；没有症状请勾选“无上述症状”（不能与症状同时勾选）",
            "Tick the symptoms; with none, tick “none of these” (not beside a symptom)",
        ) from None
    return ",".join(codes) or supervision.NO_SYMPTOMS


Celsius = Annotated[
    Decimal,
    BeforeValidator(_temperature),
    PlainSerializer(lambda degrees: f"{degrees:.1f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": TEMPERATURE_PATTERN, "format": "celsius"}),
]
"""A body temperature in °C, 35.0..42.0 with one decimal: a Decimal, stored as "36.5"."""

Symptoms = Annotated[
    str,
    BeforeValidator(_symptoms),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": SYMPTOMS_PATTERN,
            "format": "symptoms",
            "description": "comma-separated codes, or none",
        }
    ),
]
"""The symptoms' codes, comma-separated in their declared order, or "none"."""


class HealthCheck(FormModel):
    """A check-in's health: 37.3 °C or above, or any symptom, does not check in."""

    temperature: Celsius = labelled("体温（℃）", "Temperature (°C)", "35.0至42.0，一位小数")
    symptoms: Symptoms = with_code_labels(
        labelled("症状", "Symptoms", "可多选；没有症状请勾选“无上述症状”"),
        supervision.SYMPTOM_LABELS,
    )

    def health(self) -> supervision.Health:
        codes = () if self.symptoms == supervision.NO_SYMPTOMS else self.symptoms.split(",")
        return supervision.Health(self.temperature, tuple(codes))


def health_of(values: dict[str, object]) -> supervision.Health | None:
    """The health a step's stored inputs hold ({"temperature": "36.5", ...}), if any."""
    if "temperature" not in values:
        return None
    return HealthCheck.model_validate(
        {"temperature": values["temperature"], "symptoms": values.get("symptoms", "none")}
    ).health()
