"""A check-in's health as the tests send it (chalicelib/forms/checkin.py)."""

from __future__ import annotations

WELL = {"temperature": "36.5", "symptoms": "none"}  # a well worker: checks in
FEVER = {"temperature": "37.8", "symptoms": "none"}  # does not: a follow-up opens
COUGH = {"temperature": "36.6", "symptoms": "cough"}
