"""benchmarks/REPORT.md from the results of one `make bench` run."""

from __future__ import annotations

import json
from typing import Any

from benchmarks import scale
from benchmarks.bench_month import FULL_RUN, SEED

MB = 1000 * 1000


def _ok(value: float | None, target: float, at_most: bool = True) -> str:
    if value is None:
        return "—"
    met = value <= target if at_most else value >= target
    return f"{'≤' if at_most else '≥'} {target:g} {'✓' if met else '✗'}"


def _r(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


TITLES = {
    "imports": "Cold start",
    "calls": "AWS calls per operation",
    "handler": "Handler overhead",
    "documents": "Documents",
    "roster": "A charter's roster",
    "staff": "What staff read",
    "month": "The district's month",
    "bundle": "The bundle",
    "seal": "The offline seal and the checkpoint lists",
    "workbench": "The officials' workbench",
}


def _failed(name: str, results: dict[str, Any]) -> str | None:
    result = results.get(name)
    if result is None or "error" in result:
        reason = (result or {}).get("error", "not run")
        return f"## {TITLES[name]}\n\n_Not measured: {reason}_\n"
    return None


def render(results: dict[str, Any], meta: dict[str, Any]) -> str:
    out = [HEADER.format(**meta), _machine(meta["machine"]), _key_table(results)]
    sections = (
        ("imports", _imports),
        ("calls", _calls),
        ("handler", _handler),
        ("documents", _documents),
        ("roster", _roster),
        ("staff", _staff),
        ("month", _month),
        ("calls", _scale),
        ("bundle", _bundle),
        ("seal", _seal),
        ("workbench", _workbench),
    )
    for name, section in sections:
        failed = _failed(name, results)
        if failed is None:
            out.append(section(results))
        elif section is not _scale:  # the scale on paper follows the calls: said once
            out.append(failed)
    out.append(CHANGES)
    return "\n".join(out)


HEADER = """# Benchmarks

Written by `make bench` ({started}, {minutes:.1f} minutes). Each figure is a ratio against
its floor or its peer, measured side by side in the same run: this machine is shared
and noisy, so its absolute times alone prove nothing. Medians throughout; the code is in
`benchmarks/`, one module per section.
"""


def _machine(m: dict[str, str]) -> str:
    libs = ", ".join(
        f"{k} {m[k]}"
        for k in (
            "chalice",
            "boto3",
            "botocore",
            "pynamodb",
            "pydantic",
            "moto",
            "reportlab",
            "segno",
            "weasyprint",
        )
    )
    return (
        f"**Machine:** {m['cpu']}, {m['cores']} cores (shared), Python {m['python']} on "
        f"{m['platform']}; load average {m['load']} at the start.  \n**Libraries:** {libs}.\n"
    )


def _key_table(res: dict[str, Any]) -> str:
    rows = [
        "## Key figures",
        "",
        "| What | Measured | Floor or peer | Ratio | Target |",
        "|---|---:|---:|---:|---|",
    ]
    imp = res.get("imports", {})
    if "ratio" in imp:
        ms, ratio = imp["median_ms"], imp["ratio"]
        floor = f"`import boto3` {ms['boto3']:.0f} ms"
        labels = {
            "bundle": "Cold start, `import app` from the bundle as packaged",
            "source": "Cold start, the source tree, our code compiled at import",
            "source_compiled": "Cold start, the source tree with bytecode",
        }
        for key, label in labels.items():
            if key in ratio:
                # the target is Lambda's: the bundle; the source tree's rows explain it
                target = _ok(ratio[key], 1.3) if key == "bundle" else "—"
                rows.append(
                    f"| {label} | {ms[key]:.0f} ms | {floor} | {ratio[key]:.2f} | {target} |"
                )
    cycles = _lifecycles(res.get("calls", {}))
    if cycles:
        sub = scale.submission(cycles[0]["rows"])
        rows.append(
            f"| AWS calls, a submission ({cycles[0]['name']}) | {sub['total']} | "
            f"{sub['minimum']} (one transaction, the client's rate window in it; one S3 PUT) | "
            f"{sub['total'] / sub['minimum']:.2f} | — |"
        )
        for lc in cycles:
            t = lc["total"]
            rows.append(
                f"| A whole {lc['name']} lifecycle: AWS calls; capacity | {t['total']} calls; "
                f"{t['wcu']:.0f} WCU, {t['rcu']:.1f} RCU | {t['minimum']} calls (minimum) | "
                f"{t['total'] / t['minimum']:.2f} | — |"
            )
    hd = res.get("handler", {})
    if "ratio" in hd:
        rows.append(
            f"| Submission handler in process | {hd['handler_ms']:.2f} ms | bare calls "
            f"{hd['floor_ms']:.2f} ms | {hd['ratio']:.2f} | {_ok(hd['ratio'], 1.5)} |"
        )
    ro = res.get("roster", {})
    if "ratio" in ro:
        rows.append(
            f"| Roster of {ro['rows']} rows | {ro['upload_s']:.1f} s | bare calls "
            f"{ro['floor_s']:.1f} s | {ro['ratio']:.2f} | — |"
        )
    docs = res.get("documents", {})
    for kind in ("certificate", "pass"):
        if kind in docs:
            s = docs[kind]["seconds"]
            rows.append(
                f"| A {kind}, our renderer | {1 / s['ours']:.0f}/s | bare reportlab "
                f"{1 / s['floor']:.0f}/s | {s['ours'] / s['floor']:.1f}× the floor's "
                "time | — |"
            )
            if "weasyprint" in s:
                speed = s["weasyprint"] / s["ours"]
                rows.append(
                    f"| A {kind}, against WeasyPrint | {1 / s['ours']:.0f}/s | "
                    f"WeasyPrint {1 / s['weasyprint']:.1f}/s | {speed:.1f}× faster | "
                    f"{_ok(speed, 10, at_most=False)} |"
                )
    mo = res.get("month", {})
    if "issued" in mo:
        rows.append(
            f"| The month at scale {mo['scale']:g} ({mo['issued']} documents) | "
            f"{mo['wall_s'] / 60:.1f} min, {mo['documents_per_s']:.1f} documents/s | — "
            f"| {mo['calls_per_document']:.1f} calls, {mo['wcu_per_document']:.1f} WCU "
            "a document | — |"
        )
    full = _full_month()
    if full:
        rows.append(
            f"| The whole month ({full['issued']} documents, run {full['finished']}) | "
            f"{full['wall_s'] / 60:.1f} min, {full['documents_per_s']:.1f} "
            f"documents/s | — | {full['calls_per_document']:.1f} calls, "
            f"{full['wcu_per_document']:.1f} WCU a document | — |"
        )
    bu = res.get("bundle", {})
    if "zipped" in bu:
        rows.append(
            f"| The bundle, zipped / unzipped | {bu['zipped'] / MB:.1f} / "
            f"{bu['unzipped'] / MB:.1f} MB | Lambda's 50 / 250 MB | "
            f"{bu['zipped_share']:.2f} / {bu['unzipped_share']:.2f} | ≤ 1 ✓ |"
        )
    elif "not_packaged" in bu:
        rows.append(f"| The bundle | not packaged: {bu['not_packaged']} | — | — | — |")
    return "\n".join(rows) + "\n"


def _lifecycles(calls: dict[str, Any]) -> list[dict[str, Any]]:
    """Each form's lifecycle as bench_calls measured it (form, name, title, rows, total);
    results kept from before every form was measured hold the enterprise's and the
    worker's only, under their own keys."""
    if "lifecycles" in calls:
        return list(calls["lifecycles"])
    if "enterprise" not in calls:
        return []
    return [
        {
            "form": form,
            "name": name,
            "title": title,
            "rows": calls[name],
            "total": calls[f"{name}_total"],
        }
        for form, name, title in (
            ("enterprise-resumption", "enterprise", "企业复工备案 (enterprise)"),
            ("worker-return", "worker", "人员返婺登记 (returning worker)"),
        )
    ]


def _full_month() -> dict[str, Any] | None:
    if FULL_RUN.exists():
        return dict(json.loads(FULL_RUN.read_text()))
    return None


def _imports(res: dict[str, Any]) -> str:
    imp = res["imports"]
    ms = imp["median_ms"]
    lines = [
        "## Cold start",
        "",
        f"`import app` and `import boto3`, each in {imp['runs']} fresh interpreters run in "
        "turns, medians. Every interpreter runs as Lambda's does: `-S`, no site-packages, "
        "the runtime's boto3 and botocore (with their bytecode) behind the code; no "
        "bytecode is written (Lambda's directory is read-only). Lambda runs every function "
        "of ours (the API, the events, the schedule) by importing `app`.",
        "",
        "| Variant | `import app` | Modules | Over `import boto3` |",
        "|---|---:|---:|---:|",
        f"| `import boto3` (the floor) | {ms['boto3']:.0f} ms | {imp['modules']['boto3']} | 1 |",
    ]
    labels = {
        "source": "source tree, our code compiled at import (libraries with bytecode)",
        "source_compiled": "source tree, all with bytecode",
        "bundle": f"the bundle as packaged ({imp.get('bundle_zip')}), with the bytecode "
        "`scripts/slim_bundle.py` compiles into it: what Lambda runs",
    }
    for key, label in labels.items():
        if key in ms:
            lines.append(
                f"| {label} | {ms[key]:.0f} ms | {imp['modules'][key]} | {imp['ratio'][key]:.2f} |"
            )
    first = imp["first_use_ms"]
    lines += [
        "",
        "The bundle is packaged by `make bench` from this tree (`make package`). Without "
        "its bytecode (Chalice's zip has none, and Lambda's directory is read-only) every "
        "module would be compiled at every cold start: the source tree's first row shows "
        "what our own modules alone cost that way. `import app` brings, besides "
        f"the standard library: {', '.join(imp['third_party'])}. Deferred to the functions "
        f"that use them, and absent after `import app`: {', '.join(imp['deferred_absent'])}"
        + (
            f"; **present: {', '.join(imp['deferred_present'])}**"
            if imp["deferred_present"]
            else ""
        )
        + ". `tests/performance/test_high_level_imports.py` keeps it so.",
        "",
        "What the first use of each then costs (once per container, source tree): the form "
        f"catalogue (pydantic, stdnum, email-validator, both models built) {first['forms']:.0f}"
        f" ms; documents (reportlab, segno, the CID font) {first['documents']:.0f} ms; the "
        f"page templates (Jinja2) {first['pages']:.0f} ms; boto3 over botocore "
        f"{first['boto3']:.0f} ms. A checkpoint's scan (`/verify`) pays none of them.",
        "",
    ]
    return "\n".join(lines)


def _op_rows(rows: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in rows:
        calls = ", ".join(f"{k.split(':')[1]} {n}" for k, n in r["calls"].items())
        extra = r["total"] - r["minimum"]
        out.append(
            f"| {r['op']} | {r['total']} | {r['minimum']} | {extra or ''} | "
            f"{r['rcu']:.1f} | {r['wcu']:.0f} | {calls} |"
        )
    return out


def _calls(res: dict[str, Any]) -> str:
    c = res["calls"]
    cycles = _lifecycles(c)
    moto = ", ".join(f"{lc['total']['moto_units']:.1f} ({lc['name']})" for lc in cycles)
    lines = [
        "## AWS calls per operation",
        "",
        "Counted by patching botocore's `BaseClient._make_api_call` (boto3's clients and "
        "PynamoDB's both go through it): one filing of each form from its submission to "
        "its last decision and document, each event delivered on its own. A form that "
        "takes a file has it uploaded first as a phone would (the API presigns a POST, "
        "`presign upload`, and the file goes straight to S3, not through us); each "
        "decision is POSTed to its approver's link with the inputs its page asks for "
        "(an approved amount, the instructor assigned, the resolution's figures). The "
        "minimum is every write that takes effect and every message the design calls for "
        "(none was found that it does without) and the reads it cannot do without (the "
        "filing; a decided task; an approver to write to; the enterprise filing a worker "
        "or a claim names; an upload's HEAD; the instructor chosen, checked against the "
        "town's; a town's stock of what an order draws): what is above it is avoidable "
        "reads, and message claims taken again and refused (`benchmarks/bench_calls.py`, "
        "`REQUIRED_READS` and `FORM_READS`, says why each read is needed). "
        "Capacity units by DynamoDB's rules from the items' sizes in the emulator (reads "
        "in 4 KB, halved when eventually consistent; writes in 1 KB, doubled in a "
        "transaction; each index entry changed, a delete and a put when its key moves). "
        "moto's own ConsumedCapacity, asked for with a 'before-parameter-build' hook, is "
        "a flat 1 a write and 0.5 a read and nothing for transactions: "
        f"{moto} units a lifecycle.",
        "",
        "| Lifecycle | Calls | Minimum | Ratio | WCU | RCU | Messages | To S3 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {lc['title']} | {t['total']} | {t['minimum']} | "
            f"{t['total'] / t['minimum']:.2f} | {t['wcu']:.0f} | {t['rcu']:.1f} | "
            f"{t['sends']} | {t['s3_bytes'] / 1000:.0f} kB |"
            for lc in cycles
            for t in (lc["total"],)
        ),
        "",
    ]
    for lc in cycles:
        t = lc["total"]
        lines += [
            f"**{lc['title']}:** {t['total']} calls against a minimum of {t['minimum']} "
            f"({t['total'] / t['minimum']:.2f}); {t['wcu']:.0f} WCU and {t['rcu']:.1f} RCU; "
            f"{t['sends']} messages; {t['s3_bytes'] / 1000:.0f} kB to S3.",
            "",
            "| Operation | Calls | Minimum | Above it | RCU | WCU | Calls made |",
            "|---|---:|---:|---:|---:|---:|---|",
            *_op_rows(lc["rows"]),
            "",
        ]
    ro = c["roster"]
    lines += [
        "| Other requests | Calls | Minimum | Above it | RCU | WCU | Calls made |",
        "|---|---:|---:|---:|---:|---:|---|",
        *_op_rows(c["views"]),
        *_op_rows([dict(ro, op=f"a roster of {ro['rows']} rows")]),
        "",
        "What is above the minimum: after each transition the filing is read again "
        "(`lifecycle.load`, for its new version); each decision event queries the filing's "
        "tasks and announces every open step again (the claims make that a no-op, but "
        "each is a read, and a conditional write refused); a decision reads the "
        "approver's contact for the name it records (for an enterprise's confirmation, "
        "its filing). Each of these could go, at the cost "
        "of the handlers deriving everything from stored state, which is what makes them "
        "safe to replay: they are left as they are.",
        "",
    ]
    forms = {lc["form"] for lc in cycles}
    if forms & {"enterprise-resumption", "charter-subsidy", "support-subsidy"}:
        lines += [
            "The certificate and a subsidy's approval notice query the filing's tasks for "
            "the decisions they print, counted in the minimum as the filing's decisions; "
            "the filing's own history now holds each decision's time and what it set, so "
            "each could do with the filing alone, one read less a document.",
            "",
        ]
    if "supplies-order" in forms:
        lines += [
            "A supplies order's approval reads its town's stock of the items ordered (one "
            "batch) before its transaction, to turn an approval the stock cannot cover into "
            "a refusal naming what is left; it is counted in the minimum, though the "
            "transaction's own conditions on each level would let it read only when one "
            "fails.",
            "",
        ]
    return "\n".join(lines)


def _handler(res: dict[str, Any]) -> str:
    hd = res["handler"]
    return "\n".join(
        [
            "## Handler overhead",
            "",
            f"A submission through Chalice's test client (the route, validation, the domain, "
            f"PynamoDB) against the same {' and '.join(hd['calls'])} it sent, replayed through "
            f"bare botocore clients with a fresh filing id, slip number and credit code, on the "
            f"same moto: {hd['runs']} of each in turns after a warm-up.",
            "",
            f"| Handler | Bare calls | Ratio | Handler p90 |\n|---:|---:|---:|---:|\n"
            f"| {hd['handler_ms']:.2f} ms | {hd['floor_ms']:.2f} ms | {hd['ratio']:.2f} | "
            f"{hd['handler_p90_ms']:.2f} ms |",
            "",
            f"Timing each call (30 more submissions, the meter on), our own share of a "
            f"submission is {hd['own_ms']:.2f} ms (Chalice's routing, validation, building "
            "the items); the rest is inside the two calls.",
            "",
        ]
    )


def _seal(res: dict[str, Any]) -> str:
    d = res["seal"]
    qr, bare, lists = d["qr"], d["qr_without_seal"], d["lists"]
    kib = 1024
    return "\n".join(
        [
            "## The offline seal and the checkpoint lists",
            "",
            "`benchmarks/bench_seal.py`, one core. A pass's seal (`chalicelib/documents/seal.py`: "
            "a CWT in COSE_Sign1, ES256, zlib, base45 behind `JF1:`) signed and verified "
            "offline as the scanner does (the seal against the trust list, the code and the "
            "employer against the revocation list, the days against today), against the "
            "floor of a bare ES256 sign and verify of the same claims (cryptography).",
            "",
            "| figure | ours | floor | ratio |",
            "|---|---|---|---|",
            f"| seals signed per second | {d['signs_per_s']:.0f} | {d['floor_signs_per_s']:.0f} "
            f"| {d['signs_per_s'] / d['floor_signs_per_s']:.2f} |",
            f"| offline verifications per second | {d['verifies_per_s']:.0f} | "
            f"{d['floor_verifies_per_s']:.0f} | "
            f"{d['verifies_per_s'] / d['floor_verifies_per_s']:.2f} |",
            "",
            f"The seal is {d['seal_chars']} characters. The QR of a deployed address "
            f"(`https://jfw.wucheng.gov.cn/verify/<code>#JF1:…`, {qr['chars']} characters, "
            f"level M) is version {qr['version']}: {qr['modules']} modules of "
            f"{qr['module_mm']:.2f} mm in the PDF's 42 mm square (without the seal: version "
            f"{bare['version']}, {bare['module_mm']:.2f} mm). On the pass on screen it "
            "fills the phone's width.",
            "",
            f"The lists at the month's scale ({lists['sealed_documents']} sealed documents: "
            f"certificates, docking slips and passes; {lists['enterprises']} enterprises):",
            "",
            "| list | entries | JSON | gzip |",
            "|---|---|---|---|",
            f"| every document and every employer listed (the upper bound) | "
            f"{lists['all']['entries']} | {lists['all']['bytes'] / kib:.0f} KiB | "
            f"{lists['all']['gzip_bytes'] / kib:.0f} KiB |",
            f"| a tenth of them | {lists['tenth']['entries']} | "
            f"{lists['tenth']['bytes'] / kib:.0f} KiB | "
            f"{lists['tenth']['gzip_bytes'] / kib:.0f} KiB |",
            f"| a delta of ten changes (`?since=`) | 10 | {lists['delta10']['bytes']} B | — |",
            f"| the trust list (one key) | 1 | {lists['trust_list_bytes']} B | — |",
            "",
            "A scanner downloads the whole list once and then only deltas; the document "
            "codes are random by design and compress little.",
            "",
        ]
    )


def _documents(res: dict[str, Any]) -> str:
    d = res["documents"]
    lines = [
        "## Documents",
        "",
        "Renders per second on one core (the process pinned), on the contents the product "
        "built for a real certificate and a real pass: our renderer "
        "(`chalicelib/documents/render.py`: wrapped and fitted text, the facts' table, a "
        "vector QR code), the floor (a bare reportlab page with the same strings, no "
        "layout, no QR code) and a peer's approach (WeasyPrint, the same document from "
        "HTML and CSS with an inline SVG QR code and the Chinese font embedded). In rounds, "
        "each in turn.",
        "",
        "| Renderer | Certificate | Pass | PDF size (certificate) |",
        "|---|---:|---:|---:|",
    ]
    labels = {
        "ours": "ours (one QR mask given, reportlab's C accelerator)",
        "ours_every_mask": "ours, segno trying all eight QR masks (before)",
        "floor": "floor: bare reportlab",
        "weasyprint": "peer: WeasyPrint",
    }
    cert, pas = d["certificate"]["seconds"], d["pass"]["seconds"]
    for key, label in labels.items():
        if key in cert:
            size = d["certificate"]["bytes"].get(key)
            lines.append(
                f"| {label} | {1 / cert[key]:.0f}/s ({cert[key] * 1000:.1f} ms) | "
                f"{1 / pas[key]:.0f}/s ({pas[key] * 1000:.1f} ms) | "
                f"{f'{size / 1000:.1f} kB' if size else '—'} |"
            )
    if d.get("weasyprint_error"):
        lines.append(f"\nWeasyPrint could not run: {d['weasyprint_error']}.")
    if "weasyprint" in cert:
        speed = cert["weasyprint"] / cert["ours"]
        lines += [
            "",
            f"Ours is {speed:.1f}× faster than WeasyPrint on a certificate "
            f"({pas['weasyprint'] / pas['ours']:.1f}× on a pass) and takes "
            f"{cert['ours'] / cert['floor']:.1f}× the floor's time (the floor draws its "
            "strings at fixed places: no wrapping, no fitting, no table, no QR code).",
        ]
    if "ours_every_mask" in cert:
        lines.append(
            "Two choices make it so: the QR code's mask is given (`render.QR_MASK`) "
            "rather than chosen by scoring all eight, which took "
            f"{1 - cert['ours'] / cert['ours_every_mask']:.0%} of a certificate's time "
            "(any of the eight is a valid code; the scoring only eases reading a poor "
            "image, and the end-to-end tests decode the code from the rendered page); and "
            "reportlab's own C accelerator (`rl-accel`, a small abi3 wheel in the bundle) "
            "formats the numbers and encodes the streams that it otherwise does in Python."
        )
    lines.append("")
    return "\n".join(lines)


def _roster(res: dict[str, Any]) -> str:
    ro = res["roster"]
    return (
        "## A charter's roster\n\n"
        f"One upload of {ro['rows']} rows (CSV), validated whole and filed eight at a time: "
        f"{ro['upload_s']:.2f} s, {ro['per_row_ms']:.1f} ms a row, against the same "
        f"{ro['rows']} transactions and S3 PUTs made bare with the same concurrency on the "
        f"same moto ({ro['floor_s']:.2f} s, the mean of one run before and one after): "
        f"{ro['ratio']:.2f}.\n"
    )


# The same views measured at b433cb8, before the form index and the side-by-side counter
# reads (benchmarks/bench_staff.py, this machine): district 2697 calls (2592 queries, 104
# batch reads) in 2.92 s, a town 109 in 0.15 s, each export 1298 calls (1.3 to 2.8 s),
# the charter-subsidy XLSX export 500.
STAFF_BEFORE = {"dashboard, district": (2697, 2.92), "dashboard, town": (109, 0.15)}


def _staff(res: dict[str, Any]) -> str:
    st = res["staff"]
    lines = [
        "## What staff read\n",
        "The dashboard of the district and of one town, and each form's export in both "
        "formats, with one filing of every form through its lifecycle and six more waiting "
        f"in six towns; calls counted on one view, times the median of {st['rounds']} in "
        "process (`benchmarks/bench_staff.py`). The minimum is the counters shown in batches "
        "of 100 keys, the stock in batches of 100, one query, the audit entry; an export's, "
        "a query of each partition of the index it reads, its filings in batches of 100, "
        "the audit entry and the PUT. The district's queue and exports read the form index "
        "(a form's filings of one status in every town, over 8 shards): as many queries "
        "whatever the number of towns; the counters' batches grow with the towns shown.\n",
        "| View | Calls | Minimum | Time | Before (b433cb8) |",
        "|---|---:|---:|---:|---:|",
    ]
    for v in st["views"]:
        calls, seconds = STAFF_BEFORE.get(v["view"], (None, None))
        before = f"{calls} calls, {seconds:.2f} s" if calls else "—"
        lines.append(
            f"| {v['view']} | {v['calls']} | {v['minimum']} | {v['seconds']:.3f} s | {before} |"
        )
    for e in st["exports"]:
        failed = "" if e["status"] in (200, 303) else f" (answered {e['status']})"
        lines.append(
            f"| export {e['form']} {e['format']}{failed} | {e['calls']} | {e['minimum']} | "
            f"{e['seconds']:.3f} s | 1298 calls |"
        )
    return "\n".join(lines) + "\n"


def _workbench(res: dict[str, Any]) -> str:
    return workbench_section(res["workbench"])


def workbench_section(wb: dict[str, Any]) -> str:
    """The workbench's calls against their minimum, and its pages on an empty stack and
    with a month loaded (benchmarks/bench_workbench.py)."""
    empty, loaded = wb["empty"], wb["loaded"]
    c = loaded["counts"]
    lines = [
        "## The officials' workbench\n",
        "A to-do page (25 open steps of one town), a search by a phone and by an enterprise "
        "name's beginning, the dashboard of that town and of the district (its figures and "
        "the first page of 25 of its waiting queue), and a bulk confirmation of 50 workers, "
        "in process on moto "
        f"(`benchmarks/bench_workbench.py`; times the median of {wb['rounds']}). The minimum "
        "of a page is the session's revocation check (GetItem), one Query of its index, "
        "the page's filings in one BatchGetItem and the audit entry; of the bulk, the "
        "revocation check, the tasks and the filings in one BatchGetItem each, the "
        "contact once, then per worker its transaction and its S3 record, and the audit "
        "entry. A dashboard's minimum is its figures' (the counters and the stock in "
        "batches of 100, the audit entry: as under What staff read) and its queue's, one "
        "Query of each index key the queue spans (every form's two waiting statuses over "
        "8 shards: 96, a town's or the district's), measured alone on the queue's rows; the "
        "rest of a dashboard's calls are its checkpoints' and risk map's. Loaded: a month "
        "of the district's items written straight into the tables "
        f"(scale {wb['scale']:g}: {c['filings']} filings, {c['tasks']} tasks, {c['search']} "
        "search entries), the same page contents as on the empty stack.\n",
        "| View | Calls | Minimum | Empty stack | Month loaded | Loaded / empty |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, minimum in wb["minimums"].items():
        e, lo = empty["views"][name], loaded["views"][name]
        ratio = lo["seconds"] / e["seconds"] if e["seconds"] else 0.0
        lines.append(
            f"| {name} | {lo['calls']} | {minimum} | {e['seconds']:.3f} s | "
            f"{lo['seconds']:.3f} s | {ratio:.2f} |"
        )
    b = wb["bulk"]
    lines.append(
        f"| bulk confirmation of 50 ({b['decided']} decided) | {b['calls']} | {b['minimum']} "
        f"| {b['seconds']:.2f} s | — | — |"
    )
    lines.append(
        f"\nThe same bulk sent again: {b['again_calls']} calls, {b['again_writes']} write "
        "(its audit entry): every step found used, nothing recorded twice.\n"
    )
    return "\n".join(lines) + "\n"


def _month_table(mo: dict[str, Any]) -> list[str]:
    docs = mo["documents"]
    return [
        f"| {mo['scale']:g} | {mo['counts']['enterprises']} ({mo['counts']['approved']} "
        f"approved) | {mo['counts']['workers']} ({mo['counts']['one_by_one']} one by one) | "
        f"{docs.get('slip', 0)} / {docs.get('certificate', 0)} / "
        f"{docs.get('docking_slip', 0)} / {docs.get('pass', 0)} | {mo['wall_s'] / 60:.1f} min "
        f"| {mo['documents_per_s']:.1f} | {mo['calls_per_document']:.1f} | "
        f"{mo['rcu_per_document']:.1f} / {mo['wcu_per_document']:.1f} |"
    ]


def _month(res: dict[str, Any]) -> str:
    mo = res["month"]
    full = _full_month()
    lines = [
        "## The district's month",
        "",
        f"The seed's volume: {SEED['enterprises']} enterprise filings ({SEED['approved']} "
        f"approved), {SEED['one_by_one']} docking slips, {SEED['workers']} passes. The "
        "product issues a pass only to a worker who holds a docking slip, so each pass is "
        f"a worker taken the whole way: {SEED['workers']} workers, of whom "
        f"{SEED['one_by_one']} register one by one through the form and the rest come on "
        "charter rosters of 40; every worker gets a receipt, a docking slip and a pass "
        f"(so {SEED['workers']} docking slips, more than the seed's {SEED['one_by_one']}: "
        "the replay does more, not less). The enterprises not approved are refused by "
        "their town. Every filing goes through the API, every decision is POSTed to its "
        "link (signed here as the one sent), every event is pumped into the handler ten "
        "to an invocation, the queue drained every 50 requests; in process, one thread "
        "(rosters: eight), on moto with "
        "`make_dynamodb_faithful()`, with the meter on. Two of moto's own costs are spared "
        "(`harness.spare_moto_its_scans`): a query of a table's key sorts the whole table "
        "before keeping one partition, and receiving a message counts the whole queue; "
        "left in, they make the replay quadratic (the whole month had not finished after "
        "57 minutes), and the local stack of `make run` pays the first as its tables grow: "
        "`devstack/emulator.py` could spare it as it spares moto's table copies. "
        "`make bench` runs "
        "`BENCH_SCALE` of it (0.1 unless set); `BENCH_SCALE=1` runs the month and keeps "
        "its result in `benchmarks/month-full.json`.",
        "",
        "| Scale | Enterprises | Workers | Receipts / certificates / docking slips / "
        "passes | Wall time | Documents/s | AWS calls a document | RCU / WCU a document |",
        "|---:|---:|---:|---|---:|---:|---:|---:|",
        *_month_table(mo),
        *(_month_table(full) if full else []),
        "",
        f"At scale {mo['scale']:g}: {mo['calls_total']} AWS calls "
        f"({', '.join(f'{k} {v}' for k, v in mo['calls'].items())}), plus "
        f"{mo['local_outbox_calls']} writes to the local stage's outbox (not deployed, not "
        f"counted); {mo['aws_s']:.0f} s of the wall time was inside moto. The partitions "
        "that took the most write units: "
        + "; ".join(f"{t} `{k}` {u:.0f}" for t, k, u in mo["hottest_keys"][:5])
        + ".",
        "",
        "| Phase | Time | AWS calls |",
        "|---|---:|---:|",
        *[
            f"| {name.strip()} | {p['seconds']:.1f} s | {p['calls']} |"
            for name, p in mo["phases"].items()
        ],
        "",
    ]
    if not full:
        lines.append("The whole month has not been run on this machine yet.\n")
    return "\n".join(lines)


def _partitions_verdict(rows: list[dict[str, Any]], peak: Any) -> str:
    """Whether every shared key stays under a partition's limit, and how it is kept there."""
    over = [r for r in rows if r["keys"] and r["wcu_s_one_town"] > scale.PARTITION_WCU]
    how = (
        f"The counters spread over {scale.COUNTER_SHARDS} shards (busiest: "
        f"{peak('counters'):,.0f} WCU/s); the filings' `queue-index` over "
        f"{scale.QUEUE_SHARDS} shards of `<form>#<town>#<status>`, projecting only what a "
        "queue and an export show, none of which changes while a filing keeps its status, "
        f"so that only a change of status writes it (busiest: "
        f"{peak('filings/queue-index'):,.0f} WCU/s); the tasks' sparse `alert-index` over "
        f"{scale.ALERT_SHARDS} shards (busiest: {peak('tasks/alert-index'):,.0f} WCU/s); the "
        f"reconciler's sparse `emit-index` over {scale.EMIT_SHARDS} shards, keys only "
        f"(busiest: {peak('filings/emit-index'):,.0f} WCU/s)."
    )
    stock = [r for r in rows if r["where"] == "stock"]
    if stock:
        worst = max(stock, key=lambda r: r["units_per_filing"])
        cap = scale.PARTITION_WCU / worst["units_per_filing"]
        how += (
            " A town's stock is one partition key, the town, which every approved supplies "
            f"order of that town writes ({worst['units_per_filing']:.0f} WCU an order: its "
            "items' draws, doubled in the transaction that approves it): one town takes at "
            f"most about {cap:,.0f} approvals a second, the district's "
            f"{scale.TOWNS} towns together about {cap * scale.TOWNS:,.0f}. An order is "
            "approved by its town's office, one decision at a time, far below either."
        )
    if not over:
        return (
            f"Every key that filings share stays under {scale.PARTITION_WCU:,} WCU/s at "
            f"{scale.RATE:,} filings a second, even all in one town. " + how
        )
    named = ", ".join(f"{r['form']} `{r['key']}` ({r['wcu_s_one_town']:,.0f})" for r in over)
    indexes = (
        " An index that cannot keep up throttles the table's own writes."
        if any("/" in r["where"] for r in over)
        else ""
    )
    return (
        f"Over {scale.PARTITION_WCU:,} WCU/s at {scale.RATE:,} filings a second in one town: "
        f"{named}.{indexes} " + how
    )


def _scale(res: dict[str, Any]) -> str:
    c = res["calls"]
    cycles = _lifecycles(c)
    rows = [r for lc in cycles for r in scale.partitions(lc["total"], lc["name"])]
    lines = [
        "## The scale on paper",
        "",
        f"At {scale.RATE:,} filings a second on AWS, every step keeping pace (a steady "
        "state), from one lifecycle of each form as counted above, each form taken on "
        f"its own at that rate. DynamoDB takes at most {scale.PARTITION_WCU:,} write units "
        "a second on one partition key, and a global "
        "index's key the same. Keys of one item (a filing, its tasks and audit entries, a "
        "claim) take a filing's few writes over its whole life, at any rate of filings; the "
        "keys filings share are these:",
        "",
        "| Form | Table or index | Key | WCU a filing | Keys | WCU/s a key, one town | "
        f"WCU/s a key, {scale.TOWNS} towns |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["keys"] == 0:
            continue
        hot = r["wcu_s_one_town"]
        flag = " ✗" if hot > scale.PARTITION_WCU else ""
        lines.append(
            f"| {r['form']} | {r['where']} | `{r['key']}` | {r['units_per_filing']:.0f} "
            f"| {r['keys']} | {hot:,.0f}{flag} | {r['wcu_s_spread']:,.0f} |"
        )
    items = [r for r in rows if r["keys"] == 0]

    def peak(where: str, column: str = "wcu_s_one_town") -> float:
        return max((r[column] for r in rows if r["where"] == where), default=0.0)

    lines += [
        "",
        "One item's key, the most write units it takes over its filing's life: "
        + "; ".join(f"{r['form']} {r['where']} {r['units_per_filing']:.0f}" for r in items)
        + ".",
        "",
        _partitions_verdict(rows, peak),
        "",
    ]
    conc = {lc["name"]: scale.concurrency(lc["rows"]) for lc in cycles}
    lines += [
        "**Lambda concurrency** (Little's law: rate × duration). A handler's time on "
        "Lambda is taken as our own time measured here, scaled to the share of a CPU "
        f"that {scale.MEMORY_MB} MB gets (1,769 MB is one vCPU), plus each AWS call at "
        "an assumed in-region latency ("
        + ", ".join(f"{k} {v:g} ms" for k, v in scale.LATENCY_MS.items())
        + "; any other call 20 ms).",
        "",
        "| Form | API Lambda-s a filing | Events Lambda-s a filing | Concurrency at "
        f"{scale.RATE:,}/s: API | events |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {name} | {k['api_deployed_s']:.2f} | {k['events_deployed_s']:.2f} | "
            f"{k['api_concurrency']:,.0f} | {k['events_concurrency']:,.0f} |"
            for name, k in conc.items()
        ),
        "",
    ]
    first = cycles[0]["name"]
    need = {name: k["api_concurrency"] + k["events_concurrency"] for name, k in conc.items()}
    low, high = min(need, key=need.__getitem__), max(need, key=need.__getitem__)
    lines += [
        f"A submission alone ({first}) takes about "
        f"{conc[first]['submission_deployed_s'] * 1000:.0f} ms on Lambda: {scale.RATE:,} a "
        f"second need about {scale.RATE * conc[first]['submission_deployed_s']:.0f} "
        "concurrent executions. Every step of every filing at that rate needs from "
        f"{need[low]:,.0f} ({low}) to {need[high]:,.0f} ({high}), against the "
        "account's default quota of 1,000 concurrent executions in a region: the quota "
        "must be raised, and the events function's reserved concurrency set so that it "
        "cannot starve the API. PDF rendering is most of the events' own time.",
        "",
    ]
    costs = {lc["name"]: scale.cost(lc["rows"], c["views"]) for lc in cycles}
    mixed = "enterprise" in costs and "worker" in costs
    mix = SEED["enterprises"] / (SEED["enterprises"] + SEED["workers"])
    lines += [
        "**What 10,000 filings cost** on demand, each taken its whole way (an upload's "
        "presigned POST where the form takes one, its submission, each step's page and "
        "decision, its events, a status view and one verification), for each form"
        + (f" and for the month's mix ({mix:.0%} enterprises, the rest workers)" if mixed else "")
        + ":",
        "",
        "| | "
        + " | ".join(f"10,000 {name}" for name in costs)
        + (" | 10,000 in the month's mix |" if mixed else " |"),
        "|---|" + "---:|" * (len(costs) + mixed),
    ]

    def mixed_cost(part: str) -> float:
        return mix * costs["enterprise"][part] + (1 - mix) * costs["worker"][part]

    for part in costs[first]:
        if part == "sms":
            continue
        values = [each[part] for each in costs.values()] + ([mixed_cost(part)] if mixed else [])
        bold = "**" if part == "total" else ""
        lines.append(
            f"| {bold}{part}{bold} | "
            + " | ".join(f"{bold}${v * 10_000:,.2f}{bold}" for v in values)
            + " |"
        )
    sms = [each["sms"] for each in costs.values()] + ([mixed_cost("sms")] if mixed else [])
    lines += [
        "| SMS sent (priced by country, not included) | "
        + " | ".join(f"{v * 10_000:,.0f}" for v in sms)
        + " |",
        "",
        f"Price sheet: {scale.PRICE_SHEET} CloudWatch Logs and data transfer are left out.",
        "",
    ]
    return "\n".join(lines)


def _bundle(res: dict[str, Any]) -> str:
    bu = res["bundle"]
    if "not_packaged" in bu:
        return f"## The bundle\n\nNot packaged: {bu['not_packaged']}.\n"
    largest = ", ".join(f"{name} {size / MB:.1f} MB" for name, size in bu["largest"])
    return (
        "## The bundle\n\n"
        f"`{bu['zip']}` (built {bu['built']}): {bu['zipped'] / MB:.1f} MB zipped, "
        f"{bu['unzipped'] / MB:.1f} MB unzipped, {bu['files']} files ({bu['pyc_files']} of "
        f"them bytecode); {bu['zipped_share']:.0%} of Lambda's 50 MB for a zip and "
        f"{bu['unzipped_share']:.0%} of its 250 MB unzipped. Largest: {largest}.\n"
    )


CHANGES = """## Changes made to the product for this report

Measured when made (before → after, this machine, in the cold start's Lambda-like set-up);
the figures above are this run's.

- Cold start: the form catalogue (`chalicelib/forms/`) and the submission
  (`chalicelib/filing/submission.py`, then `filings.py`) no longer import pydantic (and,
  through the field types, stdnum and email-validator) at import: the catalogue imports
  them on its first use; the renderer imports reportlab and segno only when it draws.
  `import app` over `import boto3`: source tree 1.99 → 1.26, compiled 1.74 → 1.15; the
  bundle compiled 1.12, as packaged (no bytecode) 1.56.
- Calls: a decision no longer queries the filing's tasks (only the approver's page shows
  them), and issuing a document (`documents.issue.ensure_document`) no longer reads back
  a document whose code it has just drawn and claimed (no delivery can have issued it).
  An enterprise's lifecycle 60 → 56 calls (20.5 → 17.5 RCU), a worker's 115 → 108
  (39.0 → 34.0 RCU).
- Queries on the embedded stack (`devstack/emulator.py`): moto sorted the whole table
  before every Query; a query now reads its partition, an index query its items
  unsorted. The workbench's to-do page with a month loaded 6.44 s → 0.35 s (17× → 0.92×
  its empty-stack time); its calls were 4 (the minimum) before and after.
- The dashboard's queue (`chalicelib/staff/waiting.py`): a page of 25 (it read up to 100
  of every form and status, 96 queries of 100 items) by a signed cursor, one Query of 26
  a key; the queries ask only for what a row shows (`attributes_to_get`: not the form
  data the index projects for the exports); and the embedded stack's index query reads
  its partition, grouped by the index's key once until the next write (it went through
  every item of the table each of the 96 queries). A town's dashboard with a month
  loaded, paged but before the last two, 4.82 s → 0.88 s after them (8.6× → 1.9× its
  empty-stack time), its queue alone 3.26 s → 0.67 s; 119 calls before and after.
"""
