"""A returning worker over HTTP on the stack of `make run`: registration (and its
refusals), both confirmations, the docking slip, no pass before both check-ins, the
pass whose QR code verifies valid with the holder masked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import requests
from stdnum.cn import ric, uscc

from chalicelib.core.clock import CHINA
from tests.support.health import WELL
from tests.support.phones import running_headers
from tests.support.running_stack import RunningStack
from tests.support.walks import approval_link, eventually, qr_payload

pytestmark = pytest.mark.e2e


def status_of(url: str) -> dict[str, object]:
    return requests.get(url.replace("/filings/", "/api/filings/"), timeout=10).json()  # type: ignore[no-any-return]


def approve(stack: RunningStack, filing_id: str, step: str) -> None:
    link = eventually(lambda: approval_link(stack, filing_id, step))
    form = {"decision": "approve", "confirmed": "yes", **WELL}  # a well worker at check-in
    answer = requests.post(link, data=form, timeout=10)
    assert answer.status_code == 200, answer.text


def an_approved_employer(stack: RunningStack, serial: int = 2) -> str:
    """An approved enterprise's worker code; `serial` tells callers' enterprises apart (the
    stack is shared by the session's walks: one open filing per credit code)."""
    base = "91330702MA2W0RK3"[:15] + f"{serial % 100:02d}"[-2:]
    body = {
        "enterprise_name": f"金华市婺城区返岗示范{serial}号有限公司",
        "uscc": base + uscc.calc_check_digit(base),
        "town": "汤溪镇",
        "address": "汤溪镇工业区2号",
        "industry": "制造业",
        "above_scale": True,
        "contact_name": "赵六",
        "contact_phone": "13905790606",
        "employees_total": 300,
        "employees_returned": 100,
        "planned_start_date": "2020-02-12",
        "masks": 1000,
        "disinfectant_kg": 20,
        "thermometers": 5,
        "commitment": True,
    }
    answer = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json=body,
        headers=running_headers(stack, body),
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    filing_id = answer.json()["filing_id"]
    for step in ("town", "district"):
        approve(stack, filing_id, step)
    eventually(lambda: status_of(answer.json()["status_url"])["status"] == "approved" or None)
    # its workers name it by its worker code (员工登记码), read with its status link
    return str(status_of(answer.json()["status_url"])["worker_code"])


def test_a_worker_walks_to_a_pass_whose_qr_code_verifies(
    running_stack: RunningStack, tmp_path: Path
) -> None:
    stack = running_stack
    employer_code = an_approved_employer(stack)
    base = "35012219880214335"
    id_number = base + ric.calc_check_digit(base + "0")
    wrong_check = base + ("1" if id_number[-1] != "1" else "2")
    worker = {
        "name": "冉德开",
        "id_number": id_number,
        "phone": "13812345678",
        "origin_province": "贵州省",
        "origin_city": "遵义市",
        "origin_county": "湄潭县",
        "origin_risk": "low",
        "health_code": "green",
        "travel_mode": "train",
        "train_no": "G1234",
        "arrival_date": datetime.now(CHINA).date().isoformat(),
        "employer_code": employer_code,
        "lodging_town": "汤溪镇",
        "lodging_village": "后溪村",
        "lodging_address": "后溪村5号",
        "symptoms_14d": False,
        "contact_history_14d": False,
    }
    url = f"{stack.base_url}/api/filings/worker-return"
    # the refusals: a red code, a bad ID number, an employer code that is none
    for change, field in [
        ({"health_code": "red"}, "health_code"),
        ({"id_number": wrong_check}, "id_number"),
        ({"employer_code": "XXXXXXXX"}, "employer_code"),
    ]:
        changed = {**worker, **change}
        refused = requests.post(
            url, json=changed, headers=running_headers(stack, changed), timeout=10
        )
        assert refused.status_code == 400
        assert field in refused.json()["fields"]
    answer = requests.post(url, json=worker, headers=running_headers(stack, worker), timeout=10)
    assert answer.status_code == 201, answer.text
    filing_id, status_url = answer.json()["filing_id"], answer.json()["status_url"]

    approve(stack, filing_id, "employer")
    approve(stack, filing_id, "village")
    kinds = lambda: {d["kind"] for d in status_of(status_url)["documents"]}  # noqa: E731
    eventually(lambda: "docking_slip" in kinds() or None)
    approve(stack, filing_id, "checkin_village")
    # one check-in alone gives no pass
    eventually(
        lambda: (
            any(
                s["id"] == "checkin_village" and s["status"] == "approved"
                for s in status_of(status_url)["steps"]
            )
            or None
        )
    )  # type: ignore[union-attr]
    assert "pass" not in kinds()
    approve(stack, filing_id, "checkin_employer")
    eventually(lambda: "pass" in kinds() or None)
    documents = {d["kind"]: d["url"] for d in status_of(status_url)["documents"]}  # type: ignore[union-attr]
    pdf = requests.get(documents["pass"], timeout=10)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    address = qr_payload(pdf.content, tmp_path)
    verified = requests.get(address, headers={"Accept": "application/json"}, timeout=10).json()
    assert verified["status"] == "valid" and verified["kind"] == "pass"
    assert verified["holder"] == "冉*开"
    assert worker["id_number"] not in requests.get(address, timeout=10).text
