"""The return-to-work figures' moves (chalicelib/forms/at_work.py through
chalicelib/filing/figures.py), pure: a worker at work counts in its employer's town and
per employer while approved; an enterprise's employees per enterprise while approved."""

from __future__ import annotations

from typing import Any

from chalicelib.filing import figures
from chalicelib.forms import get_form
from chalicelib.store import counters
from chalicelib.store.models import Filing

EMPLOYER = "e" * 32
WORKER_FORM, ENTERPRISE_FORM = get_form("worker-return"), get_form("enterprise-resumption")
AT_WORK_TOWN = counters.figure_counter("worker-return", "白龙桥镇", "at_work")
AT_WORK_HERE = counters.figure_per_counter("worker-return", "白龙桥镇", "at_work", EMPLOYER)


def a_worker(status: str, recorded: bool = True) -> Filing:
    outputs: dict[str, Any] = {"referenced": {"employer_filing_id": "白龙桥镇"}} if recorded else {}
    return Filing(
        filing_id="w" * 32,
        form="worker-return",
        status=status,
        town="罗埠镇",  # the lodging town: not where a worker at work counts
        data={"employer_filing_id": EMPLOYER},
        outputs=outputs,
    )


def test_a_worker_counts_at_work_when_the_pass_is_issued_in_the_employers_town() -> None:
    # WHEN the last check-in approves the worker's filing
    moved = figures.figure_changes(WORKER_FORM, a_worker("in_review"), a_worker("approved"))
    # THEN one at work in the employer's town, and one for that employer
    assert moved == {AT_WORK_TOWN: 1, AT_WORK_HERE: 1}


def test_a_worker_taken_back_stops_counting() -> None:
    for ended in ("withdrawn", "revoked"):
        moved = figures.figure_changes(WORKER_FORM, a_worker("approved"), a_worker(ended))
        assert moved == {AT_WORK_TOWN: -1, AT_WORK_HERE: -1}


def test_a_worker_not_yet_checked_in_moves_nothing() -> None:
    assert figures.figure_changes(WORKER_FORM, None, a_worker("submitted")) == {}
    assert figures.figure_changes(WORKER_FORM, a_worker("submitted"), a_worker("in_review")) == {}


def test_a_worker_filed_before_the_employers_town_was_recorded_counts_nowhere() -> None:
    # GIVEN a filing stored before submissions recorded the employer's town
    before, after = a_worker("in_review", recorded=False), a_worker("approved", recorded=False)
    # THEN its approval and its withdrawal move nothing (both ways alike: no drift)
    assert figures.figure_changes(WORKER_FORM, before, after) == {}
    assert figures.figure_changes(WORKER_FORM, after, a_worker("withdrawn", False)) == {}


def test_an_enterprises_employees_count_per_enterprise_while_approved() -> None:
    def enterprise(status: str) -> Filing:
        return Filing(
            filing_id=EMPLOYER,
            form="enterprise-resumption",
            status=status,
            town="白龙桥镇",
            data={"employees_total": 120},
        )

    town = counters.figure_counter("enterprise-resumption", "白龙桥镇", "employees")
    per = counters.figure_per_counter("enterprise-resumption", "白龙桥镇", "employees", EMPLOYER)
    approved = figures.figure_changes(
        ENTERPRISE_FORM, enterprise("in_review"), enterprise("approved")
    )
    assert approved == {town: 120, per: 120}
    revoked = figures.figure_changes(ENTERPRISE_FORM, enterprise("approved"), enterprise("revoked"))
    assert revoked == {town: -120, per: -120}


def test_a_figure_per_enterprise_is_one_item_per_town() -> None:
    # the town's enterprises are the attributes of one item: one write, one read per town
    assert AT_WORK_HERE.item == counters.figure_per_item("worker-return", "白龙桥镇", "at_work")
    assert AT_WORK_HERE.town == EMPLOYER
