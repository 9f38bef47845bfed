"""What a person reads for a stored code: the Chinese label of each coded value (its
English beside it), where a form stores a code rather than the words (the contract's
worker-return fields). Stored values stay the codes the contract names."""

from __future__ import annotations

from typing import Any

CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "origin_risk": {
        "low": ("低风险", "Low risk"),
        "medium": ("中风险", "Medium risk"),
        "high": ("高风险", "High risk"),
    },
    "health_code": {
        "green": ("绿码", "Green code"),
        "yellow": ("黄码", "Yellow code"),
        "red": ("红码", "Red code"),
    },
    "travel_mode": {
        "train": ("火车", "Train"),
        "charter": ("包车", "Chartered coach"),
        "bus": ("客车", "Coach"),
        "car": ("自驾", "Car"),
        "air": ("飞机", "Air"),
        "other": ("其他", "Other"),
    },
}


def code_label(field: str, value: Any, lang: str = "zh") -> Any:
    """The label of a field's coded value; any other value as it is."""
    labels = CODE_LABELS.get(field)
    if labels is None or not isinstance(value, str) or value not in labels:
        return value
    zh, en = labels[value]
    return en if lang == "en" else zh
