"""助企服务: an approved enterprise reports a problem; a resident instructor solves it.

The district's service office (三服务办) assigns the request to one of the town's
resident instructors (驻企指导员, offered from the directory); the instructor, sent a
link of their own, records the resolution (for labour, the workers delivered; for all,
the economic loss avoided); the enterprise then confirms, or reopens the request, which
goes back to the instructor with a new link and the reason kept in the timeline.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, ValidationInfo, field_validator

from chalicelib.core.i18n import N_
from chalicelib.core.roles import DISTRICT_OFFICE, EMPLOYER_CONTACT, INSTRUCTOR
from chalicelib.core.workflow import APPROVED, Stage, Step, Workflow
from chalicelib.forms.enterprise_claims import (
    ENTERPRISE_APPROVED,
    ENTERPRISE_PERSONAL,
    EnterpriseClaim,
)
from chalicelib.forms.messages import rule_error
from chalicelib.forms.spec import Figure, FilingView, FormSpec, same_words, with_code_labels
from chalicelib.forms.types import (
    MAX_EMPLOYEES,
    Count,
    FormModel,
    bounded_text,
    contact_choice,
    labelled,
    optional_text,
    whole_number,
)

Category = Literal["用工", "技术", "物资", "资金", "物流", "政策"]
CATEGORIES: tuple[str, ...] = get_args(Category)
CATEGORY_WORDS = same_words(N_("用工"), N_("技术"), N_("物资"), N_("资金"), N_("物流"), N_("政策"))
LABOUR = "用工"
Urgency = Literal["一般", "紧急", "特急"]
URGENCIES: tuple[str, ...] = get_args(Urgency)
URGENCY_WORDS = same_words(N_("一般"), N_("紧急"), N_("特急"))


def _labour_needs(value: int | None, info: ValidationInfo, data: dict[str, Any]) -> int | None:
    if data.get("category") == LABOUR and value is None:
        raise rule_error(
            f"{info.field_name}_required",
            "用工需求须填写此项",
            "Required for a labour request",
        )
    return value


class ServiceRequest(EnterpriseClaim):
    """已通过复工备案的企业反映复工复产中遇到的困难，由驻企指导员上门服务。"""

    model_config = ConfigDict(title="助企服务")

    category: Category = with_code_labels(
        labelled("问题类别", "Category", "用工、技术、物资、资金、物流或政策"), CATEGORY_WORDS
    )
    urgency: Urgency = with_code_labels(
        labelled("紧急程度", "Urgency", "一般、紧急或特急"), URGENCY_WORDS
    )
    description: Annotated[str, bounded_text(5, 500, multiline=True)] = labelled(
        "问题描述", "Description", "遇到的困难和希望得到的帮助"
    )
    workers_needed: Annotated[int, whole_number(0, MAX_EMPLOYEES)] | None = labelled(
        "用工缺口（人）",
        "Workers needed",
        "用工类必填：还需要的员工人数",
        default=None,
        validate_default=True,
    )
    workers_on_duty: Annotated[int, whole_number(0, MAX_EMPLOYEES)] | None = labelled(
        "在岗人数（人）",
        "Workers on duty",
        "用工类必填：目前在岗的员工人数",
        default=None,
        validate_default=True,
    )

    @field_validator("workers_needed", "workers_on_duty")
    @classmethod
    def _labour(cls, value: int | None, info: ValidationInfo) -> int | None:
        return _labour_needs(value, info, info.data)


class Assignment(FormModel):
    """The service office's decision input: which of the town's instructors goes."""

    instructor: Annotated[str, contact_choice(INSTRUCTOR, "town")] = labelled(
        "驻企指导员", "Resident instructor", "从企业所在镇（乡、街道）的指导员中选择"
    )


class Resolution(FormModel):
    """The instructor's decision input: what was done, what it saved."""

    resolution: Annotated[str, bounded_text(2, 500, multiline=True)] = labelled(
        "办理情况", "Resolution", "如何解决了企业的困难"
    )
    workers_delivered: Annotated[int, whole_number(0, MAX_EMPLOYEES)] | None = labelled(
        "已输送员工（人）",
        "Workers delivered",
        "用工类必填：已帮助企业招到的员工人数",
        default=None,
        validate_default=True,
    )
    loss_avoided: Count = labelled(
        "减少经济损失（元）", "Economic loss avoided (yuan)", "估算的整数金额"
    )
    note: Annotated[str | None, optional_text(200, multiline=True)] = labelled(
        "备注", "Note", "选填", default=None
    )

    @field_validator("workers_delivered")
    @classmethod
    def _labour(cls, value: int | None, info: ValidationInfo) -> int | None:
        context = info.context if isinstance(info.context, dict) else {}
        return _labour_needs(value, info, context.get("data", {}))


WORKFLOW = Workflow(
    stages=(
        Stage(
            steps=(
                Step(
                    id="assign",
                    title="区三服务办派单",
                    title_en="Assignment by the district service office",
                    role=DISTRICT_OFFICE,
                    due_hours=4,
                    inputs=Assignment,
                    approve_label=N_("派单"),
                    reject_label=N_("不予受理"),
                ),
            )
        ),
        Stage(
            steps=(
                Step(
                    id="resolve",
                    title="驻企指导员办理",
                    title_en="Resident instructor's resolution",
                    role=INSTRUCTOR,
                    route_input="assign.instructor",
                    due_hours=72,
                    inputs=Resolution,
                    approve_label=N_("提交办理结果"),
                    reject_label=N_("无法办理"),
                ),
            )
        ),
        Stage(
            steps=(
                Step(
                    id="confirm",
                    title="企业确认",
                    title_en="Enterprise confirmation",
                    role=EMPLOYER_CONTACT,
                    route_field="enterprise_filing_id",
                    due_hours=72,
                    reopen_to="resolve",
                    approve_label=N_("确认已解决"),
                    reject_label=N_("未解决，重新办理"),
                ),
            )
        ),
    )
)


def _resolved(name: str) -> Figure:
    """A figure of the resolution (the instructor's output) that counts once the
    enterprise confirmed it: `approved` is this form's resolved."""

    def value(filing: FilingView) -> int:
        return int(filing.output("resolve", name) or 0)

    return Figure(name, APPROVED, value)


def schema_rules() -> dict[str, Any]:
    """What `_labour_needs` refuses, said for the published schema: a labour request
    names its figures."""
    figures = ("workers_needed", "workers_on_duty")
    return {
        "allOf": [
            {
                "if": {"properties": {"category": {"const": LABOUR}}, "required": ["category"]},
                "then": {
                    "required": list(figures),
                    "properties": {name: {"type": "integer"} for name in figures},
                },
            }
        ]
    }


SPEC = FormSpec(
    id="service-request",
    title="助企服务",
    title_en="Enterprise service request",
    model=ServiceRequest,
    workflow=WORKFLOW,
    unique_field=None,
    town_field="town",
    applicant_field="enterprise_name",
    applicant_email_field="contact_email",
    applicant_phone_field="contact_phone",
    personal_fields=ENTERPRISE_PERSONAL,
    documents={},
    references={"enterprise_filing_id": ENTERPRISE_APPROVED},
    figures=(
        Figure("resolved", APPROVED, lambda filing: 1),
        _resolved("loss_avoided"),
        _resolved("workers_delivered"),
    ),
    schema_rules=schema_rules,
)
