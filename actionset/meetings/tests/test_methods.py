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
    assert [p.kind for p in phases_for("incident")][:4] == ["case", "clarifying", "takes", "response"]
    assert any(p.per_presenter for p in phases_for("troika"))


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
