"""Filings from before the form index are put into it by `ops.cli backfill-form-keys`:
the district's list by form and status finds them afterwards, a filing that moved while
the backfill ran keeps the key its transition gave it, and a second run does nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from chalicelib.store.models import Filing, form_key
from ops import backfill, cli
from tests.support.stack import Stack, enterprise


def submitted(stack: Stack, serial: int) -> str:
    answer = stack.submit(enterprise(serial=serial))
    assert answer.status_code == 201
    return str(json.loads(answer.body)["filing_id"])


def without_key(filing_id: str) -> None:
    """As a filing written before the index had it."""
    filing = Filing.get(filing_id)
    filing.update(actions=[Filing.form_key.remove()])
    assert Filing.get(filing_id).form_key is None


def listed(form: str, status: str) -> set[str]:
    from chalicelib.store.models import form_keys

    return {f.filing_id for key in form_keys(form, status) for f in Filing.form_index.query(key)}


def test_old_filings_are_put_into_the_form_index_once(stack: Stack) -> None:
    # GIVEN two filings stored without their form index key
    old = [submitted(stack, 61), submitted(stack, 62)]
    for filing_id in old:
        without_key(filing_id)
    assert not set(old) & listed("enterprise-resumption", "submitted")
    # WHEN the backfill runs from the command line
    result = CliRunner().invoke(cli.main, ["backfill-form-keys"])
    # THEN both are written with the key a transition would give them, and listed again
    assert result.exit_code == 0, result.output
    assert "2 without a key: 2 written, 0 moved meanwhile" in result.output
    for filing_id in old:
        filing = Filing.get(filing_id)
        assert filing.form_key == form_key(filing.form, filing.status, filing_id)
    assert set(old) <= listed("enterprise-resumption", "submitted")
    # AND a second run finds nothing to do
    assert backfill.backfill_form_keys() == backfill.Backfilled(0, 0, 0)


def test_a_filing_that_moves_during_the_backfill_keeps_its_own_key(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a filing without a key, which moves (its version grows) after the scan read it
    filing_id = submitted(stack, 63)
    without_key(filing_id)
    real_scan = Filing.scan

    def scan_then_move(*args: object, **kwargs: object) -> object:
        for filing in real_scan(*args, **kwargs):
            moved = Filing.get(filing.filing_id)
            moved.update(
                actions=[
                    Filing.version.add(1),
                    Filing.status.set("approved"),
                    Filing.form_key.set(form_key(moved.form, "approved", moved.filing_id)),
                ]
            )
            yield filing

    monkeypatch.setattr(Filing, "scan", scan_then_move)
    # WHEN the backfill runs
    done = backfill.backfill_form_keys()
    # THEN it does not overwrite the key the transition set (with the status it moved to)
    assert done == backfill.Backfilled(1, 0, 1)
    assert Filing.get(filing_id).form_key == form_key(
        "enterprise-resumption", "approved", filing_id
    )
