"""防疫物资申领: an enterprise that may resume work orders epidemic supplies (masks,
disinfectant, thermometers) from its town's stock.

The town's task force approves the order; the approval takes the quantities from the
town's stock in the same transaction, each only if enough is left, so that no level
goes below zero however many orders are approved at once. An order the stock cannot
cover when it is approved is refused, naming what is left, and the enterprise may order
again within it (see chalicelib/filing/stock.py, and refuse_beyond_stock in
chalicelib/filing/advance.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import ConfigDict, ValidationInfo, field_validator

from chalicelib.core.roles import TOWN_OFFICE
from chalicelib.core.workflow import ACTIVE, APPROVED, Stage, Step, Workflow
from chalicelib.forms.messages import rule_error
from chalicelib.forms.spec import Figure, FilingView, FormSpec, Reference
from chalicelib.forms.types import (
    Count,
    FilingId,
    FormModel,
    MobilePhone,
    OptionalEmail,
    TownName,
    bounded_text,
    labelled,
    optional_text,
)

# The items, as the stock names them (chalicelib.filing.stock.ITEMS), and the most one order may
# ask for: more is a typing slip or a warehouse's order, not an enterprise's.
ITEMS = ("masks", "disinfectant", "thermometers")
# At most this much of an item in one order; the fields' hints below say so in words
# (literal, so that the pages' catalogue can translate them; a unit test holds them equal).
PER_ORDER = {"masks": 10_000, "disinfectant": 100, "thermometers": 50}
_UNITS = {
    "masks": ("只", "masks"),
    "disinfectant": ("桶", "barrels of disinfectant"),
    "thermometers": ("支", "thermometers"),
}


class SuppliesOrder(FormModel):
    """已通过复工备案的企业，向所在镇（乡、街道）申领防疫物资，由镇街专班审核发放。"""

    model_config = ConfigDict(title="防疫物资申领")

    enterprise_filing_id: FilingId = labelled(
        "企业复工备案编号",
        "Enterprise's filing id",
        "本企业复工备案的编号，须已通过复工备案",
    )
    enterprise_name: Annotated[str, bounded_text(2, 100)] = labelled(
        "企业名称", "Enterprise name", "与营业执照一致"
    )
    town: TownName = labelled(
        "所在镇（乡、街道）", "Town", "从企业所在镇（乡、街道）的储备中发放，须与复工备案一致"
    )
    contact_name: Annotated[str, bounded_text(1, 50)] = labelled(
        "联系人", "Contact person", "负责领取物资的联系人"
    )
    contact_phone: MobilePhone = labelled(
        "联系电话", "Contact mobile number", "11位手机号码，用于接收审核结果短信"
    )
    contact_email: OptionalEmail = labelled(
        "电子邮箱", "Contact email", "选填，用于接收审核结果", default=None
    )
    masks: Count = labelled("口罩（只）", "Masks", "本次申领数量，不超过10000只", default=0)
    disinfectant: Count = labelled(
        "消毒液（桶）",
        "Disinfectant (barrels)",
        "本次申领数量，不超过100桶",
        default=0,
    )
    thermometers: Count = labelled(
        "体温计（支）",
        "Thermometers",
        "本次申领数量，不超过50支",
        default=0,
        validate_default=True,  # left out, it must still meet the nothing-ordered rule
    )
    purpose: Annotated[str | None, optional_text(200, multiline=True)] = labelled(
        "用途说明", "Purpose", "选填，如员工人数、使用场所", default=None
    )

    @field_validator(*ITEMS)
    @classmethod
    def _within_one_order(cls, quantity: int, info: ValidationInfo) -> int:
        cap = PER_ORDER[str(info.field_name)]
        if quantity > cap:
            zh, en = _UNITS[str(info.field_name)]
            raise rule_error(
                "order_exceeds_cap",
                f"单次申领不超过{cap}{zh}",
                f"At most {cap} {en} per order",
            )
        return quantity

    @field_validator("thermometers")
    @classmethod
    def _something_ordered(cls, thermometers: int, info: ValidationInfo) -> int:
        # The last item: the others are known here (absent from info.data when they were
        # bad themselves, and then their own messages say enough).
        others = [info.data.get(item) for item in ITEMS[:-1]]
        if thermometers == 0 and all(n == 0 for n in others):
            raise rule_error(
                "nothing_ordered",
                "口罩、消毒液、体温计至少申领一种",
                "Order at least one of masks, disinfectant or thermometers",
            )
        return thermometers


def draws(data: Mapping[str, Any]) -> dict[str, int]:
    """What an approved order takes from its town's stock."""
    return {item: int(data.get(item) or 0) for item in ITEMS}


def _quantity(item: str) -> Callable[[FilingView], int]:
    def value(filing: FilingView) -> int:
        return int(filing.data.get(item) or 0)

    return value


# Quantities handed out (orders standing approved) and asked for (orders waiting).
FIGURES = tuple(
    Figure(f"{item}_{kind}", statuses, _quantity(item))
    for item in ITEMS
    for kind, statuses in (("approved", APPROVED), ("requested", ACTIVE))
)

WORKFLOW = Workflow(
    stages=(
        Stage(
            steps=(
                Step(
                    id="town",
                    title="镇街专班审核发放",
                    title_en="Town task force review",
                    role=TOWN_OFFICE,
                    route_field="town",
                    due_hours=24,
                ),
            )
        ),
    )
)


def schema_rules() -> dict[str, Any]:
    """What `_within_one_order` and `_something_ordered` refuse, said for the published
    schema."""
    return {
        "properties": {item: {"maximum": cap} for item, cap in PER_ORDER.items()},
        "anyOf": [{"required": [item], "properties": {item: {"minimum": 1}}} for item in ITEMS],
    }


SPEC = FormSpec(
    id="supplies-order",
    title="防疫物资申领",
    title_en="Epidemic supplies order",
    model=SuppliesOrder,
    workflow=WORKFLOW,
    unique_field=None,  # an enterprise may order again, once its stock runs low
    town_field="town",
    applicant_field="enterprise_name",
    applicant_email_field="contact_email",
    applicant_phone_field="contact_phone",
    personal_fields=("contact_phone", "contact_email"),
    documents={},
    references={
        "enterprise_filing_id": Reference(
            form="enterprise-resumption",
            status="approved",
            message_zh="企业须已通过复工备案",
            message_en="The enterprise must have an approved work-resumption filing",
            same={"town": "town"},
            same_zh="须与企业复工备案的所在镇（乡、街道）一致",
            same_en="Must be the town of the enterprise's filing",
        )
    },
    figures=FIGURES,
    draws=draws,
    schema_rules=schema_rules,
)
