"""What the forms an approved enterprise files have in common: the filing they name,
who the enterprise is, and the approved amount a decider sets on a claim.

The subsidy claims (charter-subsidy, support-subsidy) and service requests each name
the enterprise's approved work-resumption filing (a Reference checked at submission)
and give the contact that is told each decision.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, ClassVar

from pydantic import ValidationInfo, field_validator

from chalicelib.core.workflow import APPROVED, OPEN_OR_APPROVED
from chalicelib.forms.messages import rule_error
from chalicelib.forms.spec import Figure, FilingView, Reference
from chalicelib.forms.types import (
    FilingId,
    FormModel,
    MobilePhone,
    OptionalEmail,
    TownName,
    Yuan,
    bounded_text,
    labelled,
)

ENTERPRISE_APPROVED = Reference(
    form="enterprise-resumption",
    status="approved",
    message_zh="须为已通过复工备案的企业，请填写复工备案编号",
    message_en="The enterprise must have an approved work-resumption filing; enter its id",
    # Counted, and routed (the town's office, its instructors), in the enterprise's town.
    same={"town": "town"},
    same_zh="须与企业复工备案的所在镇（乡、街道）一致",
    same_en="Must be the town of the enterprise's filing",
)


class EnterpriseClaim(FormModel):
    """Fields every enterprise claim starts with (declared first, shown first)."""

    enterprise_filing_id: FilingId = labelled(
        "复工备案编号", "Work-resumption filing id", "企业复工备案通过后进度链接中的编号"
    )
    enterprise_name: Annotated[str, bounded_text(2, 100)] = labelled(
        "企业名称", "Enterprise name", "与营业执照一致"
    )
    town: TownName = labelled("所在镇（乡、街道）", "Town", "企业所在的婺城区镇（乡、街道）")
    contact_name: Annotated[str, bounded_text(1, 50)] = labelled(
        "联系人", "Contact person", "办理此事项的联系人"
    )
    contact_phone: MobilePhone = labelled(
        "联系电话", "Contact mobile number", "11位手机号码，用于接收办理结果短信"
    )
    contact_email: OptionalEmail = labelled(
        "电子邮箱", "Contact email", "选填，用于接收办理结果和通知书", default=None
    )


ENTERPRISE_PERSONAL = ("contact_name", "contact_phone", "contact_email")


class ApprovedAmount(FormModel):
    """A decision input: the amount approved, at most what was claimed. A subclass names
    the claim's field (`claim_field`); the filing's data comes in the context."""

    claim_field: ClassVar[str]

    approved_amount: Yuan = labelled(
        "核定金额（元）", "Approved amount (yuan)", "不超过申请金额，最多两位小数"
    )

    @field_validator("approved_amount")
    @classmethod
    def _at_most_the_claim(cls, amount: Decimal, info: ValidationInfo) -> Decimal:
        context: dict[str, Any] = info.context if isinstance(info.context, dict) else {}
        claimed = context.get("data", {}).get(cls.claim_field)
        if claimed is not None and amount > Decimal(str(claimed)):
            raise rule_error(
                "above_claim",
                f"核定金额不能超过申请金额（{claimed}元）",
                f"The approved amount cannot exceed the amount claimed ({claimed} yuan)",
            )
        return amount


def whole_yuan(amount: object) -> int:
    """A stored amount ("48000.50") as whole yuan, half up, for the statistics: exact
    integer arithmetic on the Decimal, never a float. None counts 0."""
    if amount is None:
        return 0
    return int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def claim_figures(claim_field: str, approving_step: str) -> tuple[Figure, ...]:
    """A subsidy claim's statistics: the claims and the yuan claimed while open or
    approved, the yuan approved (the approving step's output) while approved."""

    def claimed(filing: FilingView) -> int:
        return whole_yuan(filing.data.get(claim_field))

    def approved(filing: FilingView) -> int:
        return whole_yuan(filing.output(approving_step, "approved_amount"))

    return (
        Figure("claims", OPEN_OR_APPROVED, lambda filing: 1),
        Figure("amount_claimed", OPEN_OR_APPROVED, claimed),
        Figure("amount_approved", APPROVED, approved),
    )
