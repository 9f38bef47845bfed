"""The deployment bundle's size, zipped and unzipped, against Lambda's limits (50 MB for
a zip uploaded directly, 250 MB unzipped). The zip is `make package`'s
(build/package/*.zip) when there is one; else `make package` builds one into a temporary
directory, as tests/deploy does (it fetches the Lambda platform's wheels: set
BENCH_PACKAGE=0 to skip it, and the report says "not packaged")."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.harness import ROOT

ZIPPED_LIMIT = 50 * 1000 * 1000  # Lambda's quotas are in MB; AWS counts them as 50 MB
UNZIPPED_LIMIT = 250 * 1000 * 1000


def measure(zip_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(zip_path) as archive:
        infos = archive.infolist()
    unzipped = sum(i.file_size for i in infos)
    by_top: Counter[str] = Counter()
    for info in infos:
        top = info.filename.split("/", 1)[0]
        if ".dist-info" in top:
            top = "(dist-info)"
        by_top[top] += info.file_size
    zipped = zip_path.stat().st_size
    return {
        "zip": str(zip_path.relative_to(ROOT)) if zip_path.is_relative_to(ROOT) else zip_path.name,
        "built": time.strftime("%Y-%m-%d %H:%M", time.localtime(zip_path.stat().st_mtime)),
        "zipped": zipped,
        "unzipped": unzipped,
        "files": len(infos),
        "pyc_files": sum(1 for i in infos if i.filename.endswith(".pyc")),
        "zipped_share": zipped / ZIPPED_LIMIT,
        "unzipped_share": unzipped / UNZIPPED_LIMIT,
        "largest": by_top.most_common(8),
    }


def main() -> dict[str, Any]:
    found = sorted((ROOT / "build" / "package").glob("*.zip"))
    if found:
        return measure(found[0])
    if os.environ.get("BENCH_PACKAGE", "1") == "0":
        return {"not_packaged": "no build/package/*.zip, and BENCH_PACKAGE=0"}
    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        done = subprocess.run(
            ["make", "--no-print-directory", "package", f"PACKAGE_DIR={tmp}/prod"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        zips = sorted(Path(tmp, "prod").glob("*.zip"))
        if done.returncode or not zips:
            reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no zip"]
            return {"not_packaged": f"make package failed: {reason[0]}"}
        return measure(zips[0]) | {"zip": "make package (temporary)"}


if __name__ == "__main__":
    print(json.dumps(main()))
