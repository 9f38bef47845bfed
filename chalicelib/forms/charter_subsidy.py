"""包车/专列补助 (帮扶10条): an approved enterprise claims the cost of the chartered bus or
train that brought its workers back.

Eligible: from outside Jinhua city, from a low-risk area, more than 200 passengers
travelling together; the passenger list is uploaded first (a presigned S3 POST). The
district commerce office (经商局) checks the claim, then finance (财政) sets the amount
approved and the approval notice states it. One claim per trip: the same enterprise,
day and origin are refused as a duplicate naming the first claim.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import ConfigDict, ValidationInfo, field_validator

from chalicelib.core.i18n import N_
from chalicelib.core.roles import COMMERCE_OFFICE, FINANCE_OFFICE
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
from chalicelib.forms.types import (
    MAX_PASSENGERS,
    IsoDate,
    UploadKey,
    Yuan,
    bounded_text,
    labelled,
    whole_number,
)

# Mainland China's provinces, autonomous regions and municipalities: a list a phone
# user picks from, so that the rule below compares like with like.
Province = Literal[
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
]  # fmt: skip
PROVINCES: tuple[str, ...] = get_args(Province)
PROVINCE_WORDS = same_words(
    N_("北京市"),
    N_("天津市"),
    N_("河北省"),
    N_("山西省"),
    N_("内蒙古自治区"),
    N_("辽宁省"),
    N_("吉林省"),
    N_("黑龙江省"),
    N_("上海市"),
    N_("江苏省"),
    N_("浙江省"),
    N_("安徽省"),
    N_("福建省"),
    N_("江西省"),
    N_("山东省"),
    N_("河南省"),
    N_("湖北省"),
    N_("湖南省"),
    N_("广东省"),
    N_("广西壮族自治区"),
    N_("海南省"),
    N_("重庆市"),
    N_("四川省"),
    N_("贵州省"),
    N_("云南省"),
    N_("西藏自治区"),
    N_("陕西省"),
    N_("甘肃省"),
    N_("青海省"),
    N_("宁夏回族自治区"),
    N_("新疆维吾尔自治区"),
)

RiskLevel = Literal["低风险", "中风险", "高风险"]
RISK_LEVELS: tuple[str, ...] = get_args(RiskLevel)
RISK_WORDS = same_words(N_("低风险"), N_("中风险"), N_("高风险"))

HOME_PROVINCE = "浙江省"
# Jinhua city and its districts, county-level cities and counties, without their
# suffixes: an origin naming any of them is inside Jinhua.
JINHUA = ("金华", "婺城", "金东", "兰溪", "东阳", "义乌", "永康", "浦江", "武义", "磐安")
_SUFFIX = re.compile(r"(市|区|县)$")
MIN_PASSENGERS = 201  # "more than 200 travelling together"


def in_jinhua(province: str, city: str) -> bool:
    """Whether an origin is Jinhua city (or one of its parts), written as people write it:
    "金华", "金华市", "浙江金华", "义乌市" ..."""
    if province != HOME_PROVINCE:
        return False
    name = _SUFFIX.sub("", re.sub(r"\s", "", city).removeprefix("浙江省").removeprefix("浙江"))
    return any(name.startswith(place) for place in JINHUA)


class CharterSubsidy(EnterpriseClaim):
    """已通过复工备案的企业，为包车（专列）接回员工申请补助；每趟包车申请一次。"""

    model_config = ConfigDict(title="包车/专列补助")

    origin_province: Province = with_code_labels(
        labelled(
            "出发地省份", "Province of origin", "包车（专列）出发地所在的省（自治区、直辖市）"
        ),
        PROVINCE_WORDS,
    )
    origin_city: Annotated[str, bounded_text(1, 30)] = labelled(
        "出发地城市", "City of origin", "出发地所在的市（州、盟），须在金华市以外"
    )
    origin_risk: RiskLevel = with_code_labels(
        labelled("出发地风险等级", "Risk level of origin", "以出发地公布为准；仅低风险地区可申请"),
        RISK_WORDS,
    )
    passengers: Annotated[int, whole_number(1, MAX_PASSENGERS)] = labelled(
        "乘车人数", "Passengers", "同一趟包车（专列）运送的员工人数，须超过200人"
    )
    travel_date: IsoDate = labelled("出发日期", "Travel date", "格式为YYYY-MM-DD")
    vehicle: Annotated[str, bounded_text(2, 20)] = labelled(
        "车牌号或车次", "Vehicle plate or train number", "如 浙G12345 或 专列车次"
    )
    cost: Yuan = labelled(
        "包车费用（元）", "Cost (yuan)", "实际支付的包车（专列）费用，最多两位小数"
    )
    passenger_list: UploadKey = labelled(
        "乘车人员名单", "Passenger list", "CSV、XLSX 或 PDF，不超过5MB，先上传后提交"
    )

    @field_validator("origin_city")
    @classmethod
    def _outside_jinhua(cls, city: str, info: ValidationInfo) -> str:
        city = unicodedata.normalize("NFKC", re.sub(r"\s", "", city))
        if in_jinhua(str(info.data.get("origin_province", "")), city):
            raise rule_error(
                "origin_in_jinhua",
                "出发地须在金华市以外，金华市内的包车不在补助范围",
                "The origin must be outside Jinhua city: charters within Jinhua are not covered",
            )
        return city

    @field_validator("origin_risk")
    @classmethod
    def _low_risk(cls, risk: str) -> str:
        if risk != "低风险":
            raise rule_error(
                "origin_not_low_risk",
                "仅低风险地区出发的包车（专列）可申请补助",
                "Only charters from low-risk areas are eligible",
            )
        return risk

    @field_validator("passengers")
    @classmethod
    def _more_than_200(cls, passengers: int) -> int:
        if passengers < MIN_PASSENGERS:
            raise rule_error(
                "too_few_passengers",
                "同一趟包车（专列）须运送200人以上方可申请补助",
                "A charter must carry more than 200 passengers to be eligible",
            )
        return passengers


class CharterApproved(ApprovedAmount):
    claim_field: ClassVar[str] = "cost"


WORKFLOW = Workflow(
    stages=(
        Stage(
            steps=(
                Step(
                    id="commerce",
                    title="区经商局审核",
                    title_en="District commerce office review",
                    role=COMMERCE_OFFICE,
                    due_hours=24,
                ),
            )
        ),
        Stage(
            steps=(
                Step(
                    id="finance",
                    title="区财政局核定",
                    title_en="District finance office approval",
                    role=FINANCE_OFFICE,
                    due_hours=24,
                    inputs=CharterApproved,
                    approve_label=N_("核定并通过"),
                ),
            ),
            documents=("notice",),
        ),
    )
)

# An origin `in_jinhua` refuses, as a pattern over the text as sent (spaces anywhere).
JINHUA_PATTERN = (
    "^\\s*(浙\\s*江\\s*(省\\s*)?)?(" + "|".join("\\s*".join(place) for place in JINHUA) + ")"
)


def schema_rules() -> dict[str, Any]:
    """What the validators refuse (`_low_risk`, `_more_than_200`, `_outside_jinhua`),
    said for the published schema."""
    return {
        "properties": {
            "origin_risk": {"not": {"enum": [r for r in RISK_LEVELS if r != "低风险"]}},
            "passengers": {"minimum": MIN_PASSENGERS},
        },
        "allOf": [
            {
                "if": {
                    "properties": {"origin_province": {"const": HOME_PROVINCE}},
                    "required": ["origin_province"],
                },
                "then": {"properties": {"origin_city": {"not": {"pattern": JINHUA_PATTERN}}}},
            }
        ],
    }


SPEC = FormSpec(
    id="charter-subsidy",
    title="包车/专列补助",
    title_en="Charter transport subsidy",
    model=CharterSubsidy,
    workflow=WORKFLOW,
    unique_field=("enterprise_filing_id", "travel_date", "origin_province", "origin_city"),
    town_field="town",
    applicant_field="enterprise_name",
    applicant_email_field="contact_email",
    applicant_phone_field="contact_phone",
    personal_fields=ENTERPRISE_PERSONAL,
    documents={"notice": ("包车补助核定通知书", "Charter subsidy approval notice")},
    references={"enterprise_filing_id": ENTERPRISE_APPROVED},
    uploads={"passenger_list": Upload(types=(CSV, XLSX, PDF))},
    figures=claim_figures("cost", "finance"),
    duplicate_message=(
        "这趟包车已申请过补助（同一企业、出发日期和出发地），请勿重复申请",
        "This trip has been claimed already (same enterprise, date and origin)",
    ),
    schema_rules=schema_rules,
)
