"""Take out of a Lambda deployment zip what the Lambda runtime already provides.

`chalice package` installs requirements.txt with every dependency, and PynamoDB
depends on botocore: the zip would carry botocore (with its urllib3, dateutil,
jmespath, six), some 20 MB unzipped that the Python runtime ships anyway, in a
version that then shadows the runtime's. Chalice has no option to leave a
dependency out, so `make package` runs this on its zip:

- boto3 and botocore are removed, each file their wheel's RECORD lists;
- so is any other distribution the runtime provides (urllib3, python-dateutil,
  jmespath, s3transfer, six) that only they brought in: one that something left
  in the zip requires stays;
- `__pycache__` directories (bytecode of the build machine) are dropped, and every
  module is compiled afresh for the runtime, with an unchecked hash: Lambda's
  directory is read-only, so a bundle without bytecode compiles every module at every
  cold start (half again as slow as it need be: benchmarks/REPORT.md, "Cold start").
  Chalice builds for the Python it runs on, and so does this: the two agree.

    python scripts/slim_bundle.py build/package/deployment.zip
"""

from __future__ import annotations

import argparse
import importlib.util
import py_compile
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

# What Lambda's Python runtimes carry: boto3 and botocore, and their dependencies.
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}
)
ALWAYS_REMOVED = frozenset({"boto3", "botocore"})


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Distribution:
    name: str  # normalized
    dist_info: str  # "botocore-1.44.8.dist-info/"
    requires: frozenset[str]  # normalized names, extras left out
    files: frozenset[str]

    @property
    def data_dir(self) -> str:
        return self.dist_info.removesuffix(".dist-info/") + ".data/"


def _required(requirement: str) -> str | None:
    """The distribution a Requires-Dist line names, unless only an extra wants it."""
    spec, _, marker = requirement.partition(";")
    if "extra" in marker:
        return None
    match = re.match(r"[A-Za-z0-9._-]+", spec.strip())
    return normalize(match.group(0)) if match else None


def distributions(bundle: zipfile.ZipFile) -> dict[str, Distribution]:
    found: dict[str, Distribution] = {}
    for entry in bundle.namelist():
        match = re.fullmatch(r"([^/]+\.dist-info/)METADATA", entry)
        if not match:
            continue
        dist_info = match.group(1)
        metadata = HeaderParser().parsestr(bundle.read(entry).decode("utf-8"))
        requires = frozenset(filter(None, map(_required, metadata.get_all("Requires-Dist") or [])))
        record = f"{dist_info}RECORD"
        listed = (
            bundle.read(record).decode("utf-8").splitlines() if record in bundle.namelist() else []
        )
        files = frozenset(line.rsplit(",", 2)[0] for line in listed if line.strip())
        name = normalize(metadata["Name"])
        found[name] = Distribution(name, dist_info, requires, files)
    return found


def to_remove(found: dict[str, Distribution]) -> set[str]:
    """boto3 and botocore, then each runtime-provided distribution that only removed
    ones require (one the app lists itself, or something kept needs, stays)."""
    removed = set(ALWAYS_REMOVED & found.keys())
    while True:
        needed_by_kept = set().union(*(d.requires for n, d in found.items() if n not in removed))
        needed_by_removed = set().union(*(found[n].requires for n in removed))
        more = (RUNTIME_PROVIDED & found.keys() & needed_by_removed) - needed_by_kept - removed
        if not more:
            return removed
        removed |= more


def slim(path: Path) -> tuple[list[str], int, int]:
    """Rewrite the zip in place; returns the distributions removed, and the unzipped
    sizes before and after."""
    with zipfile.ZipFile(path) as bundle:
        found = distributions(bundle)
        removed = sorted(to_remove(found))
        dropped: set[str] = set()
        prefixes: list[str] = []
        for name in removed:
            dist = found[name]
            dropped |= dist.files
            prefixes += [dist.dist_info, dist.data_dir]
        infos = bundle.infolist()
        before = sum(i.file_size for i in infos)
        keep = [
            i
            for i in infos
            if i.filename not in dropped
            and not i.filename.startswith(tuple(prefixes))
            and "__pycache__/" not in i.filename
        ]
        with (
            tempfile.NamedTemporaryFile(dir=path.parent, suffix=".zip", delete=False) as tmp,
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out,
            tempfile.TemporaryDirectory() as work,
        ):
            after = 0
            for info in keep:
                content = bundle.read(info)
                out.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
                after += info.file_size
                if info.filename.endswith(".py"):
                    pyc = bytecode(info.filename, content, Path(work))
                    if pyc is not None:
                        name, code = pyc
                        out.writestr(
                            zipfile.ZipInfo(name, info.date_time), code, zipfile.ZIP_DEFLATED
                        )
                        after += len(code)
    shutil.copymode(path, tmp.name)
    shutil.move(tmp.name, path)
    return removed, before, after


def bytecode(name: str, source: bytes, work: Path) -> tuple[str, bytes] | None:
    """The module's .pyc, as the runtime's Python looks for it beside the source
    (`__pycache__/<module>.cpython-3XX.pyc`), with an unchecked hash: Lambda's files keep
    no meaningful timestamps and never change. None for a file this Python cannot compile
    (a library's template or a test written for another version): the runtime would
    compile it, if it ever imported it, as it does now."""
    src = work / "module.py"
    src.write_bytes(source)
    out = work / "module.pyc"
    try:
        py_compile.compile(
            str(src),
            cfile=str(out),
            dfile=f"/var/task/{name}",
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError:
        return None
    return importlib.util.cache_from_source(name), out.read_bytes()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("zip", type=Path)
    args = parser.parse_args(argv)
    removed, before, after = slim(args.zip)
    print(
        f"{args.zip}: removed {', '.join(removed) or 'nothing'}; "
        f"{before / 1e6:.1f} MB -> {after / 1e6:.1f} MB unzipped, "
        f"{args.zip.stat().st_size / 1e6:.1f} MB zipped"
    )


if __name__ == "__main__":
    main()
