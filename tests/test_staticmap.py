"""Static maps (PNG/SVG/PDF) and the standalone HTML map, re-read after writing."""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ET

import pytest

from geodata import staticmap
from geodata.formats import participation_map_bytes
from geodata.staticmap import (
    PAGE_SIZES,
    MapRequest,
    PrintLayout,
    page_size_in,
    render_static_map,
)
from tests.test_exports import EVENTS_USED


def png_header(data: bytes) -> tuple[int, int, float | None]:
    """Width, height (IHDR) and dots per inch (pHYs) read from the PNG bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, width, height, dpi = 8, None, None, None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"pHYs":
            ppu_x, _, unit = struct.unpack(">IIB", body)
            assert unit == 1  # pixels per metre
            dpi = ppu_x * 0.0254
        elif kind == b"IDAT":
            break
        pos += 12 + length
    return width, height, dpi


@pytest.fixture(scope="module")
def region4():
    return MapRequest("completeness", (EVENTS_USED[1],), region=4)


@pytest.fixture(scope="module")
def statewide_png(teams, events):
    return participation_map_bytes(
        teams, events, MapRequest("events_attended", EVENTS_USED), "png"
    )


# ----------------------------------------------------------------- formats
def test_statewide_png_is_letter_at_300_dpi(statewide_png):
    width, height, dpi = png_header(statewide_png)
    assert (width, height) == (2550, 3300)  # 8.5 x 11 in
    assert dpi == pytest.approx(300, abs=0.05)


def test_png_is_the_page_at_the_chosen_dpi(teams, events, region4):
    layout = PrintLayout("a4", "landscape")
    data = participation_map_bytes(
        teams, events, region4, "png", dpi=150, layout=layout
    )
    width, height, dpi = png_header(data)
    # 297 x 210 mm at 150 dpi = 1753.9 x 1240.2 px, whole pixels rounded down
    assert (width, height) == layout.size_px(150) == (1753, 1240)
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (1753, 1240)
        assert im.info["dpi"][0] == pytest.approx(150, abs=0.05)


def test_svg_parses(teams, events, region4):
    data = participation_map_bytes(teams, events, region4, "svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(612)
    assert float(root.get("height").removesuffix("pt")) == pytest.approx(792)


@pytest.mark.parametrize(
    ("page", "orientation", "points"),
    [
        ("letter", "portrait", (612, 792)),
        ("a4", "portrait", (595, 842)),
        ("tabloid", "landscape", (1224, 792)),
    ],
)
def test_pdf_page_is_exactly_the_paper(
    teams, events, region4, page, orientation, points
):
    layout = PrintLayout(page, orientation)
    data = participation_map_bytes(teams, events, region4, "pdf", layout=layout)
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points
    assert float(box.width) == pytest.approx(page_size_in(page, orientation)[0] * 72)


def test_default_pdf_is_letter(teams, events, region4):
    pypdf = pytest.importorskip("pypdf")
    data = participation_map_bytes(teams, events, region4, "pdf")
    box = pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)


def test_page_sizes_and_checks():
    assert {k: [round(v * 72) for v in page_size_in(k)] for k in PAGE_SIZES} == {
        "letter": [612, 792],
        "legal": [612, 1008],
        "tabloid": [792, 1224],
        "a4": [595, 842],
        "a3": [842, 1191],
    }
    assert PrintLayout("A4", "Landscape").size_px(100) == (1169, 826)
    assert PrintLayout().size_px(300) == (2550, 3300)
    with pytest.raises(ValueError, match="letter, legal, tabloid, a4, a3"):
        PrintLayout("b5")
    with pytest.raises(ValueError, match="portrait or landscape"):
        PrintLayout("letter", "sideways")


def test_html_is_standalone_and_holds_every_drawn_district(
    teams, events, region4, reference
):
    text = participation_map_bytes(teams, events, region4, "html").decode("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", text)
    from geodata import mapview, simplify

    districts, counties = simplify.web_layers("region")
    drawn, drawn_counties, _ = mapview.drill_view(districts, counties, region=4)
    assert len(drawn) > 50
    missing = [g for g in drawn["geoid"] if f'"{g}"' not in text]
    assert not missing, missing[:5]
    assert all(f'"{g}"' in text for g in drawn_counties["geoid"])
    assert "Role completeness of district teams: CCSESA Region 4" in text
    assert staticmap.SOURCE_LINE in text


def test_html_legend_names_the_measure_and_credits_in_full(teams, events):
    from geodata.mapview import MEASURES

    request = MapRequest("events_attended")
    text = participation_map_bytes(teams, events, request, "html").decode("utf-8")
    heading = MEASURES["events_attended"]
    assert f'class=\\"lmi-legend\\"><b>{heading}</b>' in text
    # the event line goes under the title, not over the legend
    assert re.search(r"<small>All \d+ CA LMI events</small>", text)
    assert not re.search(r"lmi-legend\\\"><b>All \d+", text)
    # the credit line is in Leaflet's attribution control (wraps, never cut off)
    credit = re.search(r"attributionControl\.addAttribution\(\s*\"([^\"]*)\"", text)
    assert credit and credit.group(1) == staticmap.SOURCE_LINE


def test_unknown_format_is_refused(teams, events, region4):
    with pytest.raises(ValueError, match="png, svg, pdf, html, gpkg or geojson"):
        participation_map_bytes(teams, events, region4, "gif")


# ------------------------------------------------------------ what is drawn
@pytest.fixture(scope="module")
def region4_figure(teams, events, region4):
    return staticmap.participation_figure(teams, events, region4)


def test_crop_to_region_with_inset(region4_figure, counties):
    fig = region4_figure
    assert len(fig.axes) == 3  # map, legend, California inset
    ax = fig.axes[0]
    region = counties.loc[counties["ccsesa_region"] == 4].to_crs(staticmap.STATIC_CRS)
    x0, y0, x1, y1 = region.total_bounds
    vx0, vx1 = ax.get_xlim()
    vy0, vy1 = ax.get_ylim()
    assert vx0 <= x0 and vx1 >= x1 and vy0 <= y0 and vy1 >= y1
    assert (vx1 - vx0) < 2.5 * (x1 - x0)  # cropped, not statewide
    texts = {t.get_text() for t in ax.texts}
    assert {"Alameda", "Contra Costa", "San Francisco"} <= texts
    inset = fig.axes[2]
    assert inset.get_title() == "CCSESA Region 4"


def test_high_school_districts_hatched_over_elementary(region4_figure):
    ax = region4_figure.axes[0]
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert hatched and all(c.get_hatch() == "////" for c in hatched)
    texts = region4_figure.axes[1].get_legend().get_texts()
    labels = [" ".join(t.get_text().split()) for t in texts]  # wrapped lines
    assert any("High school district" in t for t in labels)
    assert "Came, all 4 roles (complete)" in labels
    assert "Did not attend (roles applied only)" in labels
    assert "No team from this district" in labels
    # the "no data" class is only listed when some district falls in it
    assert not any(t.startswith("No data") for t in labels)


def test_text_of_the_map(region4_figure):
    texts = [t.get_text() for t in region4_figure.texts]
    assert texts[0] == "Role completeness of district teams: CCSESA Region 4"
    assert texts[1].startswith("2015 Bay Area regional convening (2015-12-14")
    assert texts[-1] == staticmap.SOURCE_LINE


def test_venues_and_coe_squares(region4_figure):
    ax = region4_figure.axes[0]
    annotated = {t.get_text() for t in ax.texts}
    assert "Emeryville" in annotated  # venue city of the event
    markers = [c for c in ax.collections if c.get_offsets().shape[0] > 0]
    sizes = sorted(c.get_offsets().shape[0] for c in markers)
    assert 1 in sizes  # one COE with a team (Alameda) and one venue


def test_coe_square_at_the_office_and_faded_area_in_legend(region4_figure, reference):
    import geopandas as gpd

    office = reference.loc[reference["geoid"] == "06001"]  # Alameda COE
    at = gpd.points_from_xy(office["lon"], office["lat"], crs="EPSG:4326")
    at = gpd.GeoSeries(at).to_crs(staticmap.STATIC_CRS).iloc[0]
    ax = region4_figure.axes[0]
    offsets = [xy for c in ax.collections for xy in c.get_offsets()]
    assert any(abs(x - at.x) < 1 and abs(y - at.y) < 1 for x, y in offsets)
    labels = [t.get_text() for t in region4_figure.axes[1].get_legend().get_texts()]
    flat = [" ".join(t.split()) for t in labels]
    assert "Outside the selection (faded)" in flat
    assert any("square at its office" in t for t in flat)


@pytest.fixture(scope="module")
def statewide_figure(teams, events):
    return staticmap.participation_figure(
        teams, events, MapRequest("events_attended", EVENTS_USED), dpi=100
    )


def test_statewide_map_has_no_faded_entry(statewide_figure):
    labels = [t.get_text() for t in statewide_figure.axes[1].get_legend().get_texts()]
    assert not any("Outside the selection" in t for t in labels)


def test_no_personal_data_in_map_files(teams, events, region4):
    text = participation_map_bytes(teams, events, region4, "html").decode()
    assert "Placeholder Person" not in text and "@example.org" not in text
    assert "<script>alert" not in text


def test_render_checks_its_input(districts, counties):
    with pytest.raises(ValueError, match="fill_color"):
        render_static_map(districts, counties, [], title="x")
    with pytest.raises(ValueError, match="CCSESA"):
        staticmap.select_area(counties, region=12)
    with pytest.raises(ValueError, match="58 counties"):
        staticmap.select_area(counties, county="Atlantis")
    sel = staticmap.select_area(counties, county="alameda county")
    assert sel.label == "Alameda County" and sel.county_fips == ("06001",)


def test_request_checks(events):
    with pytest.raises(ValueError, match="one event"):
        MapRequest("completeness").checked(events)
    with pytest.raises(ValueError, match="Unknown event"):
        MapRequest("events_attended", ("NOPE",)).checked(events)
    with pytest.raises(ValueError, match="Unknown measure"):
        MapRequest("bogus").checked(events)


def test_render_from_plain_frames_without_measure_columns(districts, counties):
    """The renderer needs only fill_color: any caller's colours are drawn."""
    d = districts.loc[districts["county"] == "Alpine"].assign(fill_color="#41b6c4")
    fig = render_static_map(
        d,
        counties,
        [("Shown", "#41b6c4")],
        title="Alpine",
        county="Alpine",
        show_regions=False,
        page=(4.0, 5.0),
        dpi=150,
    )
    width, height, dpi = png_header(staticmap.figure_bytes(fig, "png"))
    assert (width, height) == (600, 750) and dpi == pytest.approx(150, abs=0.05)
