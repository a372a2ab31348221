"""Access matrix cases for the Django admin.

Only provider administrators use it: other staff are refused (403), people of client organisations are not told
it exists (404), the anonymous are sent to the app's sign-in. Administrators read users, people, roles, invitations,
organisations and the audit log, and edit only the provider's own details: every add and delete page is refused
them too. The objects chosen belong to organisation A's participant, who has set and personal content, so that the
canary walk checks the admin's change, delete and history pages against it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType

from actionset.accounts.models import Invitation
from actionset.core.audit import AuditAction, audit_record
from actionset.organisations.models import Provider
from conftest import Cast
from tests.matrix import DENY, DONE, HIDE, OK, Case, staff_only

#: Pages the administrator may read.
READ = staff_only(OK, "administrator")
#: Addresses that send the administrator on (to the app's sign-out or password change, or back into the admin).
ONWARD = staff_only(DONE, "administrator")
#: Refused to everyone, the administrator included.
NOBODY = staff_only(DENY)


def an_invitation(cast: Cast) -> Any:
    _token, token_hash = Invitation.new_token()
    return Invitation.objects.create(
        email="invited@org.test",
        token_hash=token_hash,
        organisation=cast.org_a,
        person=cast.people["a_participant"],
        expires_at=Invitation.default_expiry(),
    )


def an_audit_event(cast: Cast) -> Any:
    return audit_record(
        actor=cast.users["a_admin"], action=AuditAction.PERSON_UPDATED, target=cast.people["a_participant"]
    )


#: Each registered model and the object of the cast its change, delete and history pages are requested for.
#: A change page the administrator may not change is shown read-only: still a 200.
MODELS: dict[str, Callable[[Cast], Any]] = {
    "accounts_user": lambda c: c.users["a_participant"],
    "accounts_invitation": an_invitation,
    "core_auditevent": an_audit_event,
    "organisations_organisation": lambda c: c.org_a,
    "organisations_person": lambda c: c.people["a_participant"],
    "organisations_provider": lambda c: Provider.current(),
}


def object_of(model: str) -> Callable[[Cast], dict[str, Any]]:
    return lambda cast: {"object_id": MODELS[model](cast).pk}


def view_on_site(cast: Cast) -> dict[str, Any]:
    return {"content_type_id": ContentType.objects.get_for_model(cast.org_a).pk, "object_id": cast.org_a.pk}


def no_kwargs(cast: Cast) -> dict[str, Any]:
    return {}


CASES: dict[str, Case] = {
    "admin:index": Case("get", no_kwargs, READ),
    "admin:app_list": Case("get", lambda c: {"app_label": "organisations"}, READ),
    # Already signed in: straight on to the admin. Signing in happens only on the app's own page.
    "admin:login": Case("get", no_kwargs, ONWARD),
    "admin:logout": Case("get", no_kwargs, ONWARD),
    "admin:password_change": Case("get", no_kwargs, ONWARD),
    "admin:password_change_done": Case("get", no_kwargs, ONWARD),
    "admin:jsi18n": Case("get", no_kwargs, READ),
    # No registered model offers autocompletion: asking for it is refused.
    "admin:autocomplete": Case("get", no_kwargs, staff_only(DENY)),
    # No registered model has a page on the site.
    "admin:view_on_site": Case("get", view_on_site, staff_only(HIDE, "administrator")),
}
for model in MODELS:
    CASES |= {
        f"admin:{model}_changelist": Case("get", no_kwargs, READ),
        f"admin:{model}_add": Case("get", no_kwargs, NOBODY),
        f"admin:{model}_change": Case("get", object_of(model), READ),
        f"admin:{model}_delete": Case("get", object_of(model), NOBODY),
        f"admin:{model}_history": Case("get", object_of(model), READ),
    }
