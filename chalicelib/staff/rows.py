"""What a staff list shows of a filing, whichever list it is (the dashboard's queue, the
to-do list): its slip, form, town and applicant, the applicant masked where the filing
names a person and the reader's role may not see it whole."""

from __future__ import annotations

from typing import Any, TypedDict

from chalicelib.core.privacy import mask_name
from chalicelib.forms import FormSpec
from chalicelib.staff.access import StaffClaim


class FilingRow(TypedDict):
    filing_id: str
    slip_no: str
    form: str
    form_title: str
    form_title_en: str
    town: str
    applicant: str  # masked where it names a person and the role may not see it whole


def filing_row(claim: StaffClaim, spec: FormSpec, filing: Any) -> FilingRow:
    """A list row's filing columns, from a filing or an index's projection of one (its
    slip_no, town and applicant are enough)."""
    applicant = str(filing.applicant or "")
    if spec.holder_is_person and not claim.sees_personal_data:
        applicant = mask_name(applicant)
    return FilingRow(
        filing_id=filing.filing_id,
        slip_no=filing.slip_no,
        form=spec.id,
        form_title=spec.title,
        form_title_en=spec.title_en,
        town=filing.town,
        applicant=applicant,
    )
