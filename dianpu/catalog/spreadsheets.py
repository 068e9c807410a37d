"""Tables in files: CSV (UTF-8 or GBK/GB18030, detected) and XLSX, read to rows of text and written
from rows. No database here; errors carry a code that `messages.py` turns into words."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other Office binary files
ILLEGAL_XLSX_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TableError(Exception):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)
    kind: str  # "csv" or "xlsx"
    encoding: str = ""


def read_table(data: bytes, filename: str = "") -> Table:
    """Read a CSV or XLSX file; refuses a file of any other kind with `file_kind`."""
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        return _read_csv(data)
    if name.endswith((".xlsx", ".xlsm")) or data.startswith(OLE_MAGIC) or b"\x00" in data[:4096]:
        raise TableError("file_kind")
    if not data.strip():
        raise TableError("file_empty")
    return _read_csv(data)


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) when it decodes, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise TableError("encoding_unknown") from None


def _read_csv(data: bytes) -> Table:
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError:
        raise TableError("encoding_unknown") from None
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";") else ","
    if delimiter == "," and sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(","):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("file_empty") from None
    except csv.Error:
        raise TableError("file_kind") from None
    rows = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error:
        raise TableError("csv_broken", line=start) from None
    return Table(header=[h.strip() for h in header], rows=rows, kind="csv", encoding=encoding)


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _merged_header_cells(data: bytes) -> list[str]:
    """Merged ranges that touch the header row of the first sheet (read from the sheet XML, since
    openpyxl's read-only mode does not report merged cells)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            if not sheets:
                return []
            xml = archive.read(sheets[0])
    except (zipfile.BadZipFile, KeyError):
        raise TableError("file_kind") from None
    return [f"{a.decode()}{r1.decode()}:{b.decode()}{r2.decode()}"
            for a, r1, b, r2 in _MERGE.findall(xml) if int(r1) == 1]


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


def _read_xlsx_values(data: bytes) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """Rows of the first sheet as text, straight from the XML (about twice as fast as openpyxl's
    read-only mode without lxml), and the sheet's merged ranges. Numbers come as written; dates
    stay serial numbers, which product files do not use."""
    c_tag, v_tag, t_tag, row_tag, merge_tag = (f"{_NS}c", f"{_NS}v", f"{_NS}t", f"{_NS}row", f"{_NS}mergeCell")
    digits = "0123456789"
    columns: dict[str, int] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            for _event, element in ElementTree.iterparse(archive.open("xl/sharedStrings.xml")):
                if element.tag == f"{_NS}si":
                    shared.append("".join(t.text or "" for t in element.iter(t_tag)))
                    element.clear()
        rows, merged = [], []
        for _event, element in ElementTree.iterparse(archive.open(_first_sheet_path(archive))):
            tag = element.tag
            if tag == merge_tag:
                merged.append(element.get("ref") or "")
                continue
            if tag != row_tag:
                continue
            line = int(element.get("r") or len(rows) + 1)
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
            rows.append((line, cells))
            element.clear()
    return rows, merged


def _merged_in_header(ranges: list[str]) -> list[str]:
    found = []
    for ref in ranges:
        match = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", ref)
        if match and int(match.group(2)) == 1:
            found.append(ref)
    return found


def _read_xlsx(data: bytes) -> Table:
    try:
        rows, ranges = _read_xlsx_values(data)
    except (KeyError, ValueError, IndexError, AttributeError, ElementTree.ParseError, zipfile.BadZipFile):
        rows = None  # something unusual: let openpyxl read it
    if rows is not None:
        merged = _merged_in_header(ranges)
        if merged:
            raise TableError("header_merged", cells=", ".join(merged))
        if not rows or not any(rows[0][1]):
            raise TableError("file_empty")
        header = rows[0][1]
        while header and not header[-1]:
            header.pop()
        width = len(header)
        body = [(line, cells[:width] + [""] * (width - len(cells))) for line, cells in rows[1:] if any(cells[:width])]
        return Table(header=[h.strip() for h in header], rows=body, kind="xlsx")
    merged = _merged_header_cells(data)
    if merged:
        raise TableError("header_merged", cells=", ".join(merged))
    return _read_xlsx_with_openpyxl(data)


def _read_xlsx_with_openpyxl(data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise TableError("file_kind") from None
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        try:
            header = [_cell_text(c) for c in next(values)]
        except StopIteration:
            raise TableError("file_empty") from None
        while header and not header[-1]:
            header.pop()
        rows = []
        for line, cells in enumerate(values, start=2):
            text = [_cell_text(c) for c in cells[: len(header)]]
            if any(text):
                rows.append((line, text))
    finally:
        workbook.close()
    if not header:
        raise TableError("file_empty")
    return Table(header=[h.strip() for h in header], rows=rows, kind="xlsx")


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
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def write_xlsx(header, rows, *, sheet_title: str = "products") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for i, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(name) + 4))
    sheet.append(list(header))
    for row in rows:
        sheet.append([ILLEGAL_XLSX_CHARS.sub("", c) if isinstance(c, str) else c for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
