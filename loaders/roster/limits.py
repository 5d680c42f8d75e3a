"""How much a roster file may hold: the reader's limits.

Every limit is read when a file is read (``limits.MAX_BYTES``, not a copy taken
at import), so setting one on :mod:`loaders.roster` (``loaders.roster.MAX_BYTES
= ...``, as tests and a deployment may do) changes what the reader accepts.
"""

from __future__ import annotations

__all__ = [
    "HEADER_SCAN_ROWS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_XLSX_UNPACKED",
]

#: Largest file accepted, in bytes (25 MB). ``.streamlit/config.toml``'s
#: ``maxUploadSize`` says the same figure in MB.
MAX_BYTES = 25 * 1024 * 1024
#: Most data rows accepted in one file or sheet.
MAX_ROWS = 200_000
#: Most columns accepted in the header row.
MAX_COLUMNS = 500
#: Largest total unpacked size of an XLSX's parts, in bytes (zip-bomb guard).
MAX_XLSX_UNPACKED = 400 * 1024 * 1024
#: Rows searched for the header row.
HEADER_SCAN_ROWS = 30
