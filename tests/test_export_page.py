"""The Export page through streamlit.testing: selection, preview, downloads."""

from __future__ import annotations

import io
import json

import openpyxl
import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_exports import EVENTS_USED, FORMULA_NAME, sample_matched
from tests.test_staticmap import png_header

PAGE = "../dashboard/views/export.py"


@pytest.fixture
def saved_roster(workspace_dir, reference):
    """A workspace holding the sample roster (so the page shows it)."""
    from loaders.workspace import open_workspace

    ws = open_workspace()
    ws.save_roster(
        "sample", b"placeholder", "sample.csv", rows=sample_matched(reference)
    )
    yield ws
    ws.close()


def _page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _downloads(at) -> dict[str, object]:
    return {b.proto.label: b for b in at.get("download_button")}


_GENERATORS: dict[str, object] = {}
_FILE_NAMES: dict[str, str | None] = {}


@pytest.fixture(autouse=True)
def _record_download_generators(monkeypatch):
    """Keep each download button's generator (AppTest drops its media manager)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        _GENERATORS[file_id] = data_callable
        _FILE_NAMES[file_id] = kwargs.get("file_name", (*args, None, None, None)[2])
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    yield
    _GENERATORS.clear()


def _fetch(button) -> bytes:
    """Run a download button's generator as a click does (in the current state)."""
    data = _GENERATORS[button.proto.deferred_file_id]()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _box(at, label):
    return next(w for w in at.selectbox if w.label == label)


def test_defaults_preview_and_buttons(saved_roster):
    at = _page()
    assert at.radio[0].value == "events_attended"
    assert _box(at, "CCSESA region").value == "All"
    assert any(type(e).__name__ == "Image" for e in at.main)
    buttons = _downloads(at)
    labels = list(buttons)
    for fmt in ("PNG", "SVG", "PDF", "HTML", "GeoPackage", "GeoJSON", "CSV", "XLSX"):
        assert any(fmt in label for label in labels), (fmt, labels)
    # downloads never rerun the page and build the file only when clicked
    for button in buttons.values():
        assert button.proto.ignore_rerun
        assert button.proto.deferred_file_id
    # contact details: no way to ask for them unless the operator enabled them
    assert not [c for c in at.checkbox if "contact" in c.label.lower()]
    assert not at.error


def test_starts_from_the_map_page_selection(saved_roster):
    at = _page(
        map_measure="completeness",
        map_event=EVENTS_USED[1],
        map_region=4,
        map_county="Alameda",
        map_types=["unified", "coe"],
    )
    assert at.radio[0].value == "completeness"
    assert _box(at, "Event").value == EVENTS_USED[1]
    assert _box(at, "CCSESA region").value == 4
    assert _box(at, "County").value == "Alameda"
    assert at.multiselect[0].value == ["unified", "coe"]
    # the Map page's own keys are kept for when the user goes back
    assert at.session_state["map_region"] == 4


def test_files_follow_the_selection_and_selection_survives(saved_roster):
    at = _page(export_measure="completeness", export_event=EVENTS_USED[1])
    _box(at, "CCSESA region").select(4).run()
    assert not at.exception
    at.run()  # any rerun keeps the selection
    assert _box(at, "CCSESA region").value == 4
    assert at.radio[0].value == "completeness"

    buttons = _downloads(at)
    html = _fetch(next(b for k, b in buttons.items() if "HTML" in k)).decode()
    assert "Role completeness of district teams: CCSESA Region 4" in html
    assert '"0628050"' in html  # Oakland Unified, drawn in region 4
    assert '"0634320"' not in html  # San Diego Unified is not

    at.toggle(key="export_simplify").set_value(True).run()
    gpkg = _fetch(next(b for k, b in _downloads(at).items() if "GeoPackage" in k))
    info = pyogrio.read_info(io.BytesIO(gpkg))
    assert info["crs"] == "EPSG:4326" and info["features"] == 96  # region 4
    assert b"@example.org" not in gpkg
    _box(at, "Paper").select("a4").run()
    at.radio(key="export_orientation").set_value("landscape").run()
    _box(at, "Resolution (PNG)").select(150).run()
    at.text_input(key="export_title").input("Bay Area teams").run()
    at.text_area(key="export_note").input("Sample roster.").run()
    assert _box(at, "CCSESA region").value == 4
    png_button = next(b for k, b in _downloads(at).items() if "PNG" in k)
    width, height, dpi = png_header(_fetch(png_button))
    assert (width, height) == (1753, 1240)  # A4 landscape at 150 dpi
    assert dpi == pytest.approx(150, abs=0.05)
    pdf_button = next(b for k, b in _downloads(at).items() if "PDF" in k)
    pypdf = pytest.importorskip("pypdf")
    pdf = pypdf.PdfReader(io.BytesIO(_fetch(pdf_button)))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert "Bay Area teams" in pdf.pages[0].extract_text()
    # the same name as `lmi-dashboard export map --out FOLDER` gives
    from datetime import date

    from geodata.filenames import export_stem
    from geodata.maprequest import MapRequest
    from loaders.events import load_events

    stem = export_stem(
        MapRequest("completeness", (EVENTS_USED[1],), region=4), load_events()
    )
    assert stem.endswith(f"_region-4_{date.today():%Y-%m-%d}")
    assert _FILE_NAMES[png_button.proto.deferred_file_id] == f"{stem}.png"


def test_tables_and_contact_details(saved_roster, monkeypatch):
    at = _page(
        export_measure="completeness", export_event=EVENTS_USED[1], export_region=4
    )
    xlsx_button = next(b for k, b in _downloads(at).items() if "XLSX" in k)
    wb = openpyxl.load_workbook(io.BytesIO(_fetch(xlsx_button)))
    assert wb.sheetnames == [
        "About",  # source, filter, date and the data dictionary
        "By district",
        "By county",
        "By region",
        "By event",
        "Team completeness",
        "Changes",
        "Trends",
        "Outreach",
    ]
    assert wb["By region"].max_row == 2  # header + region 4
    comp = wb["Team completeness"]
    assert comp.max_row - 1 == 7  # 7 teams in region 4 at the Bay Area event
    header = [c.value for c in comp[1]]
    assert "Missing roles" in header and "Email" not in header
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    assert about["Region"] == "CCSESA region 4"
    assert EVENTS_USED[1] in about["Events"]
    csv_text = _fetch(next(b for k, b in _downloads(at).items() if "CSV" in k))
    assert b"@example.org" not in csv_text
    assert csv_text.decode("utf-8-sig").startswith("NCES id / county FIPS,CD code,")

    at.toggle(key="export_raw_headers").set_value(True).run()
    csv_text = _fetch(next(b for k, b in _downloads(at).items() if "CSV" in k))
    assert csv_text.decode("utf-8-sig").startswith("geoid,cd_code,")
    at.toggle(key="export_raw_headers").set_value(False).run()

    titles = json.loads(at.dataframe[0].proto.columns)
    assert titles["ccsesa_region"]["label"] == "CCSESA region"

    monkeypatch.setenv("LMI_SHOW_CONTACTS", "1")  # the operator allows them
    at.run()
    label = at.checkbox[0].label
    assert "names and emails" in label and "phone" not in label  # rosters have none
    at.checkbox[0].check().run()
    assert not at.exception
    assert at.warning  # says contact details are included
    _box(at, "Table").select("Contacts").run()
    assert _box(at, "Table").value == "Contacts"
    assert _box(at, "CCSESA region").value == 4  # still the same selection
    buttons = _downloads(at)
    csv_text = _fetch(next(b for k, b in buttons.items() if "CSV" in k)).decode(
        "utf-8-sig"
    )
    assert "@example.org" in csv_text
    assert "'" + FORMULA_NAME.replace('"', '""') in csv_text
    wb = openpyxl.load_workbook(
        io.BytesIO(_fetch(next(b for k, b in buttons.items() if "XLSX" in k)))
    )
    assert wb.sheetnames[-1] == "Contacts"
    values = [c.value for row in wb["Contacts"].iter_rows(min_row=2) for c in row]
    assert "'" + FORMULA_NAME in values


def test_extra_tables_from_other_pages(saved_roster):
    import pandas as pd

    plan = pd.DataFrame(
        {"venue": ["Fresno"], "districts": [12], "Email Address": ["a@example.org"]}
    )
    at = _page(export_extra_tables={"Venue plan": plan})
    assert "Venue plan (1 row)" in _box(at, "Table").options
    wb = openpyxl.load_workbook(
        io.BytesIO(_fetch(next(b for k, b in _downloads(at).items() if "XLSX" in k)))
    )
    ws = wb["Venue plan"]
    assert [c.value for c in ws[1]] == ["Venue", "Districts"]  # no contacts
