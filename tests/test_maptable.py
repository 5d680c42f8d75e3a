"""The map's table alternative (geodata.maptable): the map's own figures as text."""

from __future__ import annotations

import pytest

from geodata.layers import PRINT, participation_layers
from geodata.maprequest import MapRequest
from geodata.maptable import CLASS, NAME, VALUE_HEADERS, class_counts, map_table
from geodata.measures import REGISTRY
from tests.test_exports import EVENTS_USED


@pytest.mark.parametrize("measure", list(REGISTRY))
@pytest.mark.parametrize("region", [None, 4])
def test_table_rows_and_figures_are_the_maps(teams, measure, region):
    request = MapRequest(
        measure=measure, event_ids=tuple(EVENTS_USED[:1]), region=region
    )
    layers = participation_layers(teams, request)
    table = map_table(layers)
    drawn = list(layers.districts["geoid"]) + list(layers.counties["geoid"])
    assert sorted(table["NCES id / county FIPS"]) == sorted(drawn)
    by_geoid = table.set_index("NCES id / county FIPS")
    for frame in (layers.districts, layers.counties):
        for row in frame.itertuples():
            got = by_geoid.loc[row.geoid]
            assert got[CLASS] == row.measure_label  # the legend's words
            assert got[NAME] == row.name
            header = VALUE_HEADERS.get(measure)
            if header is not None and row.measure_value == row.measure_value:
                assert got[header] == round(row.measure_value)
    counts = class_counts(table, layers.legend)
    assert list(counts[CLASS]) == [label for label, _ in layers.legend]
    assert counts["Districts and COEs"].sum() == len(table)
    if region:
        assert set(table["CCSESA region"]) == {region}


def test_print_layers_give_the_same_table_for_the_area(teams):
    request = MapRequest(measure="events_attended", region=4)
    web = map_table(participation_layers(teams, request))
    printed = map_table(participation_layers(teams, request, level=PRINT))
    assert sorted(web["NCES id / county FIPS"]) == sorted(
        printed["NCES id / county FIPS"]
    )
    assert (
        web[CLASS].value_counts().to_dict() == printed[CLASS].value_counts().to_dict()
    )
