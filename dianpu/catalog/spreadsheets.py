"""Tables in files: CSV (UTF-8 or GBK/GB18030, detected) and XLSX, read to rows of text and written
from rows. No database here; errors carry a code that `messages.py` turns into words."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from dianpu.core.tables import csv_value, neutralise_row, restore_cell, xlsx_value
from dianpu.core.uploads import (
    DEFAULT_LIMITS,
    UploadLimits,
    UploadRefused,
    bounded_rows,
    check_cells,
    check_spreadsheet,
    trimmed,
)

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other Office binary files


class TableError(Exception):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass
class Table:
    """A file's header and its rows. `rows` is read lazily, once, as (line number, cells) pairs
    (cells are text): the file is never held as a list of rows. A limit broken on the way raises
    UploadRefused; a broken file raises TableError."""

    header: list[str]
    rows: Iterable[tuple[int, list[str]]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""


def read_table(data: bytes, filename: str = "", limits: UploadLimits = DEFAULT_LIMITS) -> Table:
    """Read a CSV or XLSX file; refuses a file of any other kind with `file_kind`, and a file
    over a limit (size, unpacked size, compression ratio, rows, columns, cell length) with
    UploadRefused before reading it or as soon as the limit is passed."""
    check_spreadsheet(data, limits)
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, limits)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        return _read_csv(data, limits)
    if name.endswith((".xlsx", ".xlsm")) or data.startswith(OLE_MAGIC) or b"\x00" in data[:4096]:
        raise TableError("file_kind")
    if not data.strip():
        raise TableError("file_empty")
    return _read_csv(data, limits)


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else GB18030 (a superset of GBK and GB2312).
    Checked in chunks, so no decoded copy of the file is made."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    else:
        encoding = "utf-8"
    for candidate in (encoding, "gb18030"):
        decoder = codecs.getincrementaldecoder(candidate)("strict")
        try:
            view = memoryview(data)
            for start in range(0, len(data), 1 << 20):
                decoder.decode(view[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            if candidate == "gb18030":
                raise TableError("encoding_unknown") from None
            continue
        return candidate
    raise TableError("encoding_unknown")


def _read_csv(data: bytes, limits: UploadLimits) -> Table:
    encoding = detect_encoding(data)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    sample = stream.read(4096)
    stream.seek(0)
    delimiter = "\t" if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";") else ","
    if delimiter == "," and sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(","):
        delimiter = ";"
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("file_empty") from None
    except csv.Error:
        raise TableError("file_kind") from None
    check_cells(1, header, limits)

    def rows():
        start = reader.line_num + 1
        try:
            for cells in reader:
                # only a cell beginning with a quote can be one of ours neutralised (core.tables)
                yield start, [restore_cell(c) if c[:1] == "'" else c for c in cells]
                start = reader.line_num + 1
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise UploadRefused("upload_cell_too_long", limit=limits.max_cell_chars, line=start) from None
            raise TableError("csv_broken", line=start) from None

    return Table(
        header=[h.strip() for h in header],
        rows=bounded_rows(rows(), limits, header=False),
        kind="csv",
        encoding="gbk" if encoding == "gb18030" else encoding,
    )


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_header_cells(data: bytes) -> list[str]:
    """Merged ranges that touch the header row of the first sheet, found by scanning the sheet XML
    chunk by chunk (openpyxl's read-only mode does not report merged cells)."""
    found = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            if not sheets:
                return []
            with archive.open(sheets[0]) as handle:
                tail = b""
                while chunk := handle.read(1 << 20):
                    text = tail + chunk
                    for a, r1, b, r2 in _MERGE.findall(text):
                        ref = f"{a.decode()}{r1.decode()}:{b.decode()}{r2.decode()}"
                        if int(r1) == 1 and ref not in found:
                            found.append(ref)
                    tail = text[-200:]
    except (zipfile.BadZipFile, KeyError):
        raise TableError("file_kind") from None
    return found


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_NS}sheets/{_NS}sheet")
    rel_id = sheet.get(f"{_REL_NS}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise KeyError(rel_id)


def _shared_strings(archive: zipfile.ZipFile, limits: UploadLimits) -> list[str]:
    shared: list[str] = []
    if "xl/sharedStrings.xml" not in archive.namelist():
        return shared
    si_tag, t_tag = f"{_NS}si", f"{_NS}t"
    for _event, element in ElementTree.iterparse(archive.open("xl/sharedStrings.xml")):
        if element.tag == si_tag:
            text = "".join(t.text or "" for t in element.iter(t_tag))
            if len(text) > limits.max_cell_chars:
                raise UploadRefused("upload_cell_too_long", limit=limits.max_cell_chars, line="?")
            shared.append(text)
            element.clear()
    return shared


def _xlsx_rows(archive: zipfile.ZipFile, shared: list[str], merged: list[str], limits: UploadLimits):
    """Rows of the first sheet as text, straight from the XML (about twice as fast as openpyxl's
    read-only mode without lxml), one at a time; the sheet's merged ranges are added to `merged`
    as they are met (after the rows). Numbers come as written; dates stay serial numbers, which
    product files do not use."""
    c_tag, v_tag, t_tag, row_tag, merge_tag = (f"{_NS}c", f"{_NS}v", f"{_NS}t", f"{_NS}row", f"{_NS}mergeCell")
    digits = "0123456789"
    columns: dict[str, int] = {}
    count = 0
    for _event, element in ElementTree.iterparse(archive.open(_first_sheet_path(archive))):
        tag = element.tag
        if tag == merge_tag:
            merged.append(element.get("ref") or "")
            continue
        if tag != row_tag:
            continue
        count += 1
        line = int(element.get("r") or count)
        cells: list[str] = []
        for cell in element.iter(c_tag):
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip(digits)
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = _column_index(letters)
            else:
                column = len(cells)
            if column >= limits.max_columns:
                raise UploadRefused("upload_too_many_columns", limit=limits.max_columns, line=line, count=column + 1)
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(t_tag))
            else:
                value = cell.find(v_tag)
                text = (value.text or "") if value is not None else ""
                if kind == "s" and text:
                    text = shared[int(text)]
                elif kind == "b":
                    text = "TRUE" if text == "1" else "FALSE"
                elif kind == "n" and text.endswith(".0"):
                    text = text[:-2]
            while len(cells) < column:
                cells.append("")
            cells.append(text)
        element.clear()
        yield line, cells


def _merged_in_header(ranges: list[str]) -> list[str]:
    found = []
    for ref in ranges:
        match = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", ref)
        if match and int(match.group(2)) == 1:
            found.append(ref)
    return found


_FAST_READER_FAILURES = (KeyError, ValueError, IndexError, AttributeError, ElementTree.ParseError, zipfile.BadZipFile)


def _read_xlsx(data: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> Table:
    merged: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        rows = bounded_rows(_xlsx_rows(archive, _shared_strings(archive, limits), merged, limits), limits)
        first = next(rows, None)
    except _FAST_READER_FAILURES:
        first = rows = None  # something unusual: let openpyxl read it
    if rows is None:
        found = _merged_header_cells(data)
        if found:
            raise TableError("header_merged", cells=", ".join(found))
        return _read_xlsx_with_openpyxl(data, limits)
    if first is None or not any(first[1]):
        if _merged_in_header(merged):
            raise TableError("header_merged", cells=", ".join(_merged_in_header(merged)))
        raise TableError("file_empty")
    header = first[1]
    while header and not header[-1]:
        header.pop()
    width = len(header)

    def body():
        try:
            for line, cells in rows:
                if any(cells[:width]):
                    yield line, [restore_cell(c) for c in cells[:width]] + [""] * (width - len(cells))
        except _FAST_READER_FAILURES:
            raise TableError("file_kind") from None
        found = _merged_in_header(merged)
        if found:  # mergeCells come after the rows in the sheet's XML
            raise TableError("header_merged", cells=", ".join(found))

    return Table(header=[h.strip() for h in header], rows=body(), kind="xlsx")


def _read_xlsx_with_openpyxl(data: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise TableError("file_kind") from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1)
    try:
        header = [_cell_text(c) for c in next(values)]
    except StopIteration:
        workbook.close()
        raise TableError("file_empty") from None
    while header and not header[-1]:
        header.pop()
    if not header:
        workbook.close()
        raise TableError("file_empty")
    check_cells(1, header, limits)

    def body():
        try:
            numbered = ((line, [_cell_text(c) for c in trimmed(cells)]) for line, cells in enumerate(values, start=2))
            for line, text in bounded_rows(numbered, limits, header=False):
                text = text[: len(header)]
                if any(text):
                    yield line, [restore_cell(c) for c in text] + [""] * (len(header) - len(text))
        finally:
            workbook.close()

    return Table(header=[h.strip() for h in header], rows=body(), kind="xlsx")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # XLSX stores every number as a float: print it as typed (59.9, not 59.900000000000006).
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def write_csv(header, rows, *, bom: bool = True) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(neutralise_row(header))
    for row in rows:
        writer.writerow([csv_value(c) for c in row])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def write_xlsx(header, rows, *, sheet_title: str = "products") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for i, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(name) + 4))
    sheet.append([xlsx_value(c) for c in header])
    for row in rows:
        sheet.append([xlsx_value(c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
