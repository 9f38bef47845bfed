"""帮扶10条 support subsidies: an approved enterprise claims its costs of epidemic
supplies (防疫物资), rent (房租) or recruiting (招工), with a supporting file.

Each category has a limit (`SUPPORT_LIMITS`, see settings); a claim above it is refused
at submission. The town checks the claim, then the district sets the amount approved
(at most the claim), which the approval notice states.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import ConfigDict, ValidationInfo, field_validator

from chalicelib.core.i18n import N_
from chalicelib.core.roles import DISTRICT_OFFICE, TOWN_OFFICE
from chalicelib.core.workflow import Stage, Step, Workflow
from chalicelib.forms.enterprise_claims import (
    ENTERPRISE_APPROVED,
    ENTERPRISE_PERSONAL,
    ApprovedAmount,
    EnterpriseClaim,
    claim_figures,
)
from chalicelib.forms.messages import rule_error
from chalicelib.forms.spec import CSV, PDF, XLSX, FormSpec, Upload, same_words, with_code_labels
from chalicelib.forms.types import UploadKey, Yuan, labelled, optional_text
from chalicelib.settings import get_settings

Category = Literal["防疫物资", "房租", "招工"]
CATEGORIES: tuple[str, ...] = get_args(Category)
CATEGORY_WORDS = same_words(N_("防疫物资"), N_("房租"), N_("招工"))
JPEG, PNG = "image/jpeg", "image/png"  # a receipt photographed with the phone


def limit_of(category: str) -> int:
    """The most a claim of this category may ask, in yuan (settings, read lazily)."""
    return get_settings().support_limits[category]


class SupportSubsidy(EnterpriseClaim):
    """已通过复工备案的企业，按“帮扶10条”申请防疫物资、房租或招工补助。"""

    model_config = ConfigDict(title="帮扶补助")

    category: Category = with_code_labels(
        labelled("补助类别", "Category", "防疫物资、房租或招工；每类补助有上限"),
        CATEGORY_WORDS,
    )
    amount: Yuan = labelled("申请金额（元）", "Amount claimed (yuan)", "不超过该类别的补助上限")
    description: Annotated[str | None, optional_text(200, multiline=True)] = labelled(
        "申请说明", "Description", "选填，简要说明费用构成", default=None
    )
    supporting_file: UploadKey = labelled(
        "证明材料", "Supporting file", "发票、合同或清单：PDF、图片、CSV 或 XLSX，不超过5MB"
    )

    @field_validator("amount")
    @classmethod
    def _within_the_limit(cls, amount: Decimal, info: ValidationInfo) -> Decimal:
        category = info.data.get("category")
        if category is None:  # its own message says enough
            return amount
        limit = limit_of(str(category))
        if amount > limit:
            raise rule_error(
                "above_limit",
                f"{category}补助每家企业最多{limit}元",
                f"A {category} subsidy is at most {limit} yuan",
            )
        return amount


class SupportApproved(ApprovedAmount):
    claim_field: ClassVar[str] = "amount"


WORKFLOW = Workflow(
    stages=(
        Stage(
            steps=(
                Step(
                    id="town",
                    title="镇街初审",
                    title_en="Town review",
                    role=TOWN_OFFICE,
                    route_field="town",
                    due_hours=24,
                ),
            )
        ),
        Stage(
            steps=(
                Step(
                    id="district",
                    title="区三服务办核定",
                    title_en="District service office approval",
                    role=DISTRICT_OFFICE,
                    due_hours=24,
                    inputs=SupportApproved,
                    approve_label=N_("核定并通过"),
                ),
            ),
            documents=("notice",),
        ),
    )
)


def schema_rules() -> dict[str, Any]:
    """What `_within_the_limit` refuses, named for the published schema (an amount is
    text: JSON Schema cannot bound it by another field's value)."""
    limits = {category: limit_of(category) for category in CATEGORIES}
    return {"properties": {"amount": {"x-at-most-by": {"field": "category", "limits": limits}}}}


SPEC = FormSpec(
    id="support-subsidy",
    title="帮扶补助",
    title_en="Enterprise support subsidy",
    model=SupportSubsidy,
    workflow=WORKFLOW,
    unique_field=None,
    town_field="town",
    applicant_field="enterprise_name",
    applicant_email_field="contact_email",
    applicant_phone_field="contact_phone",
    personal_fields=ENTERPRISE_PERSONAL,
    documents={"notice": ("帮扶补助核定通知书", "Support subsidy approval notice")},
    references={"enterprise_filing_id": ENTERPRISE_APPROVED},
    uploads={"supporting_file": Upload(types=(PDF, JPEG, PNG, CSV, XLSX))},
    figures=claim_figures("amount", "district"),
    schema_rules=schema_rules,
)
