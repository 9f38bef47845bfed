"""企业复工备案: an enterprise files its work-resumption plan with the district.

The town's task force checks it first (it knows the enterprise), then the district's
service office approves it and the filing certificate is issued.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, ValidationInfo, field_validator

from chalicelib.core.i18n import N_
from chalicelib.core.roles import DISTRICT_OFFICE, TOWN_OFFICE
from chalicelib.core.workflow import Stage, Step, Workflow
from chalicelib.forms import at_work
from chalicelib.forms.messages import rule_error
from chalicelib.forms.spec import FormSpec, same_words, with_code_labels, with_pledge
from chalicelib.forms.types import (
    MAX_EMPLOYEES,
    FormBool,
    FormModel,
    IsoDate,
    MobilePhone,
    OptionalEmail,
    Ticked,
    TownName,
    Uscc,
    bounded_text,
    labelled,
    whole_number,
)

# Sections of the national industry classification (GB/T 4754) that a district economy
# such as Wucheng's has, with 其他 for the rest.
Industry = Literal[
    "农、林、牧、渔业",
    "制造业",
    "建筑业",
    "批发和零售业",
    "交通运输、仓储和邮政业",
    "住宿和餐饮业",
    "信息传输、软件和信息技术服务业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究和技术服务业",
    "居民服务、修理和其他服务业",
    "文化、体育和娱乐业",
    "其他",
]
INDUSTRIES: tuple[str, ...] = get_args(Industry)
INDUSTRY_WORDS = same_words(
    N_("农、林、牧、渔业"),
    N_("制造业"),
    N_("建筑业"),
    N_("批发和零售业"),
    N_("交通运输、仓储和邮政业"),
    N_("住宿和餐饮业"),
    N_("信息传输、软件和信息技术服务业"),
    N_("房地产业"),
    N_("租赁和商务服务业"),
    N_("科学研究和技术服务业"),
    N_("居民服务、修理和其他服务业"),
    N_("文化、体育和娱乐业"),
    N_("其他"),
)


class EnterpriseResumption(FormModel):
    """企业复工复产前，向所在镇（乡、街道）和区三服务办备案复工计划和防疫物资储备。"""

    model_config = ConfigDict(title="企业复工备案")

    enterprise_name: Annotated[str, bounded_text(2, 100)] = labelled(
        "企业名称", "Enterprise name", "与营业执照一致"
    )
    uscc: Uscc = labelled("统一社会信用代码", "Unified social credit code", "18位，见营业执照")
    town: TownName = labelled("所在镇（乡、街道）", "Town", "企业所在的婺城区镇（乡、街道）")
    address: Annotated[str, bounded_text(1, 200)] = labelled(
        "经营地址", "Business address", "实际生产经营地址"
    )
    industry: Industry = with_code_labels(
        labelled("所属行业", "Industry", "按国民经济行业分类"), INDUSTRY_WORDS
    )
    above_scale: FormBool = labelled(
        "规上企业", "Above designated size", "是否为规模以上企业", default=False
    )
    contact_name: Annotated[str, bounded_text(1, 50)] = labelled(
        "联系人", "Contact person", "负责复工事宜的联系人"
    )
    contact_phone: MobilePhone = labelled(
        "联系电话", "Contact mobile number", "11位手机号码，用于接收审核结果短信"
    )
    contact_email: OptionalEmail = labelled(
        "电子邮箱", "Contact email", "选填，用于接收审核结果和备案证明", default=None
    )
    employees_total: Annotated[int, whole_number(1, MAX_EMPLOYEES)] = labelled(
        "员工总数", "Total employees", "企业在册员工人数"
    )
    employees_returned: Annotated[int, whole_number(0, MAX_EMPLOYEES)] = labelled(
        "已返岗人数", "Employees returned", "已返回岗位的员工人数，不超过员工总数"
    )
    planned_start_date: IsoDate = labelled("计划复工日期", "Planned start date", "格式为YYYY-MM-DD")
    masks: Annotated[int, whole_number(0, 10_000_000)] = labelled(
        "口罩储备（只）", "Masks in stock", "现有口罩数量"
    )
    disinfectant_kg: Annotated[int, whole_number(0, 1_000_000)] = labelled(
        "消毒液储备（千克）", "Disinfectant in stock (kg)", "现有消毒液重量"
    )
    thermometers: Annotated[int, whole_number(0, 100_000)] = labelled(
        "体温计（支）", "Thermometers", "现有体温计数量"
    )
    commitment: Ticked = with_pledge(
        labelled(
            "承诺书",
            "Commitment",
            "承诺所填信息真实，并落实各项防疫措施",
            default=False,
            validate_default=True,  # an unticked box is absent: it must still be refused
        ),
        (
            N_("本企业承诺：所填信息真实、准确，如有虚假愿承担相应责任。"),
            N_("落实防疫主体责任：设立防疫专员，每日对员工测温登记，工作场所定时消毒通风。"),
            N_("储备足够的口罩、消毒液和体温计，员工返岗前须核验健康码和行程。"),
            N_("发现发热、咳嗽等症状的员工，立即隔离并报告所在镇（乡、街道）。"),
            N_("配合属地检查，疫情防控要求变化时及时调整。"),
        ),
    )

    @field_validator("employees_returned")
    @classmethod
    def _not_above_total(cls, returned: int, info: ValidationInfo) -> int:
        # Fields validate in order, so the total is known here unless it was itself bad,
        # in which case its own message says enough.
        total = info.data.get("employees_total")
        if total is not None and returned > total:
            raise rule_error(
                "returned_exceeds_total",
                "返岗人数不能超过员工总数",
                "Employees returned cannot exceed total employees",
            )
        return returned


# What a step may send back for correction (退回补正): not the fields that key anything
# (the town routes it, the credit code claims it, the name and phone are searched).
CORRECTABLE = (
    "address",
    "industry",
    "contact_name",
    "contact_email",
    "employees_total",
    "employees_returned",
    "planned_start_date",
    "masks",
    "disinfectant_kg",
    "thermometers",
)

WORKFLOW = Workflow(
    stages=(
        Stage(
            steps=(
                Step(
                    id="town",
                    title="镇街专班审核",
                    title_en="Town task force review",
                    role=TOWN_OFFICE,
                    route_field="town",
                    due_hours=24,
                    correctable=CORRECTABLE,
                ),
            )
        ),
        Stage(
            steps=(
                Step(
                    id="district",
                    title="区三服务办审核",
                    title_en="District service office review",
                    role=DISTRICT_OFFICE,
                    route_field=None,
                    due_hours=24,
                    correctable=CORRECTABLE,
                ),
            ),
            documents=("certificate",),
        ),
    )
)


def schema_rules() -> dict[str, Any]:
    """What `_not_above_total` refuses, named for the published schema (JSON Schema cannot
    compare two fields)."""
    return {"properties": {"employees_returned": {"x-at-most": "employees_total"}}}


SPEC = FormSpec(
    id="enterprise-resumption",
    title="企业复工备案",
    title_en="Enterprise work-resumption filing",
    model=EnterpriseResumption,
    workflow=WORKFLOW,
    unique_field="uscc",
    town_field="town",
    applicant_field="enterprise_name",
    applicant_email_field="contact_email",
    applicant_phone_field="contact_phone",
    personal_fields=("contact_phone", "contact_email"),
    documents={"certificate": ("复工备案证明", "Work-resumption filing certificate")},
    schema_rules=schema_rules,
    figures=(at_work.EMPLOYEES,),  # the return-to-work rate's 员工总数, per enterprise
)
