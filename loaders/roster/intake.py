"""From a path, bytes or an upload to text or a workbook: the reader's intake.

:func:`source_bytes` takes what a caller has (a path, bytes, a Streamlit upload)
and checks its size; :func:`sniff_kind` tells an XLSX from text and refuses
what is no roster (PDF, HTML, old ``.xls``, password-protected workbooks);
:func:`decode_text` is the one encoding fallback of the project (UTF-16 by
byte-order mark, UTF-8 with or without BOM, then Windows-1252, then Latin-1,
with UTF-8 mojibake repaired); :func:`check_zip` is the zip-bomb guard run
before an XLSX is opened.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from loaders.roster import limits
from loaders.roster.model import RosterFileError

__all__ = ["check_size", "check_zip", "decode_text", "sniff_kind", "source_bytes"]


def source_bytes(source: Any, filename: str | None) -> tuple[bytes, str]:
    """The bytes of a roster and the name used in messages.

    Parameters
    ----------
    source : str, pathlib.Path, bytes or file-like
        A path, the bytes, or an object with ``getvalue()`` or ``read()``
        (Streamlit's ``UploadedFile``; its ``size`` is checked before reading).
    filename : str or None
        Name for messages; default the path's name, the object's ``name`` or
        ``"roster"``.

    Returns
    -------
    (bytes, str)
        The file's bytes and its name.

    Raises
    ------
    RosterFileError
        Missing file, a folder, unreadable, or larger than
        :data:`loaders.roster.limits.MAX_BYTES` (checked before reading).
    TypeError
        ``source`` is none of the above.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return data, filename or "roster"
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise RosterFileError(
                name, "the file does not exist.", f"Check the path {str(path)!r}."
            ) from None
        except OSError as exc:
            raise RosterFileError(name, f"cannot be opened ({exc.strerror}).") from None
        if path.is_dir():
            raise RosterFileError(name, "is a folder, not a file.")
        check_size(size, name)
        try:
            return path.read_bytes(), name
        except OSError as exc:
            raise RosterFileError(name, f"cannot be read ({exc.strerror}).") from None
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        name = filename or Path(str(getattr(source, "name", "roster"))).name
        size = getattr(source, "size", None)
        if isinstance(size, int):
            check_size(size, name)
        data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), name
    raise TypeError(
        f"source must be a path, bytes or a file-like object, not {type(source)!r}"
    )


def check_size(size: int, name: str) -> None:
    """Raise :class:`RosterFileError` when ``size`` (bytes) is over ``MAX_BYTES``."""
    if size > limits.MAX_BYTES:
        raise RosterFileError(
            name,
            f"is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{limits.MAX_BYTES // 1024 // 1024} MB.",
            "Split the roster into several files (for example one per event) or "
            "remove columns that are not needed.",
        )


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_kind(data: bytes, name: str) -> str:
    """What a file is, from its first bytes: ``"xlsx"`` or ``"text"``.

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str
        Name used in messages.

    Returns
    -------
    str
        ``"xlsx"`` for a zip container (checked further by :func:`check_zip`),
        ``"text"`` otherwise.

    Raises
    ------
    RosterFileError
        Empty, a password-protected workbook, an old ``.xls`` (OLE2), a PDF or
        an HTML page saved with a spreadsheet name.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise RosterFileError(
            name,
            "the file is empty.",
            "Export the roster again from the registration tool or spreadsheet.",
        )
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if data.startswith(_OLE2):
        if "EncryptionInfo".encode("utf-16-le") in data[:65536] or (
            "EncryptedPackage".encode("utf-16-le") in data
        ):
            raise RosterFileError(
                name,
                "the workbook is protected with a password.",
                "Open it in Excel, remove the password (File > Info > Protect "
                "Workbook > Encrypt with Password, clear it), save and upload again, "
                "or save the roster sheet as CSV.",
            )
        raise RosterFileError(
            name,
            "is an old-style Excel 97-2003 (.xls) or other Office file.",
            "Open it in Excel and save it as .xlsx (Excel Workbook) or CSV.",
        )
    if data.startswith(b"%PDF"):
        raise RosterFileError(
            name,
            "is a PDF, not a spreadsheet.",
            "Export the roster from its source as CSV or XLSX.",
        )
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        raise RosterFileError(
            name,
            "is a web page (HTML) saved with a spreadsheet name.",
            "Open it in Excel and save it as .xlsx or CSV.",
        )
    return "text"


def decode_text(data: bytes, name: str = "file") -> tuple[str, str, list[str]]:
    """Decode the bytes of a text file, whatever program saved it.

    The project's one encoding fallback: UTF-16 (by byte-order mark, or
    little-endian without one when every other byte is zero), else UTF-8 with
    or without byte-order mark, else Windows-1252, else Latin-1 (which decodes
    anything). UTF-8 that had been read as Windows-1252 and saved again
    (``"CaÃ±ada"``) is repaired.

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str, default "file"
        Name used in messages.

    Returns
    -------
    text : str
        The decoded text (without byte-order mark).
    encoding : str
        ``"utf-16"``, ``"utf-16-le"``, ``"utf-8-sig"``, ``"utf-8"``,
        ``"windows-1252"`` or ``"latin-1"``.
    notes : list of str
        What was guessed or repaired (empty for clean UTF-8).

    Raises
    ------
    RosterFileError
        Binary data (NUL bytes that are no UTF-16), or UTF-16 that does not
        decode.

    Examples
    --------
    >>> decode_text("La Cañada".encode("cp1252"))[:2]
    ('La Cañada', 'windows-1252')
    >>> decode_text(b"\\xef\\xbb\\xbfDistrict")[:2]
    ('District', 'utf-8-sig')
    """
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", notes
        except UnicodeDecodeError:
            raise RosterFileError(
                name,
                "starts like UTF-16 text but cannot be decoded.",
                "Save it again as CSV UTF-8 from Excel.",
            ) from None
    sample = data[:4096]
    if b"\x00" in sample:
        # UTF-16 without byte-order mark: every other byte is zero.
        if sample[1::2].count(0) > 0.4 * len(sample[1::2]):
            try:
                return data.decode("utf-16-le"), "utf-16-le", notes
            except UnicodeDecodeError:
                pass
        raise RosterFileError(
            name,
            "is a binary file, not a CSV, text or XLSX spreadsheet.",
            "Export the roster as CSV or XLSX.",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8-sig", data[3:]
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, encoding = body.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            text, encoding = body.decode("latin-1"), "latin-1"
        notes.append(f"text is not UTF-8; read as {encoding}")
    text, repaired = _repair_mojibake(text)
    if repaired:
        notes.append(
            f"{repaired} accented characters repaired (UTF-8 that had been read as "
            "Windows-1252, e.g. 'CaÃ±ada' → 'Cañada')"
        )
    return text, encoding, notes


_MOJIBAKE = re.compile("[\u00c2-\u00c3\u00c5][\u00a0-\u00bf\u0152-\u2122]")


def _repair_mojibake(text: str) -> tuple[str, int]:
    count = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        try:
            fixed = match.group().encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return match.group()
        count += 1
        return fixed

    if "Ã" not in text and "Â" not in text and "Å" not in text:
        return text, 0
    return _MOJIBAKE.sub(fix, text), count


def check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """Open an XLSX's zip container and refuse it before it is unpacked.

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str
        Name used in messages.

    Returns
    -------
    zipfile.ZipFile
        The archive (its parts are not read).

    Raises
    ------
    RosterFileError
        A damaged zip, an OpenDocument spreadsheet, a zip that is no workbook,
        or parts that would unpack to more than
        :data:`loaders.roster.limits.MAX_XLSX_UNPACKED` bytes (or one part
        inflating more than 200 times beyond 50 MB): the zip-bomb guard.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterFileError(
            name,
            "looks like an XLSX workbook but is damaged or incomplete.",
            "Open it in Excel and save it again, or export it as CSV.",
        ) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and b"opendocument.spreadsheet" in archive.read(
            "mimetype"
        ):
            raise RosterFileError(
                name,
                "is an OpenDocument spreadsheet (.ods).",
                "Save it as .xlsx or CSV (File > Save As) and upload that.",
            )
        raise RosterFileError(
            name,
            "is a zip file but not an Excel workbook (.xlsx).",
            "Upload the roster itself as .xlsx or CSV.",
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.MAX_XLSX_UNPACKED or any(
        i.file_size > 50 * 1024 * 1024 and i.file_size > 200 * max(i.compress_size, 1)
        for i in infos
    ):
        raise RosterFileError(
            name,
            f"would unpack to {unpacked / 1024 / 1024:.0f} MB, far more than a "
            "roster needs; it is refused for safety.",
            "Copy the roster sheet into a new workbook, or save it as CSV.",
        )
    return archive
