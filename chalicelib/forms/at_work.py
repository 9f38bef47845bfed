"""The daily return-to-work rate (在岗人数 / 员工总数), by enterprise and by town, as two
figures moved inside the transactions (chalicelib/filing/figures.py): an approved
enterprise's employees (its filing's `employees_total`), and the workers at work, a
worker counting from the pass (both check-ins in: the filing approved) until it is taken
back (withdrawn or revoked), in the employer's town and per employer."""

from __future__ import annotations

from chalicelib.core.workflow import APPROVED
from chalicelib.forms.spec import Figure, FilingView

EMPLOYER_FIELD = "employer_filing_id"
# The filing's outputs key where a submission records the town of each filing it names
# (chalicelib/filing/submission.py): field -> that filing's town.
REFERENCED = "referenced"


def employer_town(filing: FilingView) -> str | None:
    """The worker's employer's town, as recorded at submission (None before it was)."""
    town = filing.output(REFERENCED, EMPLOYER_FIELD)
    return str(town) if town else None


EMPLOYEES = Figure(
    name="employees",
    statuses=APPROVED,
    value=lambda f: int(str(f.data.get("employees_total", 0))),
    per=lambda f: f.filing_id,
)
AT_WORK = Figure(
    name="at_work",
    statuses=APPROVED,
    value=lambda f: 1,
    town=employer_town,
    per=lambda f: str(f.data[EMPLOYER_FIELD]),
)
