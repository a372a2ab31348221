from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionset.programmes.models import Enrolment
from conftest import Cast
from tests.factories import EnrolmentFactory, MembershipFactory, PersonFactory, ProgrammeFactory


def upload(text: str, name: str = "pool.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_an_organisation_admin_enrols_people_from_the_directory(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    people = [PersonFactory.create(organisation=cast.org_a) for _ in range(3)]
    url = reverse("programmes:pool_add", kwargs={"programme": programme.public_id})
    response = cast.client("a_admin").post(url, {"people": [p.pk for p in people]})
    assert response.status_code == 302
    assert programme.enrolments.active().count() == 3


def test_people_of_another_organisation_cannot_be_enrolled(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    outsider = cast.people["b_participant"]
    url = reverse("programmes:pool_add", kwargs={"programme": programme.public_id})
    response = cast.client("designer").post(url, {"people": [outsider.pk]})
    assert response.status_code == 200
    assert not programme.enrolments.exists()


def test_a_pool_import_with_a_bad_row_imports_nothing_and_names_every_bad_row(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    good = PersonFactory.create(organisation=cast.org_a, email="good@a.test")
    text = (
        "Email,Availability\n"
        "good@a.test,tue-am; thu-pm\n"
        "nobody@a.test,mon-am\n"
        "good@a.test,wed-am\n"
        ",mon-am\n"
        f"{cast.people['a_participant'].email},someday\n"
    )
    url = reverse("programmes:pool_import", kwargs={"programme": programme.public_id})
    response = cast.client("a_admin").post(url, {"file": upload(text)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    for row in ("<td>3</td>", "<td>4</td>", "<td>5</td>", "<td>6</td>"):
        assert row in page
    assert "Not a slot: someday" in page
    assert not Enrolment.objects.filter(person=good).exists()


def test_a_good_pool_import_enrols_and_records_availability_and_keep_apart(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    a = PersonFactory.create(organisation=cast.org_a, email="a@a.test")
    b = PersonFactory.create(organisation=cast.org_a, email="b@a.test")
    text = "Email,Availability,Keep apart\na@a.test,TUE-AM;thu-pm,b@a.test\nb@a.test,,\n"
    url = reverse("programmes:pool_import", kwargs={"programme": programme.public_id})
    assert cast.client("designer").post(url, {"file": upload(text)}).status_code == 302
    enrolment = Enrolment.objects.get(person=a)
    assert enrolment.availability == ["tue-am", "thu-pm"]
    assert list(enrolment.keep_apart.all()) == [b]


def test_an_organisation_admin_cannot_set_or_see_keep_apart_lists(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    a = PersonFactory.create(organisation=cast.org_a, email="a@a.test", name="Alma Quist")
    b = PersonFactory.create(organisation=cast.org_a, email="b@a.test", name="Bertrand Zed")
    enrolment = EnrolmentFactory.create(programme=programme, person=a)
    enrolment.keep_apart.add(b)
    text = "Email,Keep apart\na@a.test,\n"
    url = reverse("programmes:pool_import", kwargs={"programme": programme.public_id})
    assert cast.client("a_admin").post(url, {"file": upload(text)}).status_code == 302
    assert list(enrolment.keep_apart.all()) == [b], "an org admin's import must not touch keep-apart lists"

    page_url = reverse(
        "programmes:enrolment", kwargs={"programme": programme.public_id, "enrolment": enrolment.public_id}
    )
    admin_page = cast.client("a_admin").get(page_url).content.decode()
    assert "Keep apart" not in admin_page
    cast.client("a_admin").post(page_url, {"availability": ["mon-am"]})
    assert list(enrolment.keep_apart.all()) == [b]
    # A provider administrator who is not a designer does not get it either.
    assert "Keep apart" not in cast.client("administrator").get(page_url).content.decode()
    assert "Keep apart" in cast.client("designer").get(page_url).content.decode()
    pool_page = cast.client("a_admin").get(reverse("programmes:pool", kwargs={"programme": programme.public_id}))
    assert "Keep apart" not in pool_page.content.decode()


def test_withdrawing_a_person_takes_them_out_of_their_proposed_set(cast: Cast) -> None:
    membership = MembershipFactory.create(learning_set__programme__organisation=cast.org_a)
    enrolment = membership.enrolment
    url = reverse(
        "programmes:withdraw", kwargs={"programme": enrolment.programme.public_id, "enrolment": enrolment.public_id}
    )
    assert cast.client("a_admin").post(url).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.withdrawn_at is not None
    assert not type(membership).objects.filter(pk=membership.pk).exists()


def test_an_xlsx_pool_import_works_like_csv(cast: Cast) -> None:
    import openpyxl

    programme = ProgrammeFactory.create(organisation=cast.org_a)
    PersonFactory.create(organisation=cast.org_a, email="x@a.test")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Email", "Availability"])
    sheet.append(["x@a.test", "fri-pm"])
    out = io.BytesIO()
    book.save(out)
    file = SimpleUploadedFile("pool.xlsx", out.getvalue())
    url = reverse("programmes:pool_import", kwargs={"programme": programme.public_id})
    assert cast.client("designer").post(url, {"file": file}).status_code == 302
    assert Enrolment.objects.get(person__email="x@a.test").availability == ["fri-pm"]


def test_a_participant_gives_their_own_availability_and_keep_apart_in_confidence(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    me = EnrolmentFactory.create(programme=programme, person=cast.people["a_participant"], availability=[])
    other = EnrolmentFactory.create(programme=programme)
    url = reverse("programmes:my_enrolment", kwargs={"programme": programme.public_id})
    response = cast.client("a_participant").post(
        url, {"availability": ["mon-pm", "wed-am"], "keep_apart": [other.person.pk]}
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.availability == ["mon-pm", "wed-am"]
    assert list(me.keep_apart.all()) == [other.person]
    # Only the designers' pages show it; an organisation admin's do not.
    pool = cast.client("a_admin").get(reverse("programmes:pool", kwargs={"programme": programme.public_id}))
    assert (
        other.person.name not in pool.content.decode().split("Keep apart")[0]
        or "Keep apart" not in pool.content.decode()
    )


def test_someone_not_enrolled_cannot_give_availability(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a)
    url = reverse("programmes:my_enrolment", kwargs={"programme": programme.public_id})
    assert cast.client("a_participant").get(url).status_code == 403
    assert cast.client("b_participant").get(url).status_code == 404


def test_an_enrolled_participant_is_asked_for_availability_on_their_home_page(cast: Cast) -> None:
    programme = ProgrammeFactory.create(organisation=cast.org_a, title="Thinking together")
    EnrolmentFactory.create(programme=programme, person=cast.people["a_participant"])
    page = cast.client("a_participant").get(reverse("core:home")).content.decode()
    assert "Thinking together" in page
    assert reverse("programmes:my_enrolment", kwargs={"programme": programme.public_id}) in page
