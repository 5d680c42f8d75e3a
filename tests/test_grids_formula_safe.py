"""Every grid on every page hands formula-safe text to its own CSV download."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page():
    import pandas as pd

    from dashboard.tables import show_table

    show_table(
        pd.DataFrame(
            {
                "name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Fresno"],
                "teams": [1, 2, 3, 4, 5],
            }
        )
    )


def test_show_table_neutralises_formulas():
    at = AppTest.from_function(_page, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert shown["name"].tolist() == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "Fresno",
    ]
    assert shown["teams"].tolist() == [1, 2, 3, 4, 5]  # numbers stay numbers


def test_roster_text_in_markdown_never_becomes_a_link():
    """GFM links bare URLs and addresses whatever the escapes: a word joiner
    (invisible) breaks the scheme, "www" and "@" (checked in Chromium)."""
    from dashboard.datapage.common import WORD_JOINER, md

    text = md('=HYPERLINK("http://evil.example/y","x") www.evil.example a@evil.org')
    assert "http://" not in text and "https://" not in text
    assert f"http{WORD_JOINER}" in text and f"www{WORD_JOINER}" in text
    assert f"{WORD_JOINER}@" in text
    assert text.replace(WORD_JOINER, "").replace("\\", "") == (
        '=HYPERLINK("http://evil.example/y","x") www.evil.example a@evil.org'
    )
