"""Teams, people and the participation figures, from a matched roster.

One concept per module:

* :mod:`loaders.participation.people` — who is one person (the person key) and
  which roster rows it merges;
* :mod:`loaders.participation.teams` — teams per event (the reach view for
  maps, the team view for counts) and role completeness with its basis;
* :mod:`loaders.participation.notonmap` — roster rows not on the map, by
  reason (unmatched, ambiguous, rejected, no event...);
* :mod:`loaders.participation.figures` — every figure (entities, reached,
  teams, attended, complete teams, people) defined once, per area and per
  event, with the data dictionary :data:`DATA_DICTIONARY`;
* :mod:`loaders.participation.changes` — new / returning / lapsed teams
  between two events;
* :mod:`loaders.participation.trends` — figures per event in date order and
  cumulatively (teams, people, districts reached, share of enrollment);
* :mod:`loaders.participation.outreach` — districts and COEs never reached
  or lapsed, largest first.

Every public name is importable from ``loaders.participation``.
"""

from loaders.participation.changes import (
    CHANGE_COLUMNS,
    CHANGE_LABELS,
    CHANGES,
    COMPLETENESS_CHANGES,
    change_counts,
    change_status,
    changes,
    changes_by_area,
    comparison_event,
)
from loaders.participation.figures import (
    AREA_LEVELS,
    DATA_DICTIONARY,
    FIGURE_COLUMNS,
    area_figures,
    check_figures,
    data_dictionary,
    distinct_people,
    figures_by_area,
    filter_reference,
    filter_teams,
    headline_figures,
    participation_by_area,
    participation_by_event,
)
from loaders.participation.notonmap import (
    NOT_ON_MAP_REASONS,
    not_on_map_reason,
    rows_not_on_map,
    rows_on_map,
)
from loaders.participation.outreach import (
    OUTREACH_CLASSES,
    OUTREACH_COLUMNS,
    OUTREACH_LABELS,
    OUTREACH_STATUSES,
    outreach,
    outreach_status,
)
from loaders.participation.people import duplicate_people, person_ids, person_keys
from loaders.participation.teams import (
    APPLIED_STATUSES,
    COMPLETENESS_BASES,
    DETAIL_COLUMNS,
    ROLE_LABELS,
    ROLES,
    STATUS_LABELS,
    STATUS_ORDER,
    TEAM_COLUMNS,
    completeness_label,
    own_rows,
    team_detail,
    team_details,
    teams_by_event,
    unmatched_rows,
)
from loaders.participation.timetables import LazyTables, time_tables
from loaders.participation.trends import (
    TREND_COLUMNS,
    event_order,
    order_event_ids,
    trends,
)

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_LABELS",
    "CHANGES",
    "COMPLETENESS_CHANGES",
    "change_counts",
    "change_status",
    "changes",
    "changes_by_area",
    "comparison_event",
    "OUTREACH_COLUMNS",
    "OUTREACH_CLASSES",
    "OUTREACH_LABELS",
    "OUTREACH_STATUSES",
    "outreach",
    "outreach_status",
    "TREND_COLUMNS",
    "event_order",
    "order_event_ids",
    "time_tables",
    "LazyTables",
    "trends",
    "APPLIED_STATUSES",
    "AREA_LEVELS",
    "COMPLETENESS_BASES",
    "DETAIL_COLUMNS",
    "DATA_DICTIONARY",
    "FIGURE_COLUMNS",
    "NOT_ON_MAP_REASONS",
    "ROLES",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "TEAM_COLUMNS",
    "area_figures",
    "check_figures",
    "completeness_label",
    "data_dictionary",
    "distinct_people",
    "duplicate_people",
    "figures_by_area",
    "filter_reference",
    "filter_teams",
    "headline_figures",
    "not_on_map_reason",
    "own_rows",
    "participation_by_area",
    "participation_by_event",
    "person_ids",
    "person_keys",
    "rows_not_on_map",
    "rows_on_map",
    "team_detail",
    "team_details",
    "teams_by_event",
    "unmatched_rows",
]
