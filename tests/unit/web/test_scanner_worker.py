"""The scanner's service worker serves its files from its cache first, at addresses that
never change: only a worker whose cache name changes with those files' content brings a
fixed scan.js to a phone that has the old one installed."""

from __future__ import annotations

import re

import pytest

from chalicelib.web import scan_pages, static_files


def served_cache_name() -> str:
    body = str(scan_pages.service_worker().body)
    match = re.search(r'const CACHE = "(jiafuwu-scan-[^"]+)"', body)
    assert match, "the worker names its cache"
    return match.group(1)


def test_the_worker_names_its_cache_by_the_files_it_keeps() -> None:
    # GIVEN the bundle's files WHEN the worker is served
    name = served_cache_name()
    # THEN its cache's name is a digest, not the placeholder, and the same each time
    assert re.fullmatch(r"jiafuwu-scan-[0-9a-f]{12}", name)
    assert served_cache_name() == name
    # AND it keeps exactly the files the digest covers
    sw = static_files.read("static", "scan/sw.js")
    kept = set(re.findall(r'"(/(?:scan|static)/[^"]+)"', sw.split("const LISTS")[0]))
    assert kept == {"/scan/scan.js", "/scan/jsQR.js", "/scan/scan.css", "/static/app.css"}
    assert len(scan_pages.SCANNER_FILES) == len(kept)


def test_a_changed_scanner_file_changes_the_workers_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    before = served_cache_name()
    real = static_files.read

    def changed(folder: str, name: str) -> str:
        text = real(folder, name)
        return text + "\n// fixed" if name == "scan/scan.js" else text

    # GIVEN a bundle whose scan.js differs by one line
    monkeypatch.setattr(static_files, "read", changed)
    # THEN the worker it serves is a new one, with a new cache
    assert served_cache_name() != before
