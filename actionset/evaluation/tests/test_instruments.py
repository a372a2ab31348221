"""Instruments as data: the built-ins, and providers' own scales imported all or nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.evaluation.instruments import BUILT_IN, DefinitionInvalid, parse
from actionset.evaluation.models import Instrument, Item, Scale
from actionset.evaluation.services import builtins_ensure
from conftest import Cast

TEAM_SCALE: dict[str, Any] = {
    "code": "team-safety",
    "name": "Team psychological safety (licensed)",
    "purpose": "How safe people feel to take interpersonal risks in their team.",
    "kirkpatrick_level": 1,
    "licence": "Used under the provider's licence.",
    "credit": "Cite the scale's authors as the licence asks.",
    "scoring": "mean",
    "scales": [{"code": "accuracy", "low": 1, "high": 7, "anchors": {"1": "Very inaccurate", "7": "Very accurate"}}],
    "items": [
        {"code": "q1", "text": "Mistakes are held against you.", "scale": "accuracy", "reverse": True},
        {"code": "q2", "text": "It is safe to take a risk here.", "scale": "accuracy", "subscale": "Risk"},
        {"code": "q3", "text": "People here value my skills.", "scale": "accuracy"},
    ],
}


def upload(cast: Cast, role: str, data: Any) -> Any:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return cast.client(role).post(
        reverse("evaluation:instrument_import"), {"file": SimpleUploadedFile("scale.json", content)}
    )


def test_the_built_in_instruments_are_installed(db: Any) -> None:
    # The data migration installs them; a flushed database (transactional tests, demo --reset) gets them back here.
    builtins_ensure()
    review = Instrument.objects.get(code="review_sheet")
    assert review.built_in
    assert review.kirkpatrick_level == 1
    assert review.items.filter(kind=Item.Kind.FREE_TEXT).count() == 0, "reflections in words go to the journal"
    assert review.items.filter(reverse=True).exists()
    rating = Instrument.objects.get(code="self_rating")
    assert rating.kirkpatrick_level == 2
    assert list(rating.items.values_list("subscale", flat=True).distinct().order_by("subscale")) == [
        "Acting",
        "Connecting",
        "Questioning",
    ]


def test_built_ins_come_back_after_a_flush_and_are_not_doubled(db: Any) -> None:
    Instrument.objects.all().delete()
    builtins_ensure()
    builtins_ensure()
    assert sorted(Instrument.objects.values_list("code", flat=True)) == ["review_sheet", "self_rating"]


def test_the_built_ins_pass_the_import_format(db: Any) -> None:
    for definition in BUILT_IN:
        assert parse(definition).code == definition["code"]


def test_a_designer_imports_a_licensed_scale(cast: Cast) -> None:
    response = upload(cast, "designer", TEAM_SCALE)
    instrument = Instrument.objects.get(code="team-safety")
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:instrument", kwargs={"instrument": instrument.public_id})
    assert [i.code for i in instrument.items.all()] == ["q1", "q2", "q3"]
    assert instrument.items.get(code="q1").reverse
    assert instrument.items.get(code="q1").score(2) == 6
    assert Scale.objects.get(instrument=instrument).anchors == {"1": "Very inaccurate", "7": "Very accurate"}
    assert not instrument.built_in
    assert AuditEvent.objects.filter(action="evaluation.instrument_imported").count() == 1


def test_a_faulty_file_imports_nothing_and_names_each_field(cast: Cast) -> None:
    bad = copy.deepcopy(TEAM_SCALE)
    bad["items"][1]["scale"] = "agreement"
    bad["items"][2]["reverse"] = "yes"
    bad["kirkpatrick_level"] = 5
    before = (Instrument.objects.count(), Scale.objects.count(), Item.objects.count())
    response = upload(cast, "administrator", bad)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "items[2].scale: &#x27;agreement&#x27; is not one of the scales above" in content
    assert "items[3].reverse: must be true or false" in content
    assert "kirkpatrick_level: must be 1, 2, 3 or 4" in content
    assert (Instrument.objects.count(), Scale.objects.count(), Item.objects.count()) == before


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d.update(code="Team Safety"), "code: use lower-case letters"),
        (
            lambda d: d["items"].append({"code": "q1", "text": "Again", "scale": "accuracy"}),
            "items[4].code: 'q1' is used twice",
        ),
        (lambda d: d["scales"][0].update(low=7), "scales[1].high: must be above low (7)"),
        (lambda d: d["scales"][0]["anchors"].update({"9": "Off the scale"}), "scales[1].anchors: 9 is outside 1 to 7"),
        (
            lambda d: d["scales"].append({"code": "five", "low": 1, "high": 5}) or d["items"][0].update(scale="five"),
            "every rating item must use a scale with the same low and high",
        ),
        (lambda d: d["items"][0].update(colour="red"), "items[1].colour: not a field of this format"),
        (
            lambda d: d["items"].append(
                {"code": "note", "text": "Anything else?", "kind": "free_text", "scale": "accuracy"}
            ),
            "items[4].scale: a free-text item has no scale",
        ),
    ],
)
def test_each_kind_of_mistake_is_named(change: Any, error: str) -> None:
    data = copy.deepcopy(TEAM_SCALE)
    change(data)
    with pytest.raises(DefinitionInvalid) as raised:
        parse(data)
    assert any(error in e for e in raised.value.errors), raised.value.errors


def test_a_file_that_is_not_json_says_where(cast: Cast) -> None:
    response = upload(cast, "designer", b'{"code": "x",\n "name": }')
    assert "Line 2, column" in response.content.decode()
    assert not Instrument.objects.filter(code="x").exists()


def test_an_existing_code_is_not_overwritten(cast: Cast) -> None:
    data = copy.deepcopy(TEAM_SCALE)
    data["code"] = "review_sheet"
    response = upload(cast, "designer", data)
    assert "already exists" in response.content.decode()
    assert Instrument.objects.get(code="review_sheet").built_in


def test_facilitators_read_the_library_but_cannot_import(cast: Cast) -> None:
    assert cast.client("facilitator").get(reverse("evaluation:instruments")).status_code == 200
    assert upload(cast, "facilitator", TEAM_SCALE).status_code == 403
    assert not Instrument.objects.filter(code="team-safety").exists()


def test_an_imported_scale_joins_the_evaluation_plan(cast: Cast) -> None:
    from tests.factories import ProgrammeFactory

    upload(cast, "designer", TEAM_SCALE)
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    url = reverse("programmes:evaluation", kwargs={"programme": programme.public_id})
    page = cast.client("designer").get(url).content.decode()
    assert "Team psychological safety (licensed)" in page
    cast.client("designer").post(url, {"team-safety__start": "on"})
    assert list(programme.evaluation_points.values_list("instrument", "timing")) == [("team-safety", "start")]


def test_the_example_in_the_guide_is_a_valid_import(cast: Cast) -> None:
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[3] / "docs" / "evaluation.md").read_text()
    example = guide.split("```json", 1)[1].split("```", 1)[0]
    response = upload(cast, "designer", example.encode())
    assert response.status_code == 302
    assert Instrument.objects.get(code="team-safety").items.count() == 3
