"""No deprecated Streamlit argument in the dashboard (removed after 2025-12-31)."""

from __future__ import annotations

import re
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"


def test_no_use_container_width_in_the_dashboard():
    # Streamlit documents width="stretch" / width="content" instead;
    # streamlit-folium's st_folium fills its column with width=None
    found = [
        f"{path.relative_to(DASHBOARD.parent)}:{n}"
        for path in sorted(DASHBOARD.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\buse_container_width\s*=", line)
    ]
    assert found == []
