from __future__ import annotations

import pytest

from actionset.meetings.methods import KINDS, METHODS, Phase, apply_minutes, phases_for, run_sheet
from tests.factories import ProgrammeFactory


def test_every_method_has_phases_with_unique_keys_known_kinds_and_guidance() -> None:
    for method, phases in METHODS.items():
        keys = [p.key for p in phases]
        assert len(keys) == len(set(keys)), method
        for phase in phases:
            assert phase.kind in KINDS
            assert phase.minutes > 0
            assert phase.guidance


def test_the_uk_meeting_follows_the_common_form() -> None:
    assert [p.kind for p in phases_for("uk")] == ["checkin", "progress", "bids", "airtime", "review", "checkout"]
    airtime = phases_for("uk")[3]
    assert airtime.per_presenter
    assert airtime.gives_airtime


def test_the_wial_closing_reflection_can_never_be_skipped() -> None:
    wial = phases_for("wial")
    assert wial[-1].kind == "reflection"
    assert wial[-1].skippable is False
    assert {"ground_rules", "presentation", "questions", "consensus", "actions", "coach"} <= {p.kind for p in wial}


def test_the_incident_method_and_troika_have_their_rounds() -> None:
    assert [p.kind for p in phases_for("incident")][1:5] == ["case", "clarifying", "takes", "response"]
    (round_,) = [p for p in phases_for("troika") if p.in_rounds]
    assert round_.rhythm == (2, 6, 2)
    assert sum(round_.rhythm) == round_.minutes


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_has_a_progress_round_before_anyone_presents(method: str) -> None:
    """Actions come back whatever the method: members report on earlier ones before today's problem or case."""
    kinds = [p.kind for p in phases_for(method)]
    assert kinds.count("progress") == 1
    first_presenting = min(i for i, p in enumerate(phases_for(method)) if p.gives_airtime)
    assert kinds.index("progress") < first_presenting


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown phase kind"):
        Phase("x", "lecture", "Lecture", 10, "No.")


@pytest.mark.django_db
def test_a_programme_s_own_durations_replace_the_defaults() -> None:
    programme = ProgrammeFactory.create(method="uk", phase_minutes={"airtime": 30, "checkin": 20})
    sheet = {p.key: p.minutes for p in run_sheet(programme)}
    assert sheet["airtime"] == 30
    assert sheet["checkin"] == 20
    assert sheet["progress"] == 20  # the default
    assert [p.key for p in run_sheet(programme, "wial")][-1] == "reflection"


def test_nonsense_durations_are_ignored() -> None:
    sheet = apply_minutes(phases_for("uk"), {"airtime": "lots", "checkin": 0, "progress": True, "bids": 9999})
    assert [p.minutes for p in sheet] == [p.minutes for p in phases_for("uk")]
