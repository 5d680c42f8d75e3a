"""Plan tables (invite lists, venues) as CSV or XLSX, through :mod:`loaders.exports`."""

from __future__ import annotations

import pandas as pd

from loaders.exports import table_csv_bytes, tables_xlsx_bytes

__all__ = ["export_table"]


def export_table(
    frame: pd.DataFrame,
    fmt: str = "csv",
    *,
    sheet: str = "Invites",
    include_contacts: bool = False,
) -> bytes:
    """A plan table (e.g. the invite list) as CSV or XLSX bytes.

    Written through :mod:`loaders.exports`: text cells starting with ``=``,
    ``+``, ``-``, ``@``, tab or carriage return get a leading apostrophe (no
    cell becomes a formula) and contact columns are dropped unless
    ``include_contacts``.

    Parameters
    ----------
    frame : pandas.DataFrame
        E.g. :meth:`VenuePlan.invite_list` or :meth:`VenuePlan.venue_table`.
    fmt : {"csv", "xlsx"}
    sheet : str
        XLSX sheet name.
    include_contacts : bool
        Keep the ``contacts`` column (and any person name / email column).

    Returns
    -------
    bytes
        UTF-8 CSV with BOM, or a formatted XLSX workbook.

    Raises
    ------
    ValueError
        Unknown ``fmt``.
    """
    if not include_contacts:
        frame = frame.drop(columns=["contacts"], errors="ignore")
    if fmt == "csv":
        return table_csv_bytes(frame, include_contacts=include_contacts)
    if fmt == "xlsx":
        return tables_xlsx_bytes({sheet: frame}, include_contacts=include_contacts)
    raise ValueError(f"format must be 'csv' or 'xlsx', got {fmt!r}.")
