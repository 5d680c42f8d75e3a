"""Map palettes stay distinguishable under colour-vision deficiencies.

Every measure's legend colours (the folium map, the static PNG/PDF map and the
HTML export all draw :func:`geodata.measures.legend`) are put through
colorspacious's simulation of deuteranomaly, protanomaly and tritanomaly
(Machado et al. 2009) at severity 50 (anomalous trichromacy) and 100 (the
dichromacy it tends to), and compared in CAM02-UCS, a perceptually uniform
space where a difference of about 1 is just noticeable.

The stated minimums (CAM02-UCS delta E):

* :data:`MIN_ANY` = 10 between any two classes that can be on one map (the
  measure's classes and "no team"), whatever the simulation;
* :data:`MIN_ADJACENT` = 12 between classes next to each other in the legend
  (neighbouring steps of a count) in normal vision and at severity 50;
* "no data" is only ever drawn alone (no roster row at all for the events), so
  it is compared with "no team" only, its neighbour in the legend: >= MIN_ANY.

Colour is never the only carrier: the legend names each class, each
district's tooltip gives its class in words, and the map's table alternative
(:mod:`geodata.maptable`) lists every figure.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from geodata.measures import NO_DATA, NO_TEAM, REGISTRY, legend

MIN_ANY = 10.0
MIN_ADJACENT = 12.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")
VISIONS = [(None, 0)] + [(d, s) for d in DEFICIENCIES for s in (50, 100)]


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def _seen(colours: list[str], deficiency: str | None, severity: int) -> list:
    rgb = [_rgb(c) for c in colours]
    if deficiency is None:
        return rgb
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": severity}
    return [np.clip(cspace_convert(c, space, "sRGB1"), 0, 1) for c in rgb]


def _distance(a, b) -> float:
    return float(deltaE(a, b, input_space="sRGB1", uniform_space="CAM02-UCS"))


def _name(deficiency, severity) -> str:
    return "normal vision" if deficiency is None else f"{deficiency} {severity}"


@pytest.mark.parametrize("measure", list(REGISTRY))
def test_classes_on_one_map_stay_apart(measure):
    items = legend(measure, include_no_data=False)
    labels = [label for label, _ in items]
    too_close = []
    for deficiency, severity in VISIONS:
        seen = _seen([c for _, c in items], deficiency, severity)
        for i, j in itertools.combinations(range(len(items)), 2):
            d = _distance(seen[i], seen[j])
            adjacent = j == i + 1 and severity < 100
            floor = MIN_ADJACENT if adjacent else MIN_ANY
            if d < floor:
                too_close.append(
                    f"{_name(deficiency, severity)}: {labels[i]!r} vs "
                    f"{labels[j]!r} delta E {d:.1f} < {floor}"
                )
    assert not too_close, "\n".join(too_close)


def test_no_data_and_no_team_stay_apart():
    colours = dict(legend(next(iter(REGISTRY))))
    for deficiency, severity in VISIONS:
        a, b = _seen([colours[NO_DATA], colours[NO_TEAM]], deficiency, severity)
        assert _distance(a, b) >= MIN_ANY, _name(deficiency, severity)


def test_every_class_is_named_in_words():
    """The legend carries text for every colour: no class by colour alone."""
    for measure in REGISTRY:
        items = legend(measure)
        assert all(label.strip() for label, _ in items)
        assert len({c for _, c in items}) == len(items), measure
