"""The static files' one helper (chalicelib/web/static_files.py): the site's folder and
the scanner's answered alike, each file read once per container."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from chalicelib.web import static_files

PACKAGE = Path(str(resources.files("chalicelib")))


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    static_files.read.cache_clear()
    yield
    static_files.read.cache_clear()


@pytest.mark.parametrize(
    ("folder", "name", "content_type", "max_age"),
    [
        ("templates", "app.css", "text/css; charset=utf-8", 3600),
        ("templates", "favicon.svg", "image/svg+xml", 86400),
        ("static", "scan/scan.js", "text/javascript; charset=utf-8", 300),
        ("static", "jsqr-1.4.0/jsQR.js", "text/javascript; charset=utf-8", 86400),
    ],
)
def test_a_file_of_either_folder_is_answered_with_its_type_and_cache_time(
    folder: str, name: str, content_type: str, max_age: int
) -> None:
    # WHEN a file of the site's or the scanner's folder is asked for
    answer = static_files.response(folder, name, content_type, max_age)
    # THEN it is the file's text, with its type, its cache time and nosniff
    assert answer.status_code == 200
    assert answer.body == (PACKAGE / folder / name).read_text("utf-8")
    assert answer.headers == {
        "Content-Type": content_type,
        "Cache-Control": f"public, max-age={max_age}",
        "X-Content-Type-Options": "nosniff",
    }


def test_each_file_is_read_once_per_container(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the package's files counted as they are opened
    opened: list[str] = []
    real = resources.files

    class Counting:
        def __init__(self, root: Any) -> None:
            self.root = root

        def joinpath(self, path: str) -> Any:
            opened.append(path)
            return self.root.joinpath(path)

    monkeypatch.setattr(static_files.resources, "files", lambda pkg: Counting(real(pkg)))
    # WHEN each of two files is answered three times
    for _ in range(3):
        static_files.response("static", "scan/scan.css", "text/css", 300)
        static_files.response("templates", "app.css", "text/css", 3600)
    # THEN each was read once
    assert opened == ["static/scan/scan.css", "templates/app.css"]


def test_each_answer_is_its_own_so_a_route_may_change_its_headers() -> None:
    # GIVEN the service worker's route, which sets its own Cache-Control
    first = static_files.response("static", "scan/sw.js", "text/javascript", 0)
    first.headers["Cache-Control"] = "no-cache"
    # THEN the next answer of the same file is not changed by it
    second = static_files.response("static", "scan/sw.js", "text/javascript", 0)
    assert second.headers["Cache-Control"] == "public, max-age=0"
    assert second.body == first.body
