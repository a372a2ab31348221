"""Subject access: everything held about a person, in one archive, and nothing of anyone else's."""

from __future__ import annotations

import io
import json
import zipfile

from django.core import mail
from django.urls import reverse

from actionset.core.audit import AuditAction, audit_record
from actionset.core.models import AuditEvent
from actionset.privacy import services
from actionset.privacy.archive import archive_build
from actionset.privacy.held import Subject
from actionset.privacy.models import DataExport
from actionset.room.models import TrioPlace
from conftest import Cast
from tests.factories import PersonFactory

from .world import directory_fields, subject_and_other


def _read(archive: bytes) -> tuple[str, str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return z.read("data.json").decode(), z.read("index.html").decode()


def test_every_word_of_theirs_is_in_their_archive_and_nobody_elses(programme_world: Cast) -> None:
    subject, other = subject_and_other(programme_world)
    assert directory_fields() <= set(subject.words), "plant a word in every directory field (world._plant_directory)"

    data, readable = _read(archive_build(Subject.of_user(subject.user)))

    missing_json = sorted(f for f, w in subject.theirs().items() if w not in data)
    missing_html = sorted(f for f, w in subject.theirs().items() if w not in readable)
    assert missing_json == [], "held.SECTIONS does not reach these fields of the person's own"
    assert missing_html == []
    leaked = sorted(f for f, w in other.words.items() if w in data or w in readable)
    assert leaked == [], "another person's words reached the archive"
    not_theirs = sorted(f for f, w in subject.words.items() if f not in subject.theirs() and w in data)
    assert not_theirs == [], "someone else's words in the subject's own set reached the archive"


def test_the_json_is_sections_of_rows(programme_world: Cast) -> None:
    subject, _ = subject_and_other(programme_world)
    data, _ = _read(archive_build(Subject.of_user(subject.user)))
    document = json.loads(data)
    assert document["sections"]["journal"][0]["about_myself"] == subject.words["learning.JournalEntry.about_myself"]
    assert "password" not in document["sections"]["login"][0]


def test_a_person_asks_for_their_data_and_downloads_it_when_the_worker_has_built_it(programme_world: Cast) -> None:
    subject, other = subject_and_other(programme_world)
    client = programme_world.client("a_participant")
    assert client.post(reverse("privacy:mine")).status_code == 302
    export = DataExport.objects.get()
    assert export.requested_by == subject.user
    assert export.status == DataExport.Status.WAITING
    url = reverse("privacy:download", kwargs={"export": export.public_id})
    assert client.get(url).status_code == 404  # not built yet

    assert services.export_build(export_id=export.pk) == "ready"
    # Told by email where to download it; the data itself never travels by email.
    (message,) = mail.outbox
    assert message.to == [subject.user.email]
    assert reverse("privacy:mine") in message.body
    assert not message.attachments
    assert subject.words["learning.JournalEntry.notes"] not in message.body
    page = client.get(reverse("privacy:mine"))
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    data, _ = _read(response.content)
    assert subject.words["learning.JournalEntry.notes"] in data
    assert other.words["learning.JournalEntry.notes"] not in data
    # Nobody else downloads it, an administrator included.
    assert programme_world.client("administrator").get(url).status_code == 404
    assert set(AuditEvent.objects.filter(action__startswith="person.data_").values_list("action", flat=True)) == {
        "person.data_exported",
        "person.data_downloaded",
    }


def test_an_administrator_produces_a_copy_on_a_persons_request_and_it_is_audited(programme_world: Cast) -> None:
    subject, _ = subject_and_other(programme_world)
    admin = programme_world.client("administrator")
    url = reverse("privacy:person_export", kwargs={"subject": subject.person.public_id})
    assert admin.post(url).status_code == 302
    export = DataExport.objects.get()
    assert export.requested_by == programme_world.users["administrator"]
    event = AuditEvent.objects.get(action="person.data_exported")
    assert event.actor == programme_world.users["administrator"]
    assert event.target_id == str(subject.user.public_id)
    services.export_build(export_id=export.pk)
    response = admin.get(reverse("privacy:download", kwargs={"export": export.public_id}))
    assert subject.words["accreditation.Reflection.text"] in _read(response.content)[0]


def test_what_they_did_to_other_people_is_in_their_archive_without_naming_them(programme_world: Cast) -> None:
    admin = programme_world.users["a_admin"]
    edited = PersonFactory.create(organisation=programme_world.org_a, name="Ottoline Quarrender")
    audit_record(actor=admin, action=AuditAction.PERSON_UPDATED, target=edited, detail={"name": [edited.name, "O. Q."]})
    data, readable = _read(archive_build(Subject.of_user(admin)))
    assert json.loads(data)["sections"]["audit_by"][0]["action"] == "person.updated"
    assert "Ottoline" not in data
    assert "Ottoline" not in readable


def test_a_members_places_in_troika_trios_are_in_their_archive(programme_world: Cast) -> None:
    subject, other = subject_and_other(programme_world)
    meeting = programme_world.meeting
    assert meeting is not None
    TrioPlace.objects.create(meeting=meeting, enrolment=subject.person.enrolments.get(), trio=2, seat=3)
    TrioPlace.objects.create(meeting=meeting, enrolment=other.person.enrolments.get(), trio=1, seat=1)
    data, _ = _read(archive_build(Subject.of_user(subject.user)))
    places = json.loads(data)["sections"]["trio_places"]
    assert [(p["trio"], p["seat"]) for p in places] == [(2, 3)]


def test_who_recorded_a_members_decision_in_the_room_is_in_their_archive(programme_world: Cast) -> None:
    """As for the bids, actions and takes a facilitator records for a member: the member already sees the name on
    their home page, and the source of what is held about them is theirs to know."""
    from actionset.learning.models import Decision, SharedItem

    subject, _ = subject_and_other(programme_world)
    facilitator = programme_world.users["facilitator"]
    assert programme_world.learning_set is not None
    item = SharedItem.objects.create(
        learning_set=programme_world.learning_set,
        kind=SharedItem.Kind.THEME,
        text="Handovers between shifts",
        author=subject.person.enrolments.get(),
    )
    Decision.objects.create(
        item=item,
        enrolment=subject.person.enrolments.get(),
        verdict=Decision.Verdict.APPROVE,
        recorded_by=facilitator,
        recorded_by_name="Imogen Facilitator-Whitlock",
    )
    data, readable = _read(archive_build(Subject.of_user(subject.user)))
    recorded = [d for d in json.loads(data)["sections"]["sharing_decisions"] if d["item"] and d["recorded_by_name"]]
    assert [d["recorded_by_name"] for d in recorded] == ["Imogen Facilitator-Whitlock"]
    assert "Imogen Facilitator-Whitlock" in readable
