"""The printed map as a reader sees it: insets, district names, words, file names."""

from __future__ import annotations

import itertools
from datetime import date

import pandas as pd
import pytest
import shapely

from geodata import staticmap
from geodata.filenames import export_stem
from geodata.staticmap import MapRequest, PrintLayout
from geodata.staticmap.insets import METRO_INSETS, inset_frames, state_outline
from tests.test_exports import EVENTS_USED


def _figure(teams, events, request, layout=None):
    return staticmap.participation_figure(
        teams, events, request, layout=layout, dpi=100
    )


@pytest.fixture(scope="module")
def statewide(teams, events):
    return _figure(teams, events, MapRequest("events_attended", EVENTS_USED))


@pytest.fixture(scope="module")
def alameda(teams, events):
    request = MapRequest("completeness", (EVENTS_USED[1],), county="Alameda")
    return _figure(teams, events, request)


# ----------------------------------------------------------------- insets
def test_statewide_map_carries_both_insets_outlined_on_the_map(statewide):
    by_gid = {ax.get_gid(): ax for ax in statewide.axes}
    assert {"inset-bay-area", "inset-la-orange"} <= set(by_gid)
    main = by_gid["map"]
    outlines = {p.get_gid() for p in main.patches}
    assert {"inset-outline-bay-area", "inset-outline-la-orange"} <= outlines
    for inset in METRO_INSETS:
        ax = by_gid[f"inset-{inset.key}"]
        # the inset shows its extent, drawn (district fills) and titled
        assert ax.get_xlim() == pytest.approx(inset.bounds[0::2])
        assert len(ax.collections) >= 2
        assert inset.title in {t.get_text() for t in ax.texts}
        # and sits inside the main map's frame
        a, m = ax.get_position(), main.get_position()
        assert m.x0 - 1e-9 <= a.x0 and a.x1 <= m.x1 + 1e-9
        assert m.y0 - 1e-9 <= a.y0 and a.y1 <= m.y1 + 1e-9


def test_insets_can_be_turned_off(teams, events):
    fig = _figure(
        teams, events, MapRequest("events_attended"), PrintLayout(insets=False)
    )
    assert not [ax for ax in fig.axes if str(ax.get_gid()).startswith("inset-")]
    main = fig.axes[0]
    assert not [p for p in main.patches if str(p.get_gid()).startswith("inset")]


def test_inset_frames_stay_clear_of_california_on_letter(counties, statewide):
    main = statewide.axes[0]
    view = (*main.get_xlim(), *main.get_ylim())
    view = (view[0], view[2], view[1], view[3])
    land = state_outline(counties.to_crs(staticmap.STATIC_CRS))
    frames = inset_frames(view, land)
    for key, frame in frames.items():
        assert not shapely.box(*frame).intersects(land), key
    boxes = [shapely.box(*f) for f in frames.values()]
    assert not boxes[0].intersects(boxes[1])


def test_cropped_maps_have_the_locator_not_the_insets(alameda):
    gids = {ax.get_gid() for ax in alameda.axes}
    assert "locator" in gids
    assert not any(str(g).startswith("inset-") for g in gids)


# ----------------------------------------------------------------- labels
def _label_boxes(fig):
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return [
        (t.get_text(), t.get_window_extent(renderer))
        for t in ax.texts
        if t.get_visible()
    ]


def test_county_map_names_districts_without_overlaps(alameda):
    boxes = _label_boxes(alameda)
    names = [t for t, _ in boxes]
    assert "Alameda" in names  # the county
    districts = [
        t.get_text() for t in alameda.axes[0].texts if t.get_gid() == "district-label"
    ]
    assert len(districts) >= 10
    assert "Oakland Unified" in districts
    assert not any("School District" in n for n in districts)
    clashes = [
        (a, b)
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
        if ba.overlaps(bb)
    ]
    assert not clashes, clashes[:5]
    # every label lies inside the map frame
    frame = alameda.axes[0].get_window_extent(alameda.canvas.get_renderer())
    for text, box in boxes:
        if text in districts:
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1, text


def test_district_labels_can_be_left_out(districts, counties):
    d = districts.loc[districts["county"] == "Alpine"].assign(fill_color="#41b6c4")
    on, off = (
        staticmap.render_static_map(
            d,
            counties,
            [("Shown", "#41b6c4")],
            title="Alpine",
            county="Alpine",
            page=(4.0, 5.0),
            dpi=72,
            district_labels=flag,
        )
        for flag in (True, False)
    )

    def named(fig):
        return [t for t in fig.axes[0].texts if t.get_gid() == "district-label"]

    assert named(on) and not named(off)


def test_legend_lists_only_classes_drawn(statewide, alameda):
    from geodata.measures import legend as measure_legend

    for fig in (statewide, alameda):
        labels = {
            " ".join(t.get_text().split()) for t in fig.axes[1].get_legend().get_texts()
        }
        assert labels
    # the sample roster has no district at 5+ events: that class is left out
    state_labels = {t.get_text() for t in statewide.axes[1].get_legend().get_texts()}
    every = [label for label, _ in measure_legend("events_attended")]
    assert "Attended 5+ events" in every
    assert "Attended 5+ events" not in state_labels


# ------------------------------------------------------------------ words
def test_reader_words_replace_the_automatic_text(teams, events):
    layout = PrintLayout(
        "letter",
        title="Who came in 2015",
        subtitle="",
        note="Figures from the spring roster; see the newsletter for details.",
        source="Source: CA LMI staff",
    )
    fig = _figure(teams, events, MapRequest("events_attended", EVENTS_USED), layout)
    by_gid = {t.get_gid(): t.get_text() for t in fig.texts}
    assert by_gid["map-title"] == "Who came in 2015"
    assert "map-subtitle" not in by_gid  # "" prints none
    assert by_gid["map-note"].startswith("Figures from the spring roster")
    assert by_gid["map-source"] == "Source: CA LMI staff"


def test_defaults_are_the_automatic_text(statewide):
    by_gid = {t.get_gid(): t.get_text() for t in statewide.texts}
    assert by_gid["map-title"].startswith("CA LMI events attended")
    assert by_gid["map-subtitle"].startswith("2 events")
    assert "map-note" not in by_gid
    assert by_gid["map-source"] == staticmap.SOURCE_LINE


# ------------------------------------------------------------- file names
EVENTS = pd.DataFrame(
    {
        "event_id": ["CALMI-2015-SYMP", "LONG"],
        "label": [
            "2015 Symposium, San Diego",
            "Extraordinarily long convening name for labour management partners",
        ],
    }
)
DAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("request_", "stem"),
    [
        (
            MapRequest("completeness", ("CALMI-2015-SYMP",), region=4),
            "ca-lmi_completeness_2015-symposium_region-4_2026-12-06",
        ),
        (
            MapRequest("events_attended"),
            "ca-lmi_events-attended_all-events_california_2026-12-06",
        ),
        (
            MapRequest(
                "events_attended", ("CALMI-2015-SYMP", "LONG"), county="San Luis Obispo"
            ),
            "ca-lmi_events-attended_2-events_san-luis-obispo-county_2026-12-06",
        ),
    ],
)
def test_export_stem(request_, stem):
    assert export_stem(request_, EVENTS, on=DAY) == stem


def test_long_names_lose_whole_words_only():
    request = MapRequest("event_status", ("LONG",), region=11)
    full = export_stem(request, EVENTS, on=DAY, max_chars=500)
    short = export_stem(request, EVENTS, on=DAY, max_chars=70)
    assert len(short) <= 70 < len(full)
    assert short.endswith("_region-11_2026-12-06") and short.startswith("ca-lmi_")
    event_part = short.split("_")[2]
    words = full.split("_")[2].split("-")
    assert event_part.split("-") == words[: len(event_part.split("-"))]


# ----------------------------------------------------------- command line
def test_cli_page_words_and_file_name(tmp_path, workspace_dir, events):
    from typer.testing import CliRunner

    from dashboard.cli import app
    from tests.test_export_cli import ROSTER_CSV

    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    args = [
        "export", "map", "--roster", str(roster), "--measure", "completeness",
        "--event", EVENTS_USED[1], "--region", "4", "--page", "A4",
        "--orientation", "landscape", "--title", "Bay Area teams, 2015",
        "--subtitle", "", "--note", "Sample roster.", "--out", str(folder),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.stderr or "") + result.output
    stem = export_stem(MapRequest("completeness", (EVENTS_USED[1],), region=4), events)
    event = "2015-bay-area-regional-convening"
    assert stem == f"ca-lmi_completeness_{event}_region-4_{date.today():%Y-%m-%d}"
    written = folder / f"{stem}.pdf"  # the Export page's name (test_export_page)
    assert [p.name for p in folder.iterdir()] == [written.name]
    pypdf = pytest.importorskip("pypdf")
    page = pypdf.PdfReader(written).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
        842,
        595,
    )
    text = page.extract_text()
    assert "Bay Area teams, 2015" in text and "Sample roster." in text
    assert "2015 Bay Area regional convening (" not in text  # subtitle ""


def test_cli_refuses_unknown_paper(tmp_path):
    from typer.testing import CliRunner

    from dashboard.cli import app

    result = CliRunner().invoke(
        app, ["export", "map", "--page", "b5", "--out", str(tmp_path / "m.pdf")]
    )
    assert result.exit_code == 2
    assert "letter" in (result.stderr or "") + result.output
