"""How the pages show tables: human column titles with units, blank empty text.

The titles, number kinds and definitions of the columns the Data, Plan and
Export pages show are those of :mod:`loaders.tablecolumns` (``mean_miles`` →
"Mean distance (mi)"), the same the CSV/XLSX files carry, so a column reads the
same on every page and in every file. A column's help text is its definition
(:func:`loaders.tablecolumns.column_definition`), the text of the exports' data
dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from loaders.exports import neutralise_frame
from loaders.tablecolumns import (
    ColumnSpec,
    column_definition,
    column_spec,
    column_title,
    human_words,
)

__all__ = ["blank_empty_text", "column_config", "column_title", "show_table"]


def _streamlit_format(spec: ColumnSpec) -> tuple[str, str | None]:
    """Streamlit's column kind and number format for a column spec."""
    if spec.kind == "integer":
        return "number", "%d"
    if spec.kind == "number":
        return "number", f"%.{spec.decimals}f"
    if spec.kind == "percent":
        return "number", "%.1f%%"
    if spec.kind == "share":
        return "percent", None
    if spec.kind == "check":
        return "check", None
    return "text", None


def column_config(
    columns: Iterable[Any], dtypes: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``st.dataframe(column_config=...)`` for these columns: titles, units, formats.

    Parameters
    ----------
    columns : iterable
        Column names.
    dtypes : mapping, optional
        Column → dtype (``frame.dtypes``). A column the titles call a check
        box but that holds numbers (``role_superintendent`` in a figures table:
        teams whose superintendent came) is then shown as a number.

    Returns
    -------
    dict
        Column → Streamlit column config. Known columns get their title,
        number format and help (a participation figure's help is its
        definition in :data:`loaders.participation.DATA_DICTIONARY`); others a
        title made from their name (``"avg_size"`` → "Avg size").
    """
    out: dict[str, Any] = {}
    for col in columns:
        name = str(col)
        spec = column_spec(name, (dtypes or {}).get(name))
        title, help_ = spec.title, column_definition(name)
        kind, fmt = _streamlit_format(spec)
        dtype = (dtypes or {}).get(name)
        if kind in ("number", "percent") and dtype is not None:
            if not pd.api.types.is_numeric_dtype(dtype):  # "3/4 came": words
                kind = "text"
        if kind == "number":
            out[name] = st.column_config.NumberColumn(title, format=fmt, help=help_)
        elif kind == "percent":
            out[name] = st.column_config.NumberColumn(
                title, format="percent", help=help_
            )
        elif kind == "check":
            out[name] = st.column_config.CheckboxColumn(title, help=help_)
        else:
            out[name] = st.column_config.TextColumn(title, help=help_)
    return out


def blank_empty_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with missing text shown as blank (not "None") in text columns.

    Numbers, booleans and dates are left as they are; a column counts as text
    when it has the ``string`` dtype or holds only ``str`` values.
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.StringDtype):
            out[col] = s.fillna("")
        elif s.dtype == object:
            present = s.dropna()
            if present.map(lambda v: isinstance(v, str)).all():
                out[col] = s.astype("string").fillna("")
    return out


def show_table(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """``st.dataframe`` with titles, units, words for codes, blank empty text,
    formula-safe.

    Coded values read as words (``district_type`` ``coe`` → "County office of
    education": :func:`loaders.tablecolumns.human_words`).

    Text cells go through :func:`loaders.exports.neutralise_frame`, so the
    grid's own "download as CSV" button never writes a cell that starts a
    formula (``=``, ``+``, ``-``, ``@``). ``column_config`` entries passed in
    override the defaults; other keyword arguments go to ``st.dataframe``
    (``hide_index`` defaults to True and ``width`` to ``"stretch"``).
    """
    config = column_config(frame.columns, dict(frame.dtypes))
    config.update(kwargs.pop("column_config", None) or {})
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    shown = neutralise_frame(blank_empty_text(human_words(frame)))
    return st.dataframe(shown, column_config=config, **kwargs)
