"""After a random mix of 500 transitions across the forms (submissions, approvals,
rejections, withdrawals, revocations, starts of work, supplies orders), every statistic
the counters hold equals a recount from the stored items.

The counters are moved by atomic ADD inside each transition's transaction and never
recounted by the product; this test alone scans the tables to recount them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from chalicelib import links
from chalicelib.core.clock import china_today
from chalicelib.core.errors import Conflict, DuplicateOpenFiling, InvalidTransition
from chalicelib.core.workflow import STATUSES
from chalicelib.filing import (
    advance,
    applicant,
    approve,
    figures,
    stock,
    submission,
    transitions,
    uploads,
)
from chalicelib.forms import all_forms, get_form
from chalicelib.settings import get_settings
from chalicelib.store import aws, counters, directory, notify
from chalicelib.store.models import Document, Filing, Task
from devstack import demo, provision
from tests.support.health import WELL
from tests.support.service_requests import request
from tests.support.stack import enterprise
from tests.support.subsidies import charter, support
from tests.support.supplies import order
from tests.support.workers import worker

TRANSITIONS = int(os.environ.get("RECOUNT_TRANSITIONS", "500"))
TOWNS = ("白龙桥镇", "罗埠镇")  # 罗埠镇 has no stock: its orders are all refused
STOCK = {"masks": 300, "disinfectant": 40, "thermometers": 15}
STOCKED = TOWNS[0]
# Kinds of action; repeated kinds come up more often (approvals move filings on).
KINDS = ("submit", "submit", "approve", "approve", "approve", "reject", "withdraw")
KINDS += ("revoke", "start", "order", "order")

Action = tuple[str, int, int]  # kind, which filing or form, an amount
# Enterprises and workers are unique by their numbers: drawn afresh even when hypothesis
# runs an example again on the same stack.
SERIALS = itertools.count(1)


class Run:
    """Carries actions out through the product's own entry points, and runs the events
    they cause (S3 -> SQS -> handler) by calling the handlers at once, as Lambda would."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.enterprises: list[str] = []
        self.serial = 0
        self.uploads: dict[tuple[str, str], str] = {}
        self.bodies: dict[str, Callable[[int], dict[str, Any] | None]] = {
            "enterprise-resumption": self.enterprise,
            "worker-return": self.worker,
            "supplies-order": self.order,
            "charter-subsidy": self.charter,
            "support-subsidy": self.support,
            "service-request": self.service,
        }

    def do(self, action: Action) -> None:
        kind, pick, amount = action
        if kind in ("submit", "order"):
            # enterprises weigh more: every other form needs one approved
            forms = [*sorted(self.bodies), figures.ENTERPRISE, figures.ENTERPRISE]
            forms = forms if kind == "submit" else ["supplies-order"]
            self.submit(forms[pick % len(forms)], amount)
        elif self.ids:
            getattr(self, kind)(self.ids[pick % len(self.ids)], amount)

    # --- submissions ----------------------------------------------------------------

    def submit(self, form: str, amount: int) -> None:
        self.serial = next(SERIALS)
        body = self.bodies[form](amount)
        if body is None:
            return  # nothing to refer to yet (no approved enterprise)
        spec = get_form(form)
        try:
            filing_id = submission.submit(spec, spec.validate(body)).filing_id
        except DuplicateOpenFiling:
            return  # the same charter trip claimed twice: refused, nothing stored
        advance.on_filed(filing_id)  # the snapshot's event: the first stage opens
        self.ids.append(filing_id)
        if form == figures.ENTERPRISE:
            self.enterprises.append(filing_id)

    def enterprise(self, amount: int) -> dict[str, Any]:
        total = 5 + amount
        return enterprise(
            serial=self.serial,
            town=TOWNS[amount % 2],
            above_scale=amount % 3 == 0,
            employees_total=total,
            employees_returned=amount % (total + 1),
        )

    def approved_enterprise(self, amount: int) -> Filing | None:
        found = [f for f in Filing.batch_get(self.enterprises) if f.status == "approved"]
        found.sort(key=lambda f: f.filing_id)
        return found[amount % len(found)] if found else None

    def worker(self, amount: int) -> dict[str, Any] | None:
        employer = self.approved_enterprise(amount)
        if employer is None:
            return None
        return worker(employer.filing_id, serial=self.serial, lodging_town=TOWNS[amount % 2])

    def order(self, amount: int) -> dict[str, Any] | None:
        employer = self.approved_enterprise(amount)
        if employer is None:
            return None
        masks, disinfectant, thermometers = amount % 40, amount % 7, amount % 4
        return order(
            employer.filing_id,
            town=employer.town,
            masks=masks or (0 if disinfectant or thermometers else 1),
            disinfectant=disinfectant,
            thermometers=thermometers,
        )

    def upload(self, form: str, field: str, content_type: str) -> str:
        """One file per form and field, as a presigned POST would have stored it."""
        if (form, field) not in self.uploads:
            key = f"{uploads.prefix(form, field)}{'0' * 32}.csv"
            aws.client("s3").put_object(
                Bucket=get_settings().bucket, Key=key, Body=b"a,b\n", ContentType=content_type
            )
            self.uploads[(form, field)] = key
        return self.uploads[(form, field)]

    def charter(self, amount: int) -> dict[str, Any] | None:
        employer = self.approved_enterprise(amount)
        if employer is None:
            return None
        key = self.upload("charter-subsidy", "passenger_list", "text/csv")
        return charter(
            employer.filing_id,
            key,
            town=employer.town,
            passengers=201 + amount,
            travel_date=f"2020-02-{1 + amount % 28:02d}",
            cost=f"{1000 + amount * 37}.50",
        )

    def support(self, amount: int) -> dict[str, Any] | None:
        employer = self.approved_enterprise(amount)
        if employer is None:
            return None
        key = self.upload("support-subsidy", "supporting_file", "text/csv")
        return support(employer.filing_id, key, town=employer.town, amount=str(100 + amount))

    def service(self, amount: int) -> dict[str, Any] | None:
        employer = self.approved_enterprise(amount)
        if employer is None:
            return None
        if amount % 2:
            return request(employer.filing_id, town=employer.town)  # labour
        return request(
            employer.filing_id,
            town=employer.town,
            category="技术",
            workers_needed=None,
            workers_on_duty=None,
        )

    # --- transitions ------------------------------------------------------------------

    def decision(self, filing_id: str, approving: bool, amount: int) -> None:
        opened = [t for t in Task.query(filing_id, consistent_read=True) if t.status == "open"]
        if not opened:
            return
        task = opened[0]
        filing = Filing.get(filing_id, consistent_read=True)
        spec = get_form(filing.form)
        step = spec.workflow.step(task.step)
        decision = step.decisions[0] if approving else step.decisions[1]  # reject, or reopen
        inputs = None
        if approving and step.inputs is not None:
            inputs = INPUTS[(spec.id, step.id)](filing, amount)  # a new step's: add it
        token = links.approval_token(filing_id, task.step, int(task.link_gen))
        # what POST /approve/{token} does, then the decision's event
        approve.decide(token, decision, "随机测试", None, inputs=inputs)
        advance.on_decided(filing_id, task.step)
        filing = Filing.get(filing_id, consistent_read=True)
        for index, stage in enumerate(spec.workflow.stages):  # the approved/ events
            if index <= int(filing.stage) and all(
                filing.step_status(s.id) == "approved" for s in stage.steps
            ):
                for kind in stage.documents:
                    advance.on_approved(filing_id, kind)

    def approve(self, filing_id: str, amount: int) -> None:
        self.decision(filing_id, True, amount)

    def reject(self, filing_id: str, amount: int) -> None:
        self.decision(filing_id, False, amount)

    def withdraw(self, filing_id: str, amount: int) -> None:
        with contextlib.suppress(InvalidTransition):  # ended already
            applicant.withdraw(filing_id, links.status_token(filing_id), None)

    def revoke(self, filing_id: str, amount: int) -> None:
        with contextlib.suppress(InvalidTransition):  # not approved
            transitions.revoke(filing_id, "随机测试撤销", "test")

    def start(self, filing_id: str, amount: int) -> None:
        day = china_today().isoformat()
        # not an approved enterprise, or reported already
        with contextlib.suppress(InvalidTransition, Conflict):
            applicant.report_start(filing_id, links.status_token(filing_id), day, None)


# What a decider fills in (Step.inputs), by form and step: amounts at most the claim.
INPUTS: dict[tuple[str, str], Callable[[Filing, int], dict[str, str]]] = {
    ("charter-subsidy", "finance"): lambda f, n: {
        "approved_amount": str(Decimal(f.data["cost"]) - n % 3)
    },
    ("support-subsidy", "district"): lambda f, n: {"approved_amount": str(f.data["amount"])},
    ("service-request", "assign"): lambda f, n: {
        "instructor": directory.instructor_scope(f.town, 1 + n % demo.INSTRUCTORS_PER_TOWN)
    },
    ("service-request", "resolve"): lambda f, n: {
        "resolution": "已协调解决",
        **({"workers_delivered": str(n % 60)} if f.data.get("category") == "用工" else {}),
        "loss_avoided": str(1000 * n),
    },
    # a check-in records the worker's health (a well one checks in: forms/checkin.py)
    ("worker-return", "checkin_employer"): lambda f, n: dict(WELL),
    ("worker-return", "checkin_village"): lambda f, n: dict(WELL),
}


# --- the recount ------------------------------------------------------------------------


def counted(names: dict[Any, str]) -> dict[Any, int]:
    read = counters.read(names.values())
    return {key: read[name] for key, name in names.items()}


def recount_differences() -> dict[str, tuple[int, int]]:
    """Every statistic whose counter differs from its recount: name -> (counter, recount)."""
    stored = list(Filing.scan(consistent_read=True))
    documents = list(Document.scan(consistent_read=True))
    forms = all_forms()
    expected: dict[str, int] = {}

    def add(name: str, value: int) -> None:
        expected[name] = expected.get(name, 0) + value

    for spec in forms:
        for town in TOWNS:
            for status in STATUSES:
                add(counters.filings_counter(spec.id, town, status), 0)
            for figure in spec.figures:
                add(counters.figure_counter(spec.id, town, figure.name), 0)
        for town in TOWNS:
            for figure_name in counters.DRIVE_FIGURES:
                add(counters.drive_counter(town, figure_name), 0)
    towns_by_id = {f.filing_id: f.town for f in stored}
    figure_key = "employer_filing_id"  # the one figure counted in another's town
    for f in stored:
        spec = get_form(f.form)
        add(counters.filings_counter(f.form, f.town, f.status), 1)
        for figure in spec.figures:
            if f.status in figure.statuses:
                # in the filing's town, or the one the figure names (a worker at work: its
                # employer's, read from the employer's filing here), and per key
                town = towns_by_id[f.data[figure_key]] if figure.town else f.town
                add(counters.figure_counter(f.form, town, figure.name), figure.value(f))
                if figure.per:
                    per = counters.figure_per_counter(f.form, town, figure.name, figure.per(f))
                    add(per, figure.value(f))
        if f.form == figures.ENTERPRISE and f.status == "approved":
            above = bool(f.data.get("above_scale"))
            add(counters.drive_counter(f.town, "approved"), 1)
            add(counters.drive_counter(f.town, "approved_above_scale"), int(above))
            add(counters.drive_counter(f.town, "employees"), int(f.data["employees_total"]))
            add(
                counters.drive_counter(f.town, "employees_returned"),
                int(f.data["employees_returned"]),
            )
            started = bool(f.started_on)
            add(counters.drive_counter(f.town, "started"), int(started))
            add(counters.drive_counter(f.town, "started_above_scale"), int(started and above))
    towns_of = {f.filing_id: f.town for f in stored}
    for (kind, town), n in Tally((d.kind, towns_of[d.filing_id]) for d in documents).items():
        add(counters.documents_counter(kind, town), n)
    # Submissions by day: every filing was submitted today or, past midnight, yesterday.
    today = china_today()
    per_form_town = Tally((f.form, f.town) for f in stored)
    per_form = Tally(f.form for f in stored)
    days = (today, today - timedelta(days=1))
    read_days = counted(
        {
            (form, scope, day): counters.submissions_counter(form, scope, day)
            for form in {f.form for f in stored}
            for scope in (*TOWNS, counters.WHOLE_DISTRICT)
            for day in days
        }
    )
    differences = {}
    for (form, town), n in per_form_town.items():
        on_days = sum(read_days[(form, town, day)] for day in days)
        if on_days != n:
            differences[f"submitted_on#{form}#{town}"] = (on_days, n)
    for form, n in per_form.items():
        on_days = sum(read_days[(form, counters.WHOLE_DISTRICT, day)] for day in days)
        if on_days != n:
            differences[f"submitted_on#{form}#*"] = (on_days, n)
    read = counters.read(expected)
    differences.update(
        {name: (read[name], want) for name, want in expected.items() if read[name] != want}
    )
    # Stock: what was put in, less what the orders standing approved took.
    taken: Tally[tuple[str, str]] = Tally()
    for f in stored:
        spec = get_form(f.form)
        if f.status == "approved":
            for item, n in stock.draws(spec, f).items():
                taken[(f.town, item)] += n
    levels = stock.levels(TOWNS)
    for town in TOWNS:
        for item in stock.ITEMS:
            want = (STOCK[item] if town == STOCKED else 0) - taken[(town, item)]
            if levels[town][item] != want:
                differences[f"stock#{town}#{item}"] = (levels[town][item], want)
            assert levels[town][item] >= 0
    return differences


@contextlib.contextmanager
def emulated_aws() -> Iterator[None]:
    """A fresh emulator per example (hypothesis runs a failing one again to report it):
    the stack's resources and directory, as the integration fixture makes them."""
    with mock_aws():
        get_settings.cache_clear()
        aws.reset_clients()
        provision.create_all(get_settings())
        demo.seed_directory()
        yield


# One example of 500 actions, drawn from a true Random that hypothesis seeds (and prints
# when the test fails): its first example of plain strategies would be the simplest one,
# 500 times the same action. No shrinking: a failing example is reported as it is,
# rather than re-run with a fresh plan for minutes.
@settings(
    max_examples=1,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(rnd=st.randoms(use_true_random=True))
def test_every_statistic_equals_a_recount_after_random_transitions(
    monkeypatch: pytest.MonkeyPatch, rnd: Random
) -> None:
    with emulated_aws():
        random_transitions_then_recount(monkeypatch, rnd)


def random_transitions_then_recount(monkeypatch: pytest.MonkeyPatch, rnd: Random) -> None:
    # GIVEN messages and the documents' rendering stubbed (what the statistics count is
    # that they were sent and issued, not their content) and one town's stock
    from chalicelib.documents import render

    monkeypatch.setattr(render, "render_pdf", lambda content: b"%PDF-1.4 stub")
    monkeypatch.setattr(notify, "send_once", lambda purpose, messages: 0)
    stock.set_levels(STOCKED, STOCK, "test")
    run = Run()
    plan = [(rnd.choice(KINDS), rnd.randrange(256), rnd.randrange(256)) for _ in range(TRANSITIONS)]

    # WHEN 500 random actions are taken through the product's entry points
    for action in plan:
        run.do(action)

    # THEN many filings moved, of every form, to several statuses
    assert set(run.bodies) == {spec.id for spec in all_forms()}, "a form without a body"
    reached = {(f.form, f.status) for f in Filing.scan()}
    assert len(run.ids) > 20 and len({form for form, _ in reached}) == len(run.bodies)
    assert {status for _, status in reached} >= {"in_review", "approved", "rejected"}
    # AND every counter equals its recount, and the stock its own
    assert recount_differences() == {}
