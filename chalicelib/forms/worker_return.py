"""人员返婺登记: a worker coming back to Wucheng registers before travelling.

The employer confirms the worker is theirs, then the village (through the town office
where the worker will lodge) confirms the lodging, and the electronic docking slip is
issued. On arrival, the employer and the village each check the worker in, in either
order (村企联合打卡); with both check-ins the unified pass is issued.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, field_validator, model_validator

from chalicelib.core import risk
from chalicelib.core.i18n import N_
from chalicelib.core.roles import EMPLOYER_CONTACT, TOWN_OFFICE
from chalicelib.core.workflow import Stage, Step, Workflow
from chalicelib.forms import at_work
from chalicelib.forms.checkin import HealthCheck
from chalicelib.forms.messages import rule_error
from chalicelib.forms.origins import (
    OriginRisk,
    known_county,
    origin_by_code,
    origin_schema_rules,
)
from chalicelib.forms.spec import (
    FormSpec,
    Reference,
    derived,
    with_code_labels,
    with_division_picker,
)
from chalicelib.forms.types import (
    FilingId,
    FormBool,
    FormModel,
    IsoDate,
    MobilePhone,
    OptionalEmail,
    ResidentId,
    TownName,
    bounded_text,
    labelled,
    optional_text,
)

ORIGIN_RISKS: tuple[str, ...] = get_args(OriginRisk)

HealthCode = Literal["green", "yellow", "red"]
HEALTH_CODES: tuple[str, ...] = get_args(HealthCode)

TravelMode = Literal["train", "charter", "bus", "car", "air", "other"]
TRAVEL_MODES: tuple[str, ...] = get_args(TravelMode)


class WorkerReturn(FormModel):
    """外地务工人员返婺前，登记身份、健康和行程信息，由用工企业和落脚地村（社区）确认。"""

    model_config = ConfigDict(title="人员返婺登记")

    name: Annotated[str, bounded_text(1, 50)] = labelled("姓名", "Name", "与居民身份证一致")
    id_number: ResidentId = labelled("身份证号", "Resident identity number", "18位，末位可为X")
    phone: MobilePhone = labelled("手机号码", "Mobile number", "11位手机号码，用于接收办理结果短信")
    email: OptionalEmail = labelled(
        "电子邮箱", "Email", "选填，用于接收办理结果和电子证明", default=None
    )
    origin_code: Annotated[str | None, optional_text(6)] = with_division_picker(
        labelled(
            "来源区县",
            "County of origin",
            "返婺前所在的县（区、旗），先选省份，再从列表中选择",
            default=None,
            validate_default=True,
        )
    )
    # Filled from origin_code (or, for a client of the first contract, resolved to it):
    # the names as the division data writes them.
    origin_province: Annotated[str | None, optional_text(30)] = derived(
        labelled("来源省", "Province of origin", "返婺前所在的省（自治区、直辖市）", default=None)
    )
    origin_city: Annotated[str | None, optional_text(30)] = derived(
        labelled("来源市", "City of origin", "返婺前所在的市（州、盟）", default=None)
    )
    origin_county: Annotated[str | None, optional_text(30)] = derived(
        labelled("来源县", "County of origin (name)", "返婺前所在的县（区、旗）", default=None)
    )
    # The origin's level on the risk map in force when the filing is taken (chalicelib/
    # filing/eligibility.py), never what the worker types: a value sent is replaced.
    origin_risk: OriginRisk | None = derived(
        with_code_labels(
            labelled(
                "来源地风险", "Risk level of origin", "按提交时的县域风险地图自动确定", default=None
            ),
            risk.LEVEL_LABELS,
        )
    )
    health_code: HealthCode = with_code_labels(
        labelled("健康码", "Health code", "红码暂不能返婺"),
        {"green": N_("绿码"), "yellow": N_("黄码"), "red": N_("红码")},
    )
    travel_mode: TravelMode = with_code_labels(
        labelled("返婺方式", "Travel mode", "抵达婺城区所乘的主要交通方式"),
        {
            "train": N_("火车（高铁）"),
            "charter": N_("包车（专列）"),
            "bus": N_("客车"),
            "car": N_("自驾"),
            "air": N_("飞机"),
            "other": N_("其他"),
        },
    )
    train_no: Annotated[str | None, optional_text(20)] = labelled(
        "车次（航班）号", "Train or flight number", "选填，乘火车、飞机返婺时填写", default=None
    )
    arrival_date: IsoDate = labelled("抵婺日期", "Arrival date", "格式为YYYY-MM-DD")
    employer_filing_id: FilingId = labelled(
        "用工企业备案编号",
        "Employer's filing id",
        "用工企业复工备案的编号，企业须已通过复工备案",
    )
    lodging_town: TownName = labelled(
        "落脚镇（乡、街道）", "Lodging town", "在婺城区落脚的镇（乡、街道）"
    )
    lodging_village: Annotated[str, bounded_text(1, 50)] = labelled(
        "落脚村（社区）", "Lodging village", "在婺城区落脚的村（社区）"
    )
    lodging_address: Annotated[str, bounded_text(1, 200)] = labelled(
        "落脚详细地址", "Lodging address", "在婺城区的详细居住地址"
    )
    symptoms_14d: FormBool = labelled(
        "14天内有发热、咳嗽等症状",
        "Symptoms in the last 14 days",
        "近14天内是否有发热、干咳、乏力等症状",
        default=False,
    )
    contact_history_14d: FormBool = labelled(
        "14天内有接触史",
        "Contact history in the last 14 days",
        "近14天内是否接触过确诊、疑似病例或来自高风险地区的人员",
        default=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _origin_by_code(cls, data: object) -> object:
        return origin_by_code(data)

    @field_validator("origin_code")
    @classmethod
    def _known_county(cls, code: str | None) -> str:
        return known_county(code)

    @field_validator("health_code")
    @classmethod
    def _not_red(cls, code: str) -> str:
        # Red is a value the form knows (the schema lists it, a roster may carry it), but
        # no filing is taken for it: the worker is told why, by name, rather than "invalid".
        if code == "red":
            raise rule_error(
                "health_code_red",
                "健康码为红码，暂不能返婺，请按当地要求隔离观察",
                "A red health code cannot return to Wucheng yet; "
                "follow the local quarantine requirements",
            )
        return code


WORKFLOW = Workflow(
    stages=(
        Stage(
            steps=(
                Step(
                    id="employer",
                    title="用工企业确认",
                    title_en="Employer confirmation",
                    role=EMPLOYER_CONTACT,
                    route_field="employer_filing_id",
                    due_hours=2,
                    bulk=True,
                ),
            )
        ),
        Stage(
            steps=(
                Step(
                    id="village",
                    title="村（社区）确认",
                    title_en="Village confirmation",
                    role=TOWN_OFFICE,
                    route_field="lodging_town",
                    due_hours=2,
                    bulk=True,  # a town confirms its returning workers by the hundred
                    correctable=("lodging_village", "lodging_address", "train_no"),
                ),
            ),
            documents=("docking_slip",),
        ),
        Stage(
            # Both on arrival, in either order; the clock starts on the arrival date.
            steps=(
                Step(
                    id="checkin_employer",
                    title="企业到岗打卡",
                    title_en="Employer check-in",
                    role=EMPLOYER_CONTACT,
                    route_field="employer_filing_id",
                    due_hours=2,
                    due_from_field="arrival_date",
                    not_before_field="arrival_date",
                    # the temperature and symptoms at the gate (a fever does not check
                    # in: chalicelib/filing/health.py), so one by one, not in bulk
                    inputs=HealthCheck,
                    approve_label=N_("测温打卡"),
                ),
                Step(
                    id="checkin_village",
                    title="村社报到打卡",
                    title_en="Village check-in",
                    role=TOWN_OFFICE,
                    route_field="lodging_town",
                    due_hours=2,
                    due_from_field="arrival_date",
                    not_before_field="arrival_date",
                    # the temperature and symptoms at the gate (a fever does not check
                    # in: chalicelib/filing/health.py), so one by one, not in bulk
                    inputs=HealthCheck,
                    approve_label=N_("测温打卡"),
                ),
            ),
            documents=("pass",),
        ),
    )
)


def schema_rules() -> dict[str, Any]:
    """What `_not_red` and the origin's validator refuse, said for the published schema:
    the schema lists red (the pages show it), but no filing is taken for it; an origin is
    a county's code or its three names (forms/origins.py), judged by the map's
    `may_return` (`x-risk-rule`)."""
    rules = origin_schema_rules()
    rules["properties"]["origin_code"]["x-risk-rule"] = "may_return"
    rules["properties"]["health_code"] = {"not": {"const": "red"}}
    return rules


SPEC = FormSpec(
    id="worker-return",
    title="人员返婺登记",
    title_en="Returning worker registration",
    model=WorkerReturn,
    workflow=WORKFLOW,
    unique_field="id_number",  # one open filing per person
    town_field="lodging_town",
    applicant_field="name",
    applicant_email_field="email",
    applicant_phone_field="phone",
    personal_fields=("name", "id_number", "phone", "email", "lodging_address"),
    documents={
        "docking_slip": ("电子返婺对接单", "Electronic return docking slip"),
        "pass": ("一体通行证", "Unified pass"),
    },
    references={
        "employer_filing_id": Reference(
            form="enterprise-resumption",
            status="approved",
            message_zh="用工企业须已通过复工备案",
            message_en="The employer must have an approved work-resumption filing",
        )
    },
    holder_is_person=True,
    schema_rules=schema_rules,
    risk_origin="origin_code",
    figures=(at_work.AT_WORK,),  # the return-to-work rate's 在岗人数, per employer
)
