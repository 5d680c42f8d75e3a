"""Teams, role completeness and headline figures on small known rosters."""

from __future__ import annotations

import pandas as pd

from loaders import participation as p
from loaders.events import load_events

SUP, BOARD, TEACH, CLASS = p.ROLES


def _roster(rows):
    frame = pd.DataFrame(rows, columns=["event_id", "geoid", "role", "status"])
    frame["match_status"] = "matched"
    frame["linked_geoids"] = ""
    return frame


def test_team_status_is_the_best_and_completeness_counts_roles_at_it():
    roster = _roster(
        [
            ("E1", "A", SUP, "attended"),
            ("E1", "A", BOARD, "attended"),
            ("E1", "A", TEACH, "applied"),  # applied only: did not come
            ("E1", "B", SUP, "applied"),
            ("E1", "B", CLASS, "waitlisted"),
        ]
    )
    teams = p.teams_by_event(roster).set_index("geoid")
    assert teams.loc["A", "team_status"] == "attended"
    assert teams.loc["A", "role_completeness"] == 2
    assert teams.loc["A", "n_people"] == 3
    assert teams.loc["A", "missing_roles"] == (
        "Teachers union president; Classified union president"
    )
    assert teams.loc["B", "team_status"] == "waitlisted"
    # B did not attend: its roles that applied (applied or waitlisted) count
    assert teams.loc["B", "role_completeness"] == 2
    assert teams.loc["B", "completeness_basis"] == "applied"
    assert bool(teams.loc["B", f"role_{CLASS}"]) and bool(teams.loc["B", f"role_{SUP}"])


def test_unmatched_rows_form_no_team_but_are_kept():
    roster = _roster([("E1", "A", SUP, "attended"), ("E1", None, SUP, "attended")])
    roster.loc[1, "match_status"] = "ambiguous"
    assert len(p.teams_by_event(roster)) == 1
    assert len(p.unmatched_rows(roster)) == 1


def test_shared_governance_counts_for_both_districts():
    roster = _roster([("E1", "ELEM", role, "attended") for role in p.ROLES])
    roster["linked_geoids"] = "HIGH"
    teams = p.teams_by_event(roster).set_index("geoid")
    assert set(teams.index) == {"ELEM", "HIGH"}
    assert (teams["role_completeness"] == 4).all()


def test_headline_figures():
    roster = _roster(
        [("E1", "A", role, "attended") for role in p.ROLES]
        + [("E1", "B", SUP, "applied"), ("E2", "B", SUP, "registered")]
        + [("E2", "C", BOARD, "attended")]
    )
    reference = pd.DataFrame(
        {
            "geoid": ["A", "B", "C"],
            "name": ["a", "b", "c"],
            "district_type": ["unified", "elementary", "coe"],
            "county": ["X", "X", "Y"],
            "ccsesa_region": [1, 1, 2],
        }
    )
    teams = p.filter_teams(p.teams_by_event(roster), reference)
    figures = p.headline_figures(teams)
    assert figures["teams"] == 3
    assert figures["attended"] == 2
    assert figures["complete_teams"] == 1
    assert figures["applied_not_attended"] == 1
    assert figures[f"role_{SUP}"] == 1 and figures[f"role_{BOARD}"] == 2
    only_region_2 = p.filter_teams(p.teams_by_event(roster), reference, regions=[2])
    assert p.headline_figures(only_region_2)["teams"] == 1
    by_region = p.participation_by_area(teams, reference, "region")
    assert by_region.set_index("ccsesa_region").loc[1, "attended"] == 1


def test_team_detail_lists_each_event_with_role_status_and_no_names():
    roster = _roster(
        [
            ("CALMI-2015-SYMP", "A", SUP, "applied"),
            ("CALMI-2015-LA-REGIONAL", "A", SUP, "attended"),
            ("CALMI-2015-LA-REGIONAL", "A", TEACH, "attended"),
        ]
    )
    roster["person_name"] = "Superintendent 001"
    detail = p.team_detail(roster, "A", load_events())
    assert list(detail["event"]) == [
        "2015 Symposium, San Diego",
        "2015 LA regional convening",
    ]
    la = detail.iloc[1]
    assert la["Superintendent"] == "Attended" and la["Board member"] == ""
    assert la["role_completeness"] == "2/4 came"
    assert detail.iloc[0]["role_completeness"] == "1/4 applied"
    assert "Superintendent 001" not in detail.to_string()
