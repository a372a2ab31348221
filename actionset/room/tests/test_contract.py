"""The set's contract: a template per method, versions with history, acknowledgements, and no lost edits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.room import contract
from actionset.room.models import ContractAcknowledgement, ContractVersion
from actionset.sets.models import SharingRule
from conftest import Cast
from tests.factories import UserFactory


def url(cast: Cast, name: str = "setwork:contract") -> str:
    assert cast.learning_set is not None
    return reverse(name, kwargs={"learning_set": cast.learning_set.public_id})


def test_a_new_set_starts_from_its_methods_template(programme_world: Cast) -> None:
    response = programme_world.client("a_participant").get(url(programme_world))
    assert response.status_code == 200
    assert "Questions, not advice" in response.content.decode()
    assert "risk of harm" not in contract.WIAL_TEMPLATE
    assert "statements are made only in response to questions" in contract.template_for("wial")


def test_wial_sets_get_the_two_ground_rules(programme_world: Cast) -> None:
    assert programme_world.programme is not None
    programme_world.programme.method = "wial"
    programme_world.programme.save()
    page = programme_world.client("facilitator").get(url(programme_world)).content.decode()
    assert "Ground rule 1: statements are made only in response to questions" in page
    assert "the coach may step in whenever there is an opportunity to learn" in page


def test_the_facilitator_records_the_rules_and_each_change_keeps_history(programme_world: Cast) -> None:
    # A member's change is a proposal the set agrees (test_contract_proposals.py); the facilitator's applies.
    cast = programme_world
    member = cast.client("a_participant")
    response = cast.client("facilitator").post(
        url(cast), {"version": 0, "ground_rules": "Confidential.\nOn time.", "sharing_rule": SharingRule.MAJORITY}
    )
    assert response.status_code == 302
    response = cast.client("facilitator").post(
        url(cast), {"version": 1, "ground_rules": "Confidential.\nOn time.\nPhones away.", "sharing_rule": "majority"}
    )
    assert response.status_code == 302
    versions = list(ContractVersion.objects.filter(learning_set=cast.learning_set).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].changed_by == cast.users["facilitator"]
    assert versions[1].changed_by == cast.users["facilitator"]
    assert versions[1].sharing_rule == SharingRule.MAJORITY
    page = member.get(url(cast)).content.decode()
    assert "Version 1" in page
    assert "Version 2" in page
    assert "Phones away." in page
    # The audit log records that it changed, not what the set agreed.
    event = AuditEvent.objects.get(action="contract.changed", detail__version=2)
    assert "Phones" not in str(event.detail)


def test_a_stale_edit_is_refused_showing_both_texts(programme_world: Cast) -> None:
    cast = programme_world
    first = cast.client("a_participant")
    cast.client("facilitator").post(
        url(cast), {"version": 0, "ground_rules": "Original rules", "sharing_rule": "all_present"}
    )
    cast.client("facilitator").post(
        url(cast), {"version": 1, "ground_rules": "The facilitator's rules", "sharing_rule": "all_present"}
    )
    response = first.post(url(cast), {"version": 1, "ground_rules": "My rules", "sharing_rule": "all_present"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone changed the ground rules while you were editing" in page
    assert "The facilitator&#x27;s rules" in page
    assert "My rules" in page
    assert 'name="version" value="2"' in page
    assert cast.learning_set is not None
    current = ContractVersion.objects.current_for(cast.learning_set)
    assert current is not None
    assert current.ground_rules == "The facilitator's rules"


def test_the_service_refuses_two_saves_from_the_same_version(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.learning_set is not None
    contract.contract_save(
        actor=cast.users["facilitator"], learning_set=cast.learning_set, based_on=0, ground_rules="A", sharing_rule="x"
    )
    with pytest.raises(contract.ContractConflict) as conflict:
        contract.contract_save(
            actor=cast.users["facilitator"],
            learning_set=cast.learning_set,
            based_on=0,
            ground_rules="B",
            sharing_rule="x",
        )
    assert conflict.value.current.ground_rules == "A"
    assert conflict.value.proposed == "B"


def test_an_acknowledgement_refers_to_a_version_and_a_change_asks_again(programme_world: Cast) -> None:
    cast = programme_world
    member = cast.client("a_participant")
    cast.client("facilitator").post(
        url(cast), {"version": 0, "ground_rules": "Confidential.", "sharing_rule": "all_present"}
    )
    assert member.post(url(cast, "setwork:contract_acknowledge"), {"version": 1}).status_code == 302
    ack = ContractAcknowledgement.objects.get()
    assert ack.version.number == 1
    assert "You have acknowledged confidentiality (version 1)" in member.get(url(cast)).content.decode()

    cast.client("facilitator").post(url(cast), {"version": 1, "ground_rules": "Changed.", "sharing_rule": "nothing"})
    page = member.get(url(cast)).content.decode()
    assert "Acknowledged version 1" in page
    assert "I will keep what is said in the set confidential" in page
    # Acknowledging what one read before the change does not count as acknowledging the change.
    member.post(url(cast, "setwork:contract_acknowledge"), {"version": 1})
    assert ContractAcknowledgement.objects.count() == 1
    member.post(url(cast, "setwork:contract_acknowledge"), {"version": 2})
    assert sorted(ContractAcknowledgement.objects.values_list("version__number", flat=True)) == [1, 2]


def test_facilitators_do_not_acknowledge_as_members(programme_world: Cast) -> None:
    cast = programme_world
    cast.client("facilitator").post(url(cast), {"version": 0, "ground_rules": "C.", "sharing_rule": "all_present"})
    assert cast.client("facilitator").post(url(cast, "setwork:contract_acknowledge"), {"version": 1}).status_code == 403


@pytest.mark.parametrize("role", ["a_sponsor", "a_admin", "designer", "administrator", "developer", "b_participant"])
def test_the_contract_is_hidden_from_everyone_outside_the_set(programme_world: Cast, role: str) -> None:
    assert programme_world.client(role).get(url(programme_world)).status_code == 404


def test_a_member_of_another_set_in_the_programme_cannot_see_it(programme_world: Cast) -> None:
    cast = programme_world
    assert cast.other_set is not None
    outsider = cast.other_set.memberships.first()
    assert outsider is not None
    user = UserFactory.create()
    person = outsider.enrolment.person
    person.user = user
    person.save()
    client = Client()
    client.force_login(user)
    assert client.get(url(cast)).status_code == 404
