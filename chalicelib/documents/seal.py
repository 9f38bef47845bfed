"""The offline seal: what a document's QR carries for a checkpoint without a network.

A CBOR Web Token (RFC 8392) signed as COSE_Sign1 (RFC 9052, ES256, the key id in the
protected header), zlib-compressed and base45-encoded (RFC 9285) behind the prefix
`JF1:`, in the manner of the EU Digital COVID Certificate. The QR holds the document's
`/verify/{code}` address with the seal in its fragment: any phone camera still opens the
online check, and a fragment never reaches a server's log.

The keys are not the link keys (chalicelib/links.py): ES256 key pairs, each with a key id
and the period in which it signs; they rotate by adding a newer one first. The trust list
publishes their public halves, and a neighbouring district's (TRUST_IMPORTS), so that its
passes verify here too. The scanner page (chalicelib/templates/scan.js) verifies the
same bytes with WebCrypto; `check_offline` is its twin, for the tests and the benchmark.

cwt, cbor2, base45 and cryptography are imported inside the functions: only a function
that seals or verifies pays for them, not every cold start.
"""

from __future__ import annotations

import base64
import functools
import json
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from chalicelib.core.clock import CHINA, china_day
from chalicelib.settings import get_settings, read_parameter

PREFIX = "JF1:"
ALG_ES256 = -7
HEADER_ALG, HEADER_KID = 1, 4
CLAIM_ISS, CLAIM_IAT = 1, 6
CLAIM_DOC = -65537  # private use (RFC 8392: below -65536): the document's own claims
DOC_CODE, DOC_KIND, DOC_HOLDER, DOC_FROM, DOC_TO, DOC_EMPLOYER = 1, 2, 3, 4, 5, 6
SEALED_KINDS = frozenset({"certificate", "docking_slip", "pass"})  # permits, not receipts

# What an offline check answers: valid, not_yet_valid, or one of these reasons (invalid).
INVALID_REASONS = (
    "malformed",  # not a seal of ours: cut, altered beyond parsing
    "unknown_key",  # signed by a key no trust list names
    "key_expired",  # issued outside its key's period
    "bad_signature",  # altered, or forged
    "revoked",  # the document (or its filing) revoked
    "withdrawn",  # its filing withdrawn by the applicant
    "suspended",  # held back (a health follow-up)
    "employer_revoked",  # the employer's filing taken back: its workers' passes with it
    "expired",  # past its last valid day
)


class SealError(Exception):
    """A seal that does not verify; `reason` is one of INVALID_REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SealKey:
    kid: str
    private_pem: str
    valid_from: str  # YYYY-MM-DD, the first day it signs
    valid_to: str | None  # the last day it signs; None: until a newer key takes over


class Claims(NamedTuple):
    issuer: str
    issued_at: int  # seconds since the epoch
    code: str
    kind: str
    holder: str
    valid_from: str
    valid_to: str | None
    employer: str | None  # the employer's filing reference (its slip number)
    kid: str


class Offline(NamedTuple):
    status: str  # valid | not_yet_valid | invalid
    reason: str | None  # one of INVALID_REASONS when invalid
    claims: Claims | None


# --- keys -----------------------------------------------------------------------------


@functools.cache
def _generated_local_key() -> str:
    """The local stage without SEAL_KEYS: one key per process (a restart re-seals nothing
    already issued, which then reads 'unknown key' offline and still verifies online)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return json.dumps([{"kid": "local-1", "key": pem, "valid_from": "2000-01-01"}])


def _raw_keys() -> str:
    s = get_settings()
    if s.seal_keys:
        return s.seal_keys
    if s.seal_keys_parameter:
        return _parameter(s.seal_keys_parameter)
    if s.stage == "local":
        return _generated_local_key()
    raise RuntimeError("no seal key configured (SEAL_KEYS or SEAL_KEYS_PARAMETER)")


@functools.cache
def _parameter(name: str) -> str:
    return read_parameter(name)  # once per container


def seal_keys() -> tuple[SealKey, ...]:
    """Newest first: `[{"kid", "key" (PEM, PKCS#8), "valid_from", "valid_to"?}]`."""
    return _parse_keys(_raw_keys())


@functools.cache
def _parse_keys(raw: str) -> tuple[SealKey, ...]:
    given = json.loads(raw)
    if not isinstance(given, list) or not given:
        raise RuntimeError("SEAL_KEYS: a JSON list of {kid, key, valid_from, valid_to}")
    return tuple(
        SealKey(str(k["kid"]), str(k["key"]), str(k["valid_from"]), k.get("valid_to"))
        for k in given
    )


def signing_key(today: date) -> SealKey:
    """The newest key whose period holds today."""
    day = today.isoformat()
    for key in seal_keys():
        if key.valid_from <= day and (key.valid_to is None or day <= key.valid_to):
            return key
    raise RuntimeError(f"no seal key signs on {day}")


def kid_text(kid: str | bytes) -> str:
    """A key id as the trust list names it: base64url without padding."""
    raw = kid.encode() if isinstance(kid, str) else kid
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def _private(pem: str, kid: str) -> Any:
    from cwt import COSEKey

    return COSEKey.from_pem(pem.encode(), alg="ES256", kid=kid.encode())


def public_jwk(key: SealKey) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise RuntimeError(f"seal key {key.kid}: not an EC key")
    numbers = private.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }


def own_trust_entries() -> list[dict[str, Any]]:
    issuer = get_settings().district_scope
    return [
        {
            "kid": kid_text(k.kid),
            "jwk": public_jwk(k),
            "valid_from": k.valid_from,
            "valid_to": k.valid_to,
            "issuer": issuer,
        }
        for k in seal_keys()
    ]


def imported_trust_entries() -> list[dict[str, Any]]:
    """Neighbouring districts' keys (跨域互认): TRUST_IMPORTS is a JSON list of their
    published trust lists (their `GET /api/trust-list`, as they gave it)."""
    raw = get_settings().trust_imports.strip()
    if not raw:
        return []
    entries: list[dict[str, Any]] = []
    for trust_list in json.loads(raw):
        for key in trust_list.get("keys", []):
            jwk = key["jwk"]
            if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
                raise RuntimeError("TRUST_IMPORTS: only P-256 keys")
            entries.append(
                {
                    "kid": str(key["kid"]),
                    "jwk": {"kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"]},
                    "valid_from": str(key["valid_from"]),
                    "valid_to": key.get("valid_to"),
                    "issuer": str(key.get("issuer") or trust_list.get("issuer") or ""),
                }
            )
    return entries


def trust_keys() -> list[dict[str, Any]]:
    return own_trust_entries() + imported_trust_entries()


# --- sealing --------------------------------------------------------------------------


def seal(
    code: str,
    kind: str,
    holder: str,
    valid_from: str,
    valid_to: str | None,
    employer: str | None,
    now: datetime,
) -> str:
    """The document's seal, `JF1:` and base45 (not yet percent-encoded for a URL)."""
    import base45
    import cbor2
    from cwt import COSE

    doc: dict[int, Any] = {
        DOC_CODE: code,
        DOC_KIND: kind,
        DOC_HOLDER: holder,
        DOC_FROM: valid_from,
        DOC_TO: valid_to,
    }
    if employer:
        doc[DOC_EMPLOYER] = employer
    claims = {
        CLAIM_ISS: get_settings().district_scope,
        CLAIM_IAT: int(now.timestamp()),
        CLAIM_DOC: doc,
    }
    key = signing_key(china_day(now))
    message = COSE.new().encode_and_sign(
        cbor2.dumps(claims),
        _private(key.private_pem, key.kid),
        protected={HEADER_ALG: ALG_ES256, HEADER_KID: key.kid.encode()},
    )
    return PREFIX + base45.b45encode(zlib.compress(message, 9)).decode()


def fragment(sealed: str) -> str:
    """Base45's space and % are the only characters a URL fragment cannot carry as such."""
    return sealed.replace("%", "%25").replace(" ", "%20")


def unfragment(text: str) -> str:
    return text.replace("%20", " ").replace("%25", "%")


def qr_text(verify_url: str, sealed: str | None) -> str:
    """What the QR code holds: the online address, and the seal in its fragment."""
    return f"{verify_url}#{fragment(sealed)}" if sealed else verify_url


def sign_detached(payload: bytes, now: datetime) -> str:
    """A COSE_Sign1 over `payload` carried apart (its payload nil), base64url: the
    revocation list's signature, by the key that seals documents today."""
    import cbor2
    from cwt import COSE

    key = signing_key(china_day(now))
    message = COSE.new().encode_and_sign(
        payload,
        _private(key.private_pem, key.kid),
        protected={HEADER_ALG: ALG_ES256, HEADER_KID: key.kid.encode()},
    )
    tag = cbor2.loads(message)
    tag.value[2] = None  # detached (RFC 9052 section 2): the list is beside it
    return _b64url(cbor2.dumps(tag))


# --- verifying, as the scanner does -----------------------------------------------------


@functools.cache
def _public(kid: str, x: str, y: str) -> Any:
    """A trust entry's key as COSE_Key (RFC 9053: EC2, P-256, ES256), with its raw kid,
    which cwt matches against the message's."""
    from cwt import COSEKey

    return COSEKey.new(
        {1: 2, 2: _unb64url(kid), 3: ALG_ES256, -1: 1, -2: _unb64url(x), -3: _unb64url(y)}
    )


def _verify_sign1(
    message: bytes, keys: list[dict[str, Any]], day: str, detached: bytes | None = None
) -> tuple[bytes, dict[str, Any]]:
    """The signed payload and the trust entry that signed it; SealError otherwise."""
    import cbor2
    from cwt import COSE

    try:
        tag = cbor2.loads(message)
        if not isinstance(tag, cbor2.CBORTag) or tag.tag != 18 or len(tag.value) != 4:
            raise SealError("malformed")
        protected = cbor2.loads(tag.value[0]) if tag.value[0] else {}
        kid = protected.get(HEADER_KID) if isinstance(protected, dict) else None
        if not isinstance(kid, bytes) or protected.get(HEADER_ALG) != ALG_ES256:
            raise SealError("malformed")
    except SealError:
        raise
    except Exception:
        raise SealError("malformed") from None
    entry = next((k for k in keys if k["kid"] == kid_text(kid)), None)
    if entry is None:
        raise SealError("unknown_key")
    if day < entry["valid_from"] or (entry.get("valid_to") and day > entry["valid_to"]):
        raise SealError("key_expired")
    jwk = entry["jwk"]
    try:
        payload = COSE.new().decode(
            message, _public(entry["kid"], jwk["x"], jwk["y"]), detached_payload=detached
        )
    except Exception:
        raise SealError("bad_signature") from None
    return bytes(detached if detached is not None else payload), entry


def open_seal(text: str, keys: list[dict[str, Any]]) -> Claims:
    """The claims of a seal (or of a whole QR text with the seal in its fragment),
    checked against the trust list's keys; SealError otherwise."""
    import base45
    import cbor2

    sealed = unfragment(text.partition("#")[2] if "#" in text else text)
    if not sealed.startswith(PREFIX):
        raise SealError("malformed")
    try:
        message = zlib.decompress(base45.b45decode(sealed[len(PREFIX) :]))
    except Exception:
        raise SealError("malformed") from None
    # The key's period is checked against the seal's own issue time, read first.
    try:
        claims = cbor2.loads(cbor2.loads(message).value[2])
        day = datetime.fromtimestamp(int(claims[CLAIM_IAT]), CHINA).date().isoformat()
    except Exception:
        raise SealError("malformed") from None
    payload, entry = _verify_sign1(message, keys, day)
    try:
        claims = cbor2.loads(payload)
        doc = claims[CLAIM_DOC]
        return Claims(
            issuer=str(claims[CLAIM_ISS]),
            issued_at=int(claims[CLAIM_IAT]),
            code=str(doc[DOC_CODE]),
            kind=str(doc[DOC_KIND]),
            holder=str(doc[DOC_HOLDER]),
            valid_from=str(doc[DOC_FROM]),
            valid_to=None if doc.get(DOC_TO) is None else str(doc[DOC_TO]),
            employer=None if doc.get(DOC_EMPLOYER) is None else str(doc[DOC_EMPLOYER]),
            kid=entry["kid"],
        )
    except Exception:
        raise SealError("malformed") from None


def revocation_signed_bytes(body: dict[str, Any]) -> bytes:
    """What a revocation list's signature covers: its fields in a fixed order, as
    compact JSON of plain strings (the scanner builds the same with JSON.stringify)."""
    fields = [
        "JF-REV1",
        body["version"],
        body["since"],
        body["issued_at"],
        body["revoked"],
        body["withdrawn"],
        body["suspended"],
        body["employers"],
        body["removed"],
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def verify_revocations(body: dict[str, Any], keys: list[dict[str, Any]]) -> None:
    """SealError unless the list's signature is a trust-list key's over its fields."""
    day = str(body["issued_at"])[:10]
    _verify_sign1(_unb64url(body["signature"]), keys, day, revocation_signed_bytes(body))


def check_offline(
    text: str, trust: dict[str, Any], revocations: dict[str, Any], today: date
) -> Offline:
    """A scan without a network: the seal against the trust list, the document against
    the (verified) revocation list, the validity against today."""
    try:
        claims = open_seal(text, trust["keys"])
    except SealError as exc:
        return Offline("invalid", exc.reason, None)
    for listed, reason in (("revoked", "revoked"), ("withdrawn", "withdrawn")):
        if claims.code in revocations.get(listed, ()):
            return Offline("invalid", reason, claims)
    if claims.code in revocations.get("suspended", ()):
        return Offline("invalid", "suspended", claims)
    if claims.employer and claims.employer in revocations.get("employers", ()):
        return Offline("invalid", "employer_revoked", claims)
    day = today.isoformat()
    if claims.valid_to and claims.valid_to < day:
        return Offline("invalid", "expired", claims)
    if claims.valid_from > day:
        return Offline("not_yet_valid", None, claims)
    return Offline("valid", None, claims)
