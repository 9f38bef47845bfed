"""Shared by the rules tests of the forms: a baseline that passes every rule, and the two
questions each test asks of a change to it: is it accepted, and if refused, with which
messages. An enterprise claim's baseline (charter and support subsidies, service
requests) starts with the enterprise's fields; a form of its own starts with nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import BaseModel

from chalicelib.core.errors import ValidationFailed
from chalicelib.forms import FormSpec, get_form

MISSING = object()  # a change that removes the field
REQUIRED = "请填写此项"
ENTERPRISE_FILING = "0123456789abcdef0123456789abcdef"
UPLOAD = "uploads/{form}/{field}/0123456789abcdef0123456789abcdef.{ext}"


def enterprise_fields() -> dict[str, Any]:
    """The fields every enterprise claim starts with."""
    return {
        "enterprise_filing_id": ENTERPRISE_FILING,
        "enterprise_name": "金华市婺城区示例机械有限公司",
        "town": "白龙桥镇",
        "contact_name": "王五",
        "contact_phone": "13905791234",
        "contact_email": "wang@example.com",
    }


@dataclass(frozen=True)
class FormRules:
    form_id: str
    baseline: dict[str, Any]
    starts_with: dict[str, Any] = field(default_factory=enterprise_fields)

    @property
    def spec(self) -> FormSpec:
        return get_form(self.form_id)

    def data(self, **changes: Any) -> dict[str, Any]:
        data = {**self.starts_with, **self.baseline}
        for name, value in changes.items():
            if value is MISSING:
                data.pop(name, None)
            else:
                data[name] = value
        return data

    def accepted(self, lang: str = "zh", **changes: Any) -> BaseModel:
        return self.spec.validate(self.data(**changes), lang)

    def refused(self, lang: str = "zh", **changes: Any) -> dict[str, str]:
        with pytest.raises(ValidationFailed) as caught:
            self.spec.validate(self.data(**changes), lang)
        return caught.value.fields
