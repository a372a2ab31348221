"""Portfolio pages as each kind of person sees them: the candidate, another candidate, an assessor, a buddy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionset.accreditation import services
from actionset.accreditation.models import Portfolio
from actionset.accreditation.tests.factories import FEEDBACK, complete, portfolio_for
from actionset.meetings import presence
from actionset.meetings.models import Meeting
from tests.factories import (
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PORTFOLIO_URLS = (
    ("get", "accreditation:portfolio"),
    ("get", "accreditation:hours_new"),
    ("post", "accreditation:hours_new"),
    ("get", "accreditation:reflection_new"),
    ("post", "accreditation:reflection_new"),
    ("post", "accreditation:buddy_new"),
    ("get", "accreditation:observation_new"),
    ("get", "accreditation:submit"),
    ("post", "accreditation:submit"),
    ("post", "accreditation:decide"),
    ("get", "accreditation:export_csv"),
    ("get", "accreditation:export_pdf"),
)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_candidate_never_sees_another_candidates_portfolio() -> None:
    mine = portfolio_for()
    theirs = complete(portfolio_for())
    services.portfolio_submit(actor=theirs.candidate, portfolio=theirs)
    client = client_for(mine.candidate)
    for method, name in PORTFOLIO_URLS:
        response = getattr(client, method)(reverse(name, kwargs={"portfolio": theirs.public_id}))
        assert response.status_code == 404, (method, name)
    entry = theirs.entries.all()[0]
    url = reverse("accreditation:entry_delete", kwargs={"portfolio": theirs.public_id, "entry": entry.public_id})
    assert client.post(url).status_code == 404
    # Nor through their own portfolio's address with the other's entry.
    url = reverse("accreditation:entry_delete", kwargs={"portfolio": mine.public_id, "entry": entry.public_id})
    assert client.post(url).status_code == 404
    assert theirs.entries.filter(pk=entry.pk).exists()
    # Their own awards page lists nothing of anyone else's.
    page = client.get(reverse("accreditation:mine")).content.decode()
    assert str(theirs.public_id) not in page


def test_provider_administrators_are_not_told_a_portfolio_exists() -> None:
    portfolio = portfolio_for()
    admin = UserFactory.create(staff_roles=["administrator", "facilitator"])
    response = client_for(admin).get(reverse("accreditation:portfolio", kwargs={"portfolio": portfolio.public_id}))
    assert response.status_code == 404


def test_only_an_assessor_may_decide() -> None:
    portfolio = complete(portfolio_for())
    buddy = UserFactory.create()
    services.buddy_add(actor=portfolio.candidate, portfolio=portfolio, user=buddy)
    services.portfolio_submit(actor=portfolio.candidate, portfolio=portfolio)
    url = reverse("accreditation:decide", kwargs={"portfolio": portfolio.public_id})
    data = {"outcome": "pass", "feedback": ""}
    assert client_for(portfolio.candidate).post(url, data).status_code == 403
    assert client_for(buddy).post(url, data).status_code == 404
    designer = UserFactory.create(staff_roles=["designer"])
    assert client_for(designer).post(url, data).status_code == 404
    assessor = UserFactory.create(staff_roles=["trainer"])
    page = client_for(assessor).get(reverse("accreditation:portfolio", kwargs={"portfolio": portfolio.public_id}))
    assert "Your decision" in page.content.decode()
    response = client_for(assessor).post(url, data)
    assert response.status_code == 302
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.PASSED


def test_refer_without_feedback_re_renders_the_decision_with_its_error() -> None:
    portfolio = portfolio_for()
    services.portfolio_submit(actor=portfolio.candidate, portfolio=portfolio, accept_unmet=True)
    assessor = UserFactory.create(staff_roles=["trainer"])
    response = client_for(assessor).post(
        reverse("accreditation:decide", kwargs={"portfolio": portfolio.public_id}), {"outcome": "refer", "feedback": ""}
    )
    assert response.status_code == 400
    assert "Say what the candidate needs to do" in response.content.decode()
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED


def test_a_buddy_records_an_observation_but_sees_nothing_else_of_the_portfolio() -> None:
    portfolio = portfolio_for()
    buddy = UserFactory.create()
    services.buddy_add(actor=portfolio.candidate, portfolio=portfolio, user=buddy)
    services.reflection_add(
        actor=portfolio.candidate,
        portfolio=portfolio,
        written_on=timezone.localdate(),
        title="Private thoughts",
        text="Words only my assessor reads.",
    )
    client = client_for(buddy)
    assert client.get(reverse("accreditation:portfolio", kwargs={"portfolio": portfolio.public_id})).status_code == 403
    assert client.get(reverse("accreditation:export_csv", kwargs={"portfolio": portfolio.public_id})).status_code == 403
    form_page = client.get(reverse("accreditation:observation_new", kwargs={"portfolio": portfolio.public_id}))
    assert form_page.status_code == 200
    assert "Private thoughts" not in form_page.content.decode()
    data: dict[str, Any] = {"observed_on": timezone.localdate().isoformat(), "hours": "2.5", "set_size": "5"}
    for key, value in FEEDBACK.items():
        data[f"{key}_rating"] = value["rating"]
        data[f"{key}_comment"] = value["comment"]
    response = client.post(reverse("accreditation:observation_new", kwargs={"portfolio": portfolio.public_id}), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("accreditation:mine")
    observation = portfolio.observations.get()
    assert (observation.role, observation.minutes, observation.observer) == ("buddy", 150, buddy)
    # The candidate cannot observe themselves.
    own = client_for(portfolio.candidate)
    assert (
        own.get(reverse("accreditation:observation_new", kwargs={"portfolio": portfolio.public_id})).status_code == 403
    )


def test_logging_hours_keeps_what_was_typed_when_something_is_wrong() -> None:
    portfolio = portfolio_for()
    client = client_for(portfolio.candidate)
    url = reverse("accreditation:hours_new", kwargs={"portfolio": portfolio.public_id})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url, {"kind": "supervision", "happened_on": tomorrow.isoformat(), "hours": "1.5", "organisation_name": "Acme"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This date is still to come." in page
    assert "Say who supervised you." in page
    assert 'value="Acme"' in page
    assert 'value="1.5"' in page
    response = client.post(
        url,
        {"kind": "supervision", "happened_on": timezone.localdate().isoformat(), "hours": "1.5", "supervisor": "Jo"},
    )
    assert response.status_code == 302
    assert portfolio.entries.get().minutes == 90


def test_meetings_facilitated_in_actionset_appear_with_no_member_names_in_the_page_or_exports() -> None:
    candidate = UserFactory.create()
    programme = ProgrammeFactory.create(status="running")
    programme.published_at = programme.created_at
    programme.save(update_fields=["published_at"])
    learning_set = LearningSetFactory.create(programme=programme, name="Set Kestrel")
    members = [
        MembershipFactory.create(
            learning_set=learning_set,
            enrolment__programme=programme,
            enrolment__person=PersonFactory.create(organisation=programme.organisation, name=f"Zebedee Member{i}"),
        )
        for i in range(4)
    ]
    starts = timezone.now() - dt.timedelta(days=14)
    FacilitatorAssignmentFactory.create(
        learning_set=learning_set, user=candidate, assigned_at=starts - dt.timedelta(days=30)
    )
    meeting = MeetingFactory.create(
        learning_set=learning_set, starts_at=starts, ends_at=starts + dt.timedelta(hours=3), status=Meeting.Status.HELD
    )
    assert presence.present(meeting, candidate)
    portfolio = portfolio_for(candidate)
    client = client_for(candidate)
    page = client.get(reverse("accreditation:portfolio", kwargs={"portfolio": portfolio.public_id})).content.decode()
    csv_text = client.get(
        reverse("accreditation:export_csv", kwargs={"portfolio": portfolio.public_id})
    ).content.decode()
    assert "actionset" in page
    assert programme.organisation.name in page
    assert "3.0" in page
    assert (
        f"{starts.date().isoformat()},Facilitating,3.00,4,{programme.organisation.name},actionset meeting" in csv_text
    )
    for text in (page, csv_text):
        assert "Zebedee" not in text
        assert "Set Kestrel" not in text
    assert len(members) == 4
    pdf = client.get(reverse("accreditation:export_pdf", kwargs={"portfolio": portfolio.public_id}))
    assert pdf.content.startswith(b"%PDF")


def test_submitting_with_requirements_unmet_needs_the_box_ticked() -> None:
    portfolio = portfolio_for()
    client = client_for(portfolio.candidate)
    url = reverse("accreditation:submit", kwargs={"portfolio": portfolio.public_id})
    page = client.get(url).content.decode()
    assert "Some requirements are not met yet" in page
    response = client.post(url, {"note": "I am close."})
    assert response.status_code == 400
    assert "I am close." in response.content.decode()
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.DRAFT
    assert client.post(url, {"note": "I am close.", "accept_unmet": "on"}).status_code == 302
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED


def test_the_assessments_page_takes_the_same_queries_however_many_portfolios(
    django_assert_max_num_queries: Any,
) -> None:
    assessor = UserFactory.create(staff_roles=["trainer"])
    client = client_for(assessor)
    url = reverse("accreditation:assessments")

    def add(n: int) -> None:
        for _ in range(n):
            waiting = portfolio_for()
            services.portfolio_submit(actor=waiting.candidate, portfolio=waiting, accept_unmet=True)
            portfolio_for()

    add(1)
    client.get(url)
    # 13: the page's own queries plus the provider's two-factor policy, read on every staff request.
    with django_assert_max_num_queries(13) as few:
        assert client.get(url).status_code == 200
    limit = len(few.captured_queries)  # read now: the next request empties the log it reads from
    add(5)
    # The first page after portfolios change also rebuilds the trainer's kept navigation (core/extensions.py): not the
    # page's own work, so compared after one request, as above.
    client.get(url)
    with django_assert_max_num_queries(limit):
        page = client.get(url)
    assert page.content.decode().count("/portfolio/") >= 12


def test_a_candidate_edits_and_removes_a_reflection_until_they_submit() -> None:
    portfolio = portfolio_for()
    written = services.reflection_add(
        actor=portfolio.candidate, portfolio=portfolio, written_on=timezone.localdate(), title="Draft", text="One two"
    )
    client = client_for(portfolio.candidate)
    url = reverse(
        "accreditation:reflection_edit", kwargs={"portfolio": portfolio.public_id, "reflection": written.public_id}
    )
    assert 'value="Draft"' in client.get(url).content.decode()
    response = client.post(
        url, {"written_on": timezone.localdate().isoformat(), "title": "Final", "text": "One two three four"}
    )
    assert response.status_code == 302
    written.refresh_from_db()
    assert (written.title, written.words) == ("Final", 4)
    # Another candidate is not told it exists.
    assert client_for(UserFactory.create()).get(url).status_code == 404
    # Once submitted, it is fixed.
    services.portfolio_submit(actor=portfolio.candidate, portfolio=portfolio, accept_unmet=True)
    client.post(url, {"delete": "1"})
    assert portfolio.reflections.count() == 1
    Portfolio.objects.filter(pk=portfolio.pk).update(status=Portfolio.Status.REFERRED)
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert portfolio.reflections.count() == 0


def test_the_pages_count_words_and_observations_as_progress_does_on_its_own() -> None:
    """The list of one's portfolios and the portfolio page count the reflective log and observations in their own
    reads; what they show is what `progress_for` works out from the database."""
    from actionset.accreditation.progress import progress_for

    portfolio = complete(portfolio_for())
    services.reflection_add(
        actor=portfolio.candidate,
        portfolio=portfolio,
        written_on=timezone.localdate(),
        title="Another",
        text="more " * 40,
    )
    expected = [(r.label, r.achieved) for r in progress_for(portfolio).requirements]
    assert 1640.0 in [achieved for _, achieved in expected]  # 1,600 words and 40 more
    candidate = client_for(portfolio.candidate)
    rows = candidate.get(reverse("accreditation:mine")).context["rows"]
    listed = next(row["progress"] for row in rows if row["portfolio"] == portfolio)
    assert [(r.label, r.achieved) for r in listed.requirements] == expected
    page = candidate.get(reverse("accreditation:portfolio", kwargs={"portfolio": portfolio.public_id}))
    assert [(r.label, r.achieved) for r in page.context["progress"].requirements] == expected
    assert page.context["total_words"] == 1640
