"""Files an applicant uploads before submitting (a passenger list, a receipt): straight
to S3 with a presigned POST, never through the API (Lambda's payload limit, and no
copy of the file in our function).

`POST /api/uploads` names the form, its upload field and the file's content type; the
answer is the POST's address and fields, with the key the filing then names. S3
enforces the POST policy's conditions (that exact key, that content type, at most the
field's size). At submission each upload field's object must exist under its form's
and field's prefix, within the limits (a HEAD, so a key cannot be borrowed from
elsewhere in the bucket or invented), and its first bytes must be of its declared
type (a ranged GET: magic numbers; a CSV is text), never HTML, SVG or a script.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.i18n import N_
from chalicelib.forms import FormSpec, Upload
from chalicelib.store import s3

EXPIRES_SECONDS = 900  # a phone on a slow network has a quarter of an hour to send it
EXTENSIONS = {
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}

_MESSAGES = {
    "field": ("此表单没有这个上传项", "This form has no such upload field"),
    "type": ("文件类型应为：{types}", "The file must be one of: {types}"),
    "missing": ("未找到上传的文件，请重新上传", "The uploaded file was not found; upload it again"),
    "size": ("文件不能超过{mb}MB", "The file must be at most {mb} MB"),
    "content": (
        "文件内容与所选类型不符，请上传真实的{types}文件",
        "The file's content is not what its type says: upload a real {types} file",
    ),
}

SNIFF_BYTES = 512
# What each accepted type's first bytes are. A CSV has no magic number: it is text
# (UTF-8 or GB18030, no NUL) that does not open like markup or a script.
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}
# Active content a browser would run if the bucket ever served it as a page.
_ACTIVE = re.compile(
    rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|a\s)"
    rb"|<script|javascript:",
    re.IGNORECASE,
)


def real_type_is(content_type: str, head: bytes) -> bool:
    """Whether the object's first bytes are of `content_type` and hold no active content
    (HTML, SVG, XML, scripts), whatever type it was declared with."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    if content_type in MAGIC:
        return head.startswith(MAGIC[content_type])
    if content_type == "text/csv":
        return _is_text(head) and not _ACTIVE.search(head)
    return False


def _is_text(head: bytes) -> bool:
    if b"\x00" in head or head.startswith(tuple(m for ms in MAGIC.values() for m in ms)):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the range's end
                return True
    return False


def _message(kind: str, lang: str, **ctx: object) -> str:
    zh, en = _MESSAGES[kind]
    return (en if lang == "en" else zh).format(**ctx)


class PresignedPost(NamedTuple):
    url: str
    fields: dict[str, str]
    key: str
    max_bytes: int

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "fields": self.fields,
            "key": self.key,
            "max_bytes": self.max_bytes,
        }


def prefix(form: str, field: str) -> str:
    return s3.upload_prefix(form, field)


def _upload(spec: FormSpec, field: str, lang: str) -> Upload:
    upload = spec.uploads.get(field)
    if upload is None:
        raise ValidationFailed({"field": _message("field", lang)})
    return upload


def presign(spec: FormSpec, field: str, content_type: str, lang: str = "zh") -> PresignedPost:
    """A presigned POST for one new object under the field's prefix: its content type
    one of the field's, its size at most the field's limit."""
    upload = _upload(spec, field, lang)
    content_type = content_type.strip().lower()
    if content_type not in upload.types:
        types = ", ".join(EXTENSIONS.get(t, t) for t in upload.types)
        raise ValidationFailed({"content_type": _message("type", lang, types=types)})
    key = s3.new_upload_key(spec.id, field, EXTENSIONS[content_type])
    url, fields = s3.presigned_post(
        key,
        {"Content-Type": content_type},
        [{"Content-Type": content_type}, ["content-length-range", 1, upload.max_bytes]],
        EXPIRES_SECONDS,
    )
    return PresignedPost(url, fields, key, upload.max_bytes)


def presign_for_page(spec: FormSpec, field: str, redirect: str) -> PresignedPost:
    """A presigned POST for the form page's own upload form (no script): the browser
    posts the file straight to S3, whose 303 brings it back to `redirect` with the key
    appended. The page's person picks the file's type (a form field S3 stores as the
    object's Content-Type); a POST policy cannot list several types, so the type is
    checked with the size at submission (`check`)."""
    upload = _upload(spec, field, "zh")
    key = s3.new_upload_key(spec.id, field, "file")
    url, fields = s3.presigned_post(
        key,
        {"success_action_redirect": redirect},
        [
            {"success_action_redirect": redirect},
            ["starts-with", "$Content-Type", ""],
            ["content-length-range", 1, upload.max_bytes],
        ],
        EXPIRES_SECONDS,
    )
    return PresignedPost(url, fields, key, upload.max_bytes)


def names_upload(spec: FormSpec, field: str, key: str | None) -> bool:
    """Whether `key` has the shape of an upload of this form's field (`check` looks
    for the object)."""
    rest = (key or "").removeprefix(prefix(spec.id, field))
    return bool(key) and rest != key and "/" not in rest


TYPE_NAMES = {  # shown through the pages' catalogue (chalicelib/core/i18n.py)
    "text/csv": N_("CSV 表格"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": N_("Excel 表格（.xlsx）"),
    "application/pdf": N_("PDF 文件"),
    "image/jpeg": N_("照片（.jpg）"),
    "image/png": N_("图片（.png）"),
}


def check(spec: FormSpec, data: dict[str, Any], lang: str = "zh") -> None:
    """Each upload field names an object uploaded for it: under its prefix, present,
    of one of its types and within its size; ValidationFailed naming each that is not."""
    bad: dict[str, str] = {}
    for field, upload in spec.uploads.items():
        key = data.get(field)
        if key is None:
            continue  # an optional upload left out; a required one was refused already
        if not str(key).startswith(prefix(spec.id, field)):
            bad[field] = _message("missing", lang)
            continue
        head = s3.head(str(key))
        if head is None:
            bad[field] = _message("missing", lang)
        elif int(head["ContentLength"]) > upload.max_bytes:
            bad[field] = _message("size", lang, mb=upload.max_bytes // (1024 * 1024))
        elif (declared := str(head.get("ContentType", "")).lower()) not in upload.types:
            types = ", ".join(EXTENSIONS.get(t, t) for t in upload.types)
            bad[field] = _message("type", lang, types=types)
        elif not real_type_is(declared, s3.first_bytes(str(key), SNIFF_BYTES)):
            bad[field] = _message("content", lang, types=EXTENSIONS.get(declared, declared))
    if bad:
        raise ValidationFailed(bad)
