"""`{% person_sign_in person %}`: a directory entry's login, with deactivation, for those who look after sign-in."""

from __future__ import annotations

from typing import Any

from django import template

from actionset.accounts.http import user_of
from actionset.accounts.two_factor import has_two_factor
from actionset.core.access import actor_for, can
from actionset.organisations.models import Person
from actionset.organisations.services import account_change_refusal

register = template.Library()


@register.inclusion_tag("organisations/_person_sign_in.html", takes_context=True)
def person_sign_in(context: dict[str, Any], person: Person) -> dict[str, Any]:
    """Nothing for a person without a login, or for a viewer whose rule does not cover their sign-in."""
    request = context["request"]
    account = person.user
    if account is None or not can(actor_for(request), "people.deactivate", person):
        return {"shown": False}
    return {
        "shown": True,
        "person": person,
        "account": account,
        "has_two_factor": has_two_factor(account),
        "refusal": account_change_refusal(actor=user_of(request), user=account, organisation=person.organisation),
        "csrf_token": context.get("csrf_token"),
    }
