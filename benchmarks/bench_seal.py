"""The offline seal (chalicelib/documents/seal.py) on one core: seals signed per second
and offline verifications per second (the scanner's checks, in Python: the seal against
the trust list, the document against the revocation list), against the floor of a bare
ES256 sign and verify (cryptography) of the same claims; the QR's version and module size
as printed (42 mm, level M) for a deployed address; and the checkpoint lists' sizes at
the month's scale (benchmarks/month-full.json: every sealed document and every
enterprise listed, the upper bound; a tenth of them; a delta of ten)."""

from __future__ import annotations

import gzip
import json
import os
import time
from datetime import UTC, date, datetime
from typing import Any

from benchmarks import harness as h

SECONDS = float(os.environ.get("BENCH_SEAL_SECONDS", "2"))
DEPLOYED_BASE = "https://jfw.wucheng.gov.cn"  # an address of a deployed stage's length
NOW = datetime(2020, 2, 12, 2, 0, tzinfo=UTC)


def per_second(fn: Any) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        fn()
        done += 1
    return done / (time.perf_counter() - started)


def floor_rates(claims: bytes) -> tuple[float, float]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    signature = key.sign(claims, ec.ECDSA(hashes.SHA256()))
    public = key.public_key()
    sign = per_second(lambda: key.sign(claims, ec.ECDSA(hashes.SHA256())))
    verify = per_second(lambda: public.verify(signature, claims, ec.ECDSA(hashes.SHA256())))
    return sign, verify


def qr_figures(text: str) -> dict[str, Any]:
    import segno

    from chalicelib.documents.render import MM, QR_SIZE

    symbol = segno.make(text, error="m", boost_error=False, micro=False)
    modules = symbol.symbol_size(scale=1, border=0)[0]
    return {
        "chars": len(text),
        "version": symbol.version,
        "modules": modules,
        "module_mm": QR_SIZE / MM / modules,
    }


def list_sizes(seal: Any) -> dict[str, Any]:
    from chalicelib.core.ids import new_document_code, new_slip_no

    month = json.loads((h.ROOT / "benchmarks" / "month-full.json").read_text())
    docs = month["documents"]
    sealed = docs["certificate"] + docs["docking_slip"] + docs["pass"]
    enterprises = month["counts"]["enterprises"]
    out: dict[str, Any] = {"sealed_documents": sealed, "enterprises": enterprises}
    for name, share in (("all", 1.0), ("tenth", 0.1)):
        codes = sorted(new_document_code() for _ in range(int(sealed * share)))
        employers = sorted(new_slip_no(NOW) for _ in range(int(enterprises * share)))
        body = {
            "version": 1000,
            "since": 0,
            "issued_at": NOW.isoformat(),
            "revoked": codes[: len(codes) // 2],
            "withdrawn": codes[len(codes) // 2 :],
            "suspended": [],
            "employers": employers,
            "removed": [],
        }
        body["signature"] = seal.sign_detached(seal.revocation_signed_bytes(body), NOW)
        data = json.dumps(body, separators=(",", ":")).encode()
        out[name] = {
            "entries": len(codes) + len(employers),
            "bytes": len(data),
            "gzip_bytes": len(gzip.compress(data)),
        }
    delta = {
        "version": 1010,
        "since": 1000,
        "issued_at": NOW.isoformat(),
        "revoked": [new_document_code() for _ in range(8)],
        "withdrawn": [],
        "suspended": [],
        "employers": [new_slip_no(NOW)],
        "removed": [new_document_code()],
    }
    delta["signature"] = seal.sign_detached(seal.revocation_signed_bytes(delta), NOW)
    out["delta10"] = {"bytes": len(json.dumps(delta, separators=(",", ":")).encode())}
    trust = {"version": 1, "issued_at": NOW.isoformat(), "keys": seal.trust_keys()}
    out["trust_list_bytes"] = len(json.dumps(trust, ensure_ascii=False).encode())
    return out


def main() -> dict[str, Any]:
    h.configure()
    from chalicelib.documents import seal

    args = ("K7Q3M9XH2P4R6T8W", "pass", "冉*开", "2020-02-10", "2020-02-23", "20200205-7KQ3M")
    sealed = seal.seal(*args, NOW)  # type: ignore[arg-type]
    trust = {"keys": seal.trust_keys()}
    revocations = {"revoked": [], "withdrawn": [], "suspended": [], "employers": []}
    today = date(2020, 2, 12)
    assert seal.check_offline(sealed, trust, revocations, today).status == "valid"
    if hasattr(os, "sched_setaffinity"):  # one core, as bench_documents
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import zlib

    import base45
    import cbor2

    claims = cbor2.loads(cbor2.loads(zlib.decompress(base45.b45decode(sealed[4:]))).value[2])
    floor_sign, floor_verify = floor_rates(cbor2.dumps(claims))
    signs = per_second(lambda: seal.seal(*args, NOW))  # type: ignore[arg-type]
    verifies = per_second(lambda: seal.check_offline(sealed, trust, revocations, today))
    text = seal.qr_text(f"{DEPLOYED_BASE}/verify/K7Q3M9XH2P4R6T8W", sealed)
    return {
        "seal_chars": len(sealed),
        "signs_per_s": signs,
        "verifies_per_s": verifies,
        "floor_signs_per_s": floor_sign,
        "floor_verifies_per_s": floor_verify,
        "qr": qr_figures(text),
        "qr_without_seal": qr_figures(f"{DEPLOYED_BASE}/verify/K7Q3M9XH2P4R6T8W"),
        "lists": list_sizes(seal),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
