"""What each kind of document says: the filing's facts laid out for `render_pdf`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib import links
from chalicelib.core.clock import china_day, china_time, china_today, utcnow
from chalicelib.core.privacy import mask_id, mask_name
from chalicelib.documents.render import DocumentContent, Join
from chalicelib.forms import FormSpec
from chalicelib.settings import get_settings
from chalicelib.store.models import Filing, Task

# The certificate's issuer by its full name (区三服务办 is what people call it).
DISTRICT_OFFICE_NAME = "金华市婺城区“三服务”活动领导小组办公室"

# The certificate's 员工登记 box. Its QR does not hold the code: a certificate pinned to a
# notice board outlives a code the enterprise re-issues or revokes, so the QR names the
# certificate, and /join/{code} (web/enterprise_pages.py) resolves the code current at
# the scan, or says it is stopped. The printed code is for typing, and may be stale.
JOIN_LINES = (
    "返婺员工扫左侧二维码办理返婺登记，用工企业自动带出，无需填写备案编号。",
    "登记码如有换发，以企业进度页为准；扫码总是进入当前登记码。",
)


def join_url(certificate_code: str) -> str:
    return f"{links.public_base()}/join/{certificate_code}"


@dataclass(frozen=True)
class Issued:
    content: DocumentContent
    holder: str  # as a checkpoint may see it: a person's name masked
    valid_from: str
    valid_to: str | None
    depends_on: str | None = None  # a filing whose ending revokes this document too


def holder_of(spec: FormSpec, filing: Filing) -> str:
    if spec.holder_is_person:
        return mask_name(filing.applicant)
    return filing.applicant


def build(spec: FormSpec, filing: Filing, kind: str, code: str) -> Issued:
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise ValueError(f"no layout for document kind {kind!r}")
    return builder(spec, filing, code)


def _slip(spec: FormSpec, filing: Filing, code: str) -> Issued:
    title, title_en = spec.documents.get("slip", (f"{spec.title}回执", f"{spec.title_en} receipt"))
    steps = "、".join(step.title for step in spec.workflow.steps)
    content = DocumentContent(
        kind="slip",
        title=title,
        title_en=title_en,
        code=code,
        verify_url=links.verify_url(code),
        headline=f"回执编号 {filing.slip_no}",
        rows=(
            ("回执编号", filing.slip_no),
            ("办理事项", spec.title),
            ("申请人", holder_of(spec, filing)),
            ("所在镇（乡、街道）", filing.town),
            ("提交时间", china_time(filing.created_at)),
        ),
        notes=(
            f"您的申请已受理，将依次经过：{steps}。每一步的结果都会通过短信或邮件告知您。",
            "请凭回执编号或进度链接查询办理进度，全程网上办理，无需到现场。",
        ),
        issuer="婺城家服务",
        issued_at=china_time(filing.created_at),
    )
    return Issued(content, holder_of(spec, filing), _china_date(filing), None)


def _certificate(spec: FormSpec, filing: Filing, code: str) -> Issued:
    data = filing.data
    labels = spec.labels("zh")
    decided = {t.step: t for t in Task.query(filing.filing_id) if t.decided_at}
    approvals = tuple(
        (step.title, china_time(decided[step.id].decided_at))
        for step in spec.workflow.steps
        if step.id in decided
    )
    title, title_en = spec.documents["certificate"]
    start = china_today()
    end = start + timedelta(days=get_settings().certificate_valid_days - 1)
    content = DocumentContent(
        kind="certificate",
        title=title,
        title_en=title_en,
        code=code,
        verify_url=links.verify_url(code),
        headline="准予复工",
        rows=(
            ("证明编号", code),
            (labels["enterprise_name"], str(data["enterprise_name"])),
            (labels["uscc"], str(data["uscc"])),
            (labels["town"], str(data["town"])),
            (labels["address"], str(data["address"])),
            (labels["industry"], str(data["industry"])),
            (labels["above_scale"], "是" if data.get("above_scale") else "否"),
            (labels["employees_total"], str(data["employees_total"])),
            (labels["planned_start_date"], str(data["planned_start_date"])),
            ("回执编号", filing.slip_no),
            ("有效期", f"{start.isoformat()} 至 {end.isoformat()}"),
            *approvals,
        ),
        notes=(
            "该企业已完成复工备案，经镇（乡、街道）专班和区三服务办审核，准予复工。"
            f"本证明有效期至 {end.isoformat()}。",
            "企业须落实疫情防控主体责任，做好员工健康监测、场所消毒和防护物资储备。"
            "扫描二维码可核验本证明真伪及状态。",
        ),
        issuer=DISTRICT_OFFICE_NAME,
        issued_at=china_time(utcnow()),
        join=Join(join_url(code), filing.worker_code or "", JOIN_LINES),
    )
    return Issued(content, str(data["enterprise_name"]), start.isoformat(), end.isoformat())


def _worker_rows(spec: FormSpec, filing: Filing) -> tuple[tuple[str, str], ...]:
    data = filing.data
    origin = "".join(
        str(data.get(k, "")) for k in ("origin_province", "origin_city", "origin_county")
    )
    return (
        ("姓名", holder_of(spec, filing)),
        ("身份证号", mask_id(str(data["id_number"]))),
        ("来源地", origin),
        ("抵婺日期", str(data["arrival_date"])),
        ("落脚点", f"{data['lodging_town']}{data['lodging_village']}"),
        ("用工企业", _employer_name(str(data["employer_filing_id"]))),
    )


def _employer_name(filing_id: str) -> str:
    try:
        return str(Filing.get(filing_id).applicant)
    except Filing.DoesNotExist:
        return "—"


def _docking_slip(spec: FormSpec, filing: Filing, code: str) -> Issued:
    title, title_en = spec.documents["docking_slip"]
    content = DocumentContent(
        kind="docking_slip",
        title=title,
        title_en=title_en,
        code=code,
        verify_url=links.verify_url(code),
        headline="企业与村（社区）已确认，请按时抵婺报到",
        rows=(("对接单编号", code), *_worker_rows(spec, filing), ("回执编号", filing.slip_no)),
        notes=(
            "抵婺当天请持本对接单到用工企业和落脚村（社区）报到，完成村企联合打卡后即发放一体通行证。",
            "途中请全程佩戴口罩，如出现发热、咳嗽等症状，请立即就近就医并报告。",
        ),
        issuer="婺城区人员返婺服务专班",
        issued_at=china_time(utcnow()),
    )
    today = china_today().isoformat()
    return Issued(
        content, holder_of(spec, filing), today, None, str(filing.data["employer_filing_id"])
    )


def _pass(spec: FormSpec, filing: Filing, code: str) -> Issued:
    title, title_en = spec.documents["pass"]
    start = date.fromisoformat(str(filing.data["arrival_date"]))
    end = start + timedelta(days=get_settings().pass_valid_days - 1)
    content = DocumentContent(
        kind="pass",
        title=title,
        title_en=title_en,
        code=code,
        verify_url=links.verify_url(code),
        headline=f"有效期 {start.isoformat()} 至 {end.isoformat()}",
        rows=(("通行证编号", code), *_worker_rows(spec, filing)),
        notes=(
            "持证人已完成村企联合打卡，凭本证在婺城区范围内通行，请配合卡口扫码核验。",
            "本证随返婺登记撤回或用工企业备案撤销而失效，以扫码核验结果为准。",
        ),
        issuer="婺城区新冠肺炎疫情防控工作领导小组办公室",
        issued_at=china_time(utcnow()),
    )
    return Issued(
        content,
        holder_of(spec, filing),
        start.isoformat(),
        end.isoformat(),
        str(filing.data["employer_filing_id"]),
    )


def _notice(spec: FormSpec, filing: Filing, code: str) -> Issued:
    """A subsidy's approval notice (核定通知书): the claim, each step's decision and
    what it set, the approved amount as its headline."""
    title, title_en = spec.documents["notice"]
    labels = spec.labels("zh")
    hidden = {*spec.personal_fields, *spec.uploads, "enterprise_filing_id"}
    claim = tuple(
        (labels.get(name, name), _shown(value))
        for name, value in filing.data.items()
        if name not in hidden and value is not None
    )
    decided = {t.step: t for t in Task.query(filing.filing_id) if t.decided_at}
    approvals: list[tuple[str, str]] = []
    for step in spec.workflow.steps:
        task = decided.get(step.id)
        if task is None:
            continue
        approvals.append((step.title, f"通过 {china_time(task.decided_at)}"))
        approvals += [(str(label), str(text)) for label, text in (task.shown or [])]
    amount = next(
        (o["approved_amount"] for o in (filing.outputs or {}).values() if "approved_amount" in o),
        None,
    )
    today = china_today().isoformat()
    content = DocumentContent(
        kind="notice",
        title=title,
        title_en=title_en,
        code=code,
        verify_url=links.verify_url(code),
        headline=f"核定补助金额 {amount} 元" if amount is not None else "准予补助",
        rows=(("通知书编号", code), ("回执编号", filing.slip_no), *claim, *approvals),
        notes=(
            f"经审核，{filing.applicant}的{spec.title}申请已获通过，核定补助金额以本通知书为准，"
            "补助资金将按规定拨付至企业账户。",
            "扫描二维码可核验本通知书真伪及状态。",
        ),
        issuer="婺城区人民政府办公室",
        issued_at=china_time(utcnow()),
    )
    return Issued(content, filing.applicant, today, None)


def _shown(value: object) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _china_date(filing: Filing) -> str:
    return china_day(filing.created_at).isoformat()


_BUILDERS = {
    "slip": _slip,
    "certificate": _certificate,
    "docking_slip": _docking_slip,
    "pass": _pass,
    "notice": _notice,
}
