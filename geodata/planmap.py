"""The venue plan on an offline folium map (the Plan page's map).

Built on the map code of :mod:`geodata.mapview` (offline Leaflet, county
outlines, HTML legend); reads a solved :class:`geodata.siting.VenuePlan`.
"""

from __future__ import annotations

import html

import folium

from geodata.mapview import add_county_outlines, add_html_legend, offline_map
from geodata.siting import VenuePlan

__all__ = ["PALETTE", "plan_map"]

#: Venue colours, in the order of :attr:`VenuePlan.venues` (ColorBrewer Dark2
#: then Paired), repeated past twelve venues.
PALETTE: tuple[str, ...] = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
    "#a6761d", "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6", "#6a3d9a",
)  # fmt: skip


def plan_map(plan: VenuePlan, *, show_candidates: bool = True, **map_kwargs):
    """The plan on an offline folium map: venues, teams and who goes where.

    Chosen venues are large labelled circles (booked ones outlined in black),
    each team a small dot in its venue's colour joined to its venue by a thin
    line; candidate venues not chosen are small grey rings. A legend (bottom
    left) explains the symbols. No marker images and nothing loaded from
    outside the app (built on :func:`geodata.mapview.offline_map`). Every name
    shown is HTML-escaped.

    Parameters
    ----------
    plan : VenuePlan
        Solved.
    show_candidates : bool
        Draw the candidates not chosen.
    **map_kwargs
        Passed to :func:`geodata.mapview.offline_map` (e.g. ``asset_base``).

    Returns
    -------
    folium.Map

    Raises
    ------
    RuntimeError
        If the plan has not been solved.
    """
    if not plan.solved:
        raise RuntimeError("call solve() first")
    palette = PALETTE
    lat = plan.teams["lat"].astype(float)
    lon = plan.teams["lon"].astype(float)
    map_kwargs.setdefault("location", [float(lat.mean()), float(lon.mean())])
    map_kwargs.setdefault("zoom_start", 6)
    m = offline_map(**map_kwargs)
    add_county_outlines(m)  # geography without base-map tiles
    venue_names = plan.candidate_names
    index = {n: i for i, n in enumerate(venue_names)}
    colour = {
        index[name]: palette[k % len(palette)] for k, name in enumerate(plan.venues)
    }
    lines = folium.FeatureGroup(name="Team → venue", show=True)
    dots = folium.FeatureGroup(name="Teams", show=True)
    names = plan.teams["name"].astype(str).tolist()
    for i, j in enumerate(plan.assign_.tolist()):
        j = int(j)
        here = (float(lat.iloc[i]), float(lon.iloc[i]))
        there = (
            float(plan.candidates["lat"].iloc[j]),
            float(plan.candidates["lon"].iloc[j]),
        )
        folium.PolyLine([here, there], color=colour[j], weight=1, opacity=0.45).add_to(
            lines
        )
        folium.CircleMarker(
            here,
            radius=3,
            color=colour[j],
            fill=True,
            fill_opacity=0.9,
            weight=1,
            tooltip=html.escape(
                f"{names[i]} → {venue_names[j]}: {plan.team_miles[i]:.0f} mi, "
                f"~{plan.team_minutes[i]:.0f} min"
            ),
        ).add_to(dots)
    lines.add_to(m)
    dots.add_to(m)
    if show_candidates:
        others = folium.FeatureGroup(name="Candidate venues", show=True)
        chosen = set(plan.open_.tolist())
        for j, row in plan.candidates.iterrows():
            if j in chosen:
                continue
            folium.CircleMarker(
                (float(row["lat"]), float(row["lon"])),
                radius=3,
                color="#888888",
                fill=False,
                weight=1,
                tooltip=html.escape(f"candidate: {row['name']}"),
            ).add_to(others)
        others.add_to(m)
    venues = folium.FeatureGroup(name="Chosen venues", show=True)
    table = plan.venue_table()
    for row in table.itertuples(index=False):
        j = index[str(row.venue)]
        label = html.escape(str(row.venue))
        folium.CircleMarker(
            (float(row.lat), float(row.lon)),
            radius=11,
            color="#000000" if row.booked else colour[j],
            weight=3 if row.booked else 1,
            fill=True,
            fill_color=colour[j],
            fill_opacity=0.95,
            tooltip=label
            + html.escape(
                f"{' (booked)' if row.booked else ''}: {row.teams} teams, "
                f"mean {row.mean_miles:.0f} mi"
            ),
        ).add_to(venues)
        folium.Marker(
            (float(row.lat), float(row.lon)),
            icon=folium.DivIcon(
                html=(
                    '<div style="font:600 12px system-ui,sans-serif;'
                    "white-space:nowrap;transform:translate(14px,-8px);"
                    'text-shadow:0 0 3px #fff,0 0 3px #fff">'
                    f"{label}</div>"
                ),
                icon_size=(0, 0),
            ),
        ).add_to(venues)
    venues.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    add_html_legend(
        m,
        _plan_legend_html(
            [colour[index[name]] for name in plan.venues],
            booked=bool(table["booked"].any()),
            candidates=show_candidates and len(plan.candidates) > len(plan.venues),
        ),
    )
    lats = [*lat.tolist(), *table["lat"].tolist()]
    lons = [*lon.tolist(), *table["lon"].tolist()]
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


def _plan_legend_html(colours: list[str], *, booked: bool, candidates: bool) -> str:
    """The plan map's legend: what each symbol means (no roster text in it)."""

    def swatch(style: str) -> str:
        return (
            '<span style="display:inline-block;vertical-align:middle;'
            f'box-sizing:border-box;{style}"></span>'
        )

    first = colours[0] if colours else "#1b9e77"
    dots = "".join(
        swatch(f"width:8px;height:8px;border-radius:50%;background:{c};margin:0 1px")
        for c in colours[:6]
    )
    rows = [
        (
            swatch(f"width:16px;height:16px;border-radius:50%;background:{first}"),
            "Chosen venue (its colour)",
        ),
    ]
    if booked:
        rows.append(
            (
                swatch(
                    f"width:16px;height:16px;border-radius:50%;background:{first};"
                    "border:3px solid #000"
                ),
                "Booked venue (always kept)",
            )
        )
    rows.append(
        (
            f'<span style="white-space:nowrap">{dots}</span>',
            "Team (dot in its venue's colour)",
        )
    )
    rows.append(
        (
            swatch(f"width:16px;height:0;border-top:2px solid {first};opacity:.6"),
            "Team → venue it is assigned to",
        )
    )
    if candidates:
        rows.append(
            (
                swatch("width:8px;height:8px;border-radius:50%;border:1px solid #888"),
                "Candidate venue, not chosen",
            )
        )
    cell = "display:inline-block;min-width:30px;margin-right:4px;text-align:center"
    body = "".join(
        f'<div><span style="{cell}">{mark}</span>{label}</div>' for mark, label in rows
    )
    return f'<div class="lmi-legend lmi-plan-legend"><b>Venue plan</b>{body}</div>'
