from __future__ import annotations

from django.test import Client
from django.urls import reverse

from conftest import Cast

URL = reverse("coach:practice")


def signed_in(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.users["a_participant"])
    return client


def test_the_practice_page_shows_a_scenario_and_a_form(cast: Cast) -> None:
    response = signed_in(cast).get(URL, {"scenario": "director"})
    assert response.status_code == 200
    assert "A new director who goes round me" in response.content.decode()
    assert 'name="questions"' in response.content.decode()


def test_an_unknown_scenario_falls_back_to_the_first(cast: Cast) -> None:
    response = signed_in(cast).get(URL, {"scenario": "nope"})
    assert "The rota that keeps breaking" in response.content.decode()


def test_feedback_comes_back_with_a_reason_for_each_question_without_javascript(cast: Cast) -> None:
    response = signed_in(cast).post(
        URL, {"scenario": "rota", "questions": "What have you tried so far?\nHave you thought about a rota app?"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert 'data-label="open"' in page
    assert 'data-label="advice"' in page
    assert "1 of 2 questions open" in page
    assert "Why: " in page


def test_htmx_gets_only_the_feedback(cast: Cast) -> None:
    response = signed_in(cast).post(
        URL, {"scenario": "merger", "questions": "Did you tell them?"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="feedback"' in page
    assert 'data-label="closed"' in page


def test_a_turn_without_a_question_is_met_kindly(cast: Cast) -> None:
    response = signed_in(cast).post(URL, {"scenario": "rota", "questions": "You should talk to finance."})
    assert "No question found there yet" in response.content.decode()


def test_an_empty_form_shows_the_error_and_keeps_the_scenario(cast: Cast) -> None:
    response = signed_in(cast).post(URL, {"scenario": "merger", "questions": ""})
    page = response.content.decode()
    assert "This field is required" in page
    assert "Two teams, one office" in page


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_a_leading_question_gets_its_own_label_and_a_kind_line(cast: Cast) -> None:
    response = signed_in(cast).post(URL, {"scenario": "rota", "questions": "Don't you think the rota is the problem?"})
    page = response.content.decode()
    assert 'data-label="leading"' in page
    assert "A leading question" in page
