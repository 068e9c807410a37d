"""Uploaded files, bounded before they are read.

Every upload (product files, channel orders, tracking files, ad spend, …) goes through here:

1. `read_upload` refuses a file larger than the limit from its declared size, before a byte is
   read, and never reads more than the limit (a client may lie about the size);
2. `check_spreadsheet` looks inside an XLSX (a zip) before any XML parser or openpyxl touches it:
   number of parts, the uncompressed sizes the zip declares (Python's zipfile never inflates a
   part beyond its declared size), the compression ratio of each large part, and the sheet's own
   `<dimension>` (rows × columns), so a zip bomb is refused in milliseconds;
3. `bounded_rows` enforces rows, columns and cell length while the rows stream, for files that
   do not declare their size honestly (CSV, an XLSX without a dimension);
4. `read_image` reads an uploaded picture by its size first, then by what Pillow finds inside
   (never by its name or declared type).

A refusal is an `UploadRefused` (a DomainError) with a stable code and a text in the user's
language that names the limit. Generic: no app imports here.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from dianpu.core.errors import DomainError
from dianpu.core.messages import UPLOAD_ERRORS

MB = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 100 * MB  # the file as uploaded
    max_unpacked_bytes: int = 300 * MB  # all parts of an XLSX, as the zip declares them
    max_ratio: int = 100  # uncompressed / compressed, for a part larger than ratio_floor
    ratio_floor: int = 4 * MB
    max_parts: int = 2000
    max_rows: int = 300_000
    max_columns: int = 200
    max_cell_chars: int = 100_000  # Excel's own cell limit is 32,767


DEFAULT_LIMITS = UploadLimits()
_SIZE_CODES = ("upload_too_large", "upload_unpacked_too_large")  # limits shown as "100 MB"


class UploadRefused(DomainError):
    """A file refused before (or while) it is read, naming the limit it broke."""

    status = 422

    def __init__(self, code: str, **params):
        shown = {k: (_size(v) if k in ("size", "limit") and code in _SIZE_CODES else v) for k, v in params.items()}
        super().__init__(
            str(UPLOAD_ERRORS[code]) % shown, code=code, status=413 if code == "upload_too_large" else 422, **params
        )


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.0f} MB" if n % MB == 0 or n >= 10 * MB else f"{n / MB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"


def read_upload(upload, limits: UploadLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of an uploaded file (Django/ninja UploadedFile), refused by its size first."""
    size = getattr(upload, "size", None)
    if size is not None and size > limits.max_bytes:
        raise UploadRefused("upload_too_large", size=size, limit=limits.max_bytes)
    data = upload.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise UploadRefused("upload_too_large", size=len(data), limit=limits.max_bytes)
    return data


WEB_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_IMAGE_PIXELS = 40_000_000


class NotAnImage(ValueError):
    """The bytes are no picture of an accepted kind, or one too large to open safely."""


@dataclass(frozen=True)
class UploadedImage:
    data: bytes
    content_type: str
    extension: str  # "jpg", "png", "gif", "webp"
    width: int
    height: int


def read_image(upload, *, max_bytes: int, formats: dict[str, str] = WEB_IMAGE_FORMATS) -> UploadedImage:
    """An uploaded picture: refused by its declared size before a byte is read (UploadRefused,
    413), then NotAnImage unless Pillow finds inside one of `formats` (Pillow's format name ->
    content type) of at most MAX_IMAGE_PIXELS. The caller turns NotAnImage into its own error."""
    from PIL import Image, UnidentifiedImageError

    data = read_upload(upload, UploadLimits(max_bytes=max_bytes))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise NotAnImage(kind)
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise NotAnImage("unreadable") from None
    if kind not in formats:
        raise NotAnImage(kind)
    return UploadedImage(data, formats[kind], kind.lower().replace("jpeg", "jpg"), width, height)


def check_size(data: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> None:
    if len(data) > limits.max_bytes:
        raise UploadRefused("upload_too_large", size=len(data), limit=limits.max_bytes)


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def check_spreadsheet(data: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> None:
    """Refuse a file over the byte limit, and an XLSX whose zip declares too much, before reading it.
    Anything that is not a zip passes (CSV is bounded while it streams)."""
    check_size(data, limits)
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > limits.max_parts:
                raise UploadRefused("upload_too_many_parts", count=len(parts), limit=limits.max_parts)
            for part in parts:  # the sheet's own account of its size: the most telling refusal
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                    with archive.open(part) as handle:
                        _check_dimension(handle.read(4096), limits)
            total = sum(p.file_size for p in parts)
            if total > limits.max_unpacked_bytes:
                raise UploadRefused("upload_unpacked_too_large", size=total, limit=limits.max_unpacked_bytes)
            for part in parts:
                if part.file_size > limits.ratio_floor:
                    ratio = part.file_size // max(part.compress_size, 1)
                    if ratio > limits.max_ratio:
                        raise UploadRefused("upload_compression_suspicious", ratio=ratio, limit=limits.max_ratio)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return  # not a zip we can open: the reader refuses it as a file of the wrong kind


def _check_dimension(head: bytes, limits: UploadLimits) -> None:
    match = _DIMENSION.search(head)
    if not match:
        return
    last_column, last_row = match.group(3) or match.group(1), match.group(4) or match.group(2)
    if last_row and int(last_row) > limits.max_rows + 1:  # + the header row
        raise UploadRefused("upload_too_many_rows", limit=limits.max_rows)
    if last_column and _column_number(last_column.decode()) > limits.max_columns:
        raise UploadRefused(
            "upload_too_many_columns", limit=limits.max_columns, line=1, count=_column_number(last_column.decode())
        )


def bounded_rows(rows, limits: UploadLimits = DEFAULT_LIMITS, *, header: bool = True):
    """Pass (line, cells) pairs through, refusing the file at the first row over a limit."""
    allowed = limits.max_rows + (1 if header else 0)
    for count, (line, cells) in enumerate(rows, start=1):
        if count > allowed:
            raise UploadRefused("upload_too_many_rows", limit=limits.max_rows)
        check_cells(line, cells, limits)
        yield line, cells


def check_cells(line: int, cells, limits: UploadLimits = DEFAULT_LIMITS) -> None:
    if len(cells) > limits.max_columns:
        raise UploadRefused("upload_too_many_columns", limit=limits.max_columns, line=line, count=len(cells))
    try:
        longest = max(map(len, cells), default=0)  # every cell a text (a CSV row): one pass in C
    except TypeError:  # numbers or empty cells (XLSX)
        longest = max((len(cell) for cell in cells if isinstance(cell, str)), default=0)
    if longest > limits.max_cell_chars:
        raise UploadRefused("upload_cell_too_long", limit=limits.max_cell_chars, line=line)


def check_text_rows(text: str, limits: UploadLimits = DEFAULT_LIMITS) -> None:
    """A CSV already decoded: refuse it by its number of lines before a parser builds rows."""
    if text.count("\n") > limits.max_rows + 1:
        raise UploadRefused("upload_too_many_rows", limit=limits.max_rows)


def read_upload_text(upload, limits: UploadLimits = DEFAULT_LIMITS) -> str:
    """An uploaded CSV as text (UTF-8 with or without BOM, else GB18030), bounded in bytes and rows."""
    data = read_upload(upload, limits)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", errors="replace")
    check_text_rows(text, limits)
    return text


def upload_field(limits: UploadLimits = DEFAULT_LIMITS, **kwargs):
    """A form field for a file that is refused by its size (the limit named) before it is read."""
    from django import forms

    class BoundedFileField(forms.FileField):
        def clean(self, data, initial=None):
            upload = super().clean(data, initial)
            size = getattr(upload, "size", None)
            if size is not None and size > limits.max_bytes:
                error = UploadRefused("upload_too_large", size=size, limit=limits.max_bytes)
                raise forms.ValidationError(error.detail, code=error.code)
            return upload

    return BoundedFileField(**kwargs)


def trimmed(cells) -> list:
    """A row without its empty cells at the end (openpyxl pads rows to the sheet's width)."""
    cells = list(cells)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


def check_request_size(request, limits: UploadLimits = DEFAULT_LIMITS) -> None:
    """A file sent as the request body: refused by its Content-Length before the body is read."""
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if size > limits.max_bytes:
        raise UploadRefused("upload_too_large", size=size, limit=limits.max_bytes)


def check_upload_size(upload, limits: UploadLimits = DEFAULT_LIMITS) -> None:
    """Refuse an uploaded file (or a path on disk) by its size alone; None passes."""
    if upload is None:
        return
    size = upload.stat().st_size if hasattr(upload, "stat") else getattr(upload, "size", None)
    if size is not None and size > limits.max_bytes:
        raise UploadRefused("upload_too_large", size=size, limit=limits.max_bytes)
