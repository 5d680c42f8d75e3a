"""Paper sizes and the reader's words of a printed map.

A :class:`PrintLayout` says on what paper a static map is printed (a page size
of :data:`PAGE_SIZES` and an orientation) and with which words (title,
subtitle, a note, the source line; ``None`` keeps the automatic text) and
whether a statewide map carries its Bay Area and Los Angeles/Orange insets.
The same object is built by ``lmi-dashboard export map`` and by the Export
page, so both print the same map.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_PAGE",
    "ORIENTATIONS",
    "PAGE_LABELS",
    "PAGE_SIZES",
    "PrintLayout",
    "page_size_in",
]

_MM = 1 / 25.4
#: Paper sizes, portrait ``(width, height)`` in inches. US sizes are exact in
#: inches (Letter 612 × 792 pt); ISO sizes are exact in millimetres (A4
#: 210 × 297 mm = 595.3 × 841.9 pt).
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "letter": (8.5, 11.0),
    "legal": (8.5, 14.0),
    "tabloid": (11.0, 17.0),
    "a4": (210 * _MM, 297 * _MM),
    "a3": (297 * _MM, 420 * _MM),
}
#: What a person calls each size (choices on the Export page and in --help).
PAGE_LABELS: dict[str, str] = {
    "letter": "Letter (8.5 × 11 in)",
    "legal": "Legal (8.5 × 14 in)",
    "tabloid": "Tabloid (11 × 17 in)",
    "a4": "A4 (210 × 297 mm)",
    "a3": "A3 (297 × 420 mm)",
}
#: The default paper: the users are in California.
DEFAULT_PAGE = "letter"
ORIENTATIONS: tuple[str, ...] = ("portrait", "landscape")


def page_size_in(page: str = DEFAULT_PAGE, orientation: str = "portrait"):
    """Width and height of a page in inches.

    Parameters
    ----------
    page : {"letter", "legal", "tabloid", "a4", "a3"}
        Paper size (case ignored).
    orientation : {"portrait", "landscape"}
        Landscape swaps width and height.

    Returns
    -------
    (float, float)
        ``(width, height)`` in inches (× 72 for PDF points).

    Raises
    ------
    ValueError
        Unknown page size or orientation (the message lists the choices).

    Examples
    --------
    >>> page_size_in("letter")
    (8.5, 11.0)
    >>> [round(v * 72) for v in page_size_in("a4", "landscape")]
    [842, 595]
    """
    key = str(page).strip().lower()
    if key not in PAGE_SIZES:
        raise ValueError(
            f"Unknown page size {page!r}; choose one of {', '.join(PAGE_SIZES)}."
        )
    turn = str(orientation).strip().lower()
    if turn not in ORIENTATIONS:
        raise ValueError(
            f"Unknown orientation {orientation!r}; choose portrait or landscape."
        )
    w, h = PAGE_SIZES[key]
    return (h, w) if turn == "landscape" else (w, h)


@dataclass(frozen=True)
class PrintLayout:
    """How a static map is printed: the paper and the words on it.

    Attributes
    ----------
    page : str
        A key of :data:`PAGE_SIZES` (default Letter).
    orientation : {"portrait", "landscape"}
    title, subtitle : str or None
        Printed above the map; ``None`` keeps the automatic text
        (:func:`geodata.maprequest.map_titles`), ``""`` prints none (subtitle).
    note : str or None
        A line or two printed under the legend (``None``: no note).
    source : str or None
        The credit line at the foot; ``None`` keeps
        :data:`geodata.maprequest.SOURCE_LINE`.
    insets : bool
        Statewide maps carry the Bay Area and Los Angeles/Orange insets.
    """

    page: str = DEFAULT_PAGE
    orientation: str = "portrait"
    title: str | None = None
    subtitle: str | None = None
    note: str | None = None
    source: str | None = None
    insets: bool = True

    def __post_init__(self) -> None:
        page_size_in(self.page, self.orientation)  # checks both
        object.__setattr__(self, "page", self.page.strip().lower())
        object.__setattr__(self, "orientation", self.orientation.strip().lower())

    @property
    def size_in(self) -> tuple[float, float]:
        """``(width, height)`` of the page in inches."""
        return page_size_in(self.page, self.orientation)

    def size_px(self, dpi: int) -> tuple[int, int]:
        """``(width, height)`` of a PNG of the page in pixels at ``dpi``.

        Whole pixels, rounded down as matplotlib's Agg renderer does (A4 at
        150 dpi: 1240 × 1754.0 → 1240 × 1753; US sizes are exact).
        """
        w, h = self.size_in
        return int(w * dpi + 1e-9), int(h * dpi + 1e-9)
