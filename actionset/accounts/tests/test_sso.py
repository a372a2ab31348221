"""Single sign-on end to end, against the suite's own OpenID Connect provider (tests/oidc_provider.py), over real
HTTP: discovery, the authorization code flow with PKCE, the token endpoint and RS256-signed ID tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from cryptography.fernet import InvalidToken
from django.core import mail
from django.test import Client
from django.urls import reverse

from actionset.accounts.models import Invitation, SingleSignOn, User
from actionset.accounts.sso import SingleSignOnData, sso_save
from actionset.accounts.tasks import sso_check
from actionset.core.audit import AuditAction, AuditEvent
from actionset.organisations.models import Organisation, Person
from conftest import Cast
from tests.factories import TEST_PASSWORD, OrganisationFactory, PersonFactory, UserFactory
from tests.oidc_provider import IdentityProvider, identity_provider


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    with identity_provider() as provider:
        yield provider


def configure(
    idp: IdentityProvider,
    organisation: Organisation | None,
    *,
    actor: User,
    domains: tuple[str, ...] = ("northwind.test",),
    only: bool = False,
    client_id: str = "actionset",
) -> SingleSignOn:
    client = idp.add_client(client_id)
    return sso_save(
        actor=actor,
        organisation=organisation,
        data=SingleSignOnData(
            name="Northwind ID" if organisation is not None else "Provider ID",
            issuer=idp.issuer,
            client_id=client.client_id,
            secret=client.secret,
            domains=list(domains),
            enabled=True,
            only=only,
        ),
    )


def sso_sign_in(client: Client, sso: SingleSignOn, email: str) -> Any:
    """Press the button, sign in at the identity provider's page as `email`, and come back: the final response."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": sso.provider_id}))
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert authorize.startswith(sso.issuer + "/authorize?")
    back = requests.post(authorize, data={"email": email}, allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    return client.get(callback.path, {k: v[0] for k, v in parse_qs(callback.query).items()})


def signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def refusals() -> list[str]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.SSO_SIGN_IN_REFUSED).values_list("detail__reason", flat=True)
    )


def message_of(response: Any) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


@pytest.fixture
def northwind(cast: Cast) -> Organisation:
    return cast.org_a


@pytest.fixture
def sso(idp: IdentityProvider, cast: Cast, northwind: Organisation) -> SingleSignOn:
    return configure(idp, northwind, actor=cast.users["administrator"])


def test_it_signs_in_a_directory_entry_with_a_login_and_links_the_identity(
    idp: IdentityProvider, sso: SingleSignOn, northwind: Organisation
) -> None:
    user = UserFactory.create(email="ann@northwind.test")
    PersonFactory.create(organisation=northwind, user=user, email="ann@northwind.test")
    subject = idp.add_person("ann@northwind.test")
    client = Client()
    response = sso_sign_in(client, sso, "ann@northwind.test")
    assert response.status_code == 302
    assert signed_in_as(client) == user
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (sso.provider_id, subject)
    assert AuditEvent.objects.filter(action=AuditAction.SSO_LINKED, actor=user).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=user).count() == 1
    # The client authenticated itself at the token endpoint with the secret stored for it.
    assert idp.token_requests[-1]["client_id"] == "actionset"

    # The second time, the identity is already linked: the same login, no second link.
    again = Client()
    sso_sign_in(again, sso, "ann@northwind.test")
    assert signed_in_as(again) == user
    assert SocialAccount.objects.filter(user=user).count() == 1


def test_it_gives_a_directory_entry_without_a_login_one_at_its_first_sign_in(
    idp: IdentityProvider, sso: SingleSignOn, northwind: Organisation
) -> None:
    person = PersonFactory.create(organisation=northwind, email="Bea@Northwind.test", name="Bea Lane")
    idp.add_person("bea@northwind.test")
    client = Client()
    sso_sign_in(client, sso, "bea@northwind.test")
    person.refresh_from_db()
    assert person.user is not None
    assert signed_in_as(client) == person.user
    assert person.user.name == "Bea Lane"
    assert not person.user.has_usable_password()
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_LINKED, target_id=str(person.public_id)).exists()


@pytest.mark.parametrize(
    ("case", "reason", "says"),
    [
        ("unknown_person", "unknown_person", "is not in Northwind Test's directory"),
        ("unverified_email", "unverified_email", "has not verified"),
        ("wrong_domain", "wrong_domain", "signs in addresses at northwind.test only"),
        ("another_organisations_person", "unknown_person", "is not in Northwind Test's directory"),
        ("login_used_in_another_organisation", "login_used_elsewhere", "also used outside Northwind Test"),
        ("staff_login", "login_used_elsewhere", "also used outside Northwind Test"),
        ("person_linked_to_another_login", "identity_linked_elsewhere", "already linked to another login"),
        ("login_with_another_identity", "login_linked_to_another_identity", "already linked to another identity"),
        ("address_of_another_login", "address_is_another_login", "not linked to your directory entry"),
    ],
)
def test_it_refuses_what_the_linking_rules_forbid_saying_why(
    idp: IdentityProvider, sso: SingleSignOn, northwind: Organisation, cast: Cast, case: str, reason: str, says: str
) -> None:
    email = "cat@northwind.test"
    if case == "unknown_person":
        idp.add_person(email)
    elif case == "unverified_email":
        PersonFactory.create(organisation=northwind, user=UserFactory.create(email=email), email=email)
        idp.add_person(email, email_verified=False)
    elif case == "wrong_domain":
        email = "cat@elsewhere.test"
        PersonFactory.create(organisation=northwind, user=UserFactory.create(email=email), email=email)
        idp.add_person(email)
    elif case == "another_organisations_person":
        # The identity provider knows them, but their directory entry is another organisation's.
        PersonFactory.create(organisation=cast.org_b, user=UserFactory.create(email=email), email=email)
        idp.add_person(email)
    elif case == "login_used_in_another_organisation":
        user = UserFactory.create(email=email)
        PersonFactory.create(organisation=northwind, user=user, email=email)
        PersonFactory.create(organisation=cast.org_b, user=user, email=email)
        idp.add_person(email)
    elif case == "staff_login":
        user = UserFactory.create(email=email, staff_roles=["administrator"])
        PersonFactory.create(organisation=northwind, user=user, email=email)
        idp.add_person(email)
    elif case == "person_linked_to_another_login":
        # The identity was linked to Dan's login; the directory entry for its address now belongs to another login.
        dan = UserFactory.create(email="dan@northwind.test")
        PersonFactory.create(organisation=northwind, user=dan, email="dan@northwind.test")
        subject = idp.add_person("dan@northwind.test")
        sso_sign_in(Client(), sso, "dan@northwind.test")
        PersonFactory.create(organisation=northwind, user=UserFactory.create(email=email), email=email)
        idp.add_person(email, sub=subject)
    elif case == "login_with_another_identity":
        user = UserFactory.create(email=email)
        PersonFactory.create(organisation=northwind, user=user, email=email)
        SocialAccount.objects.create(user=user, provider=sso.provider_id, uid="an-earlier-identity")
        idp.add_person(email)
    elif case == "address_of_another_login":
        UserFactory.create(email=email)
        PersonFactory.create(organisation=northwind, email=email)
        idp.add_person(email)
    before = set(User.objects.values_list("pk", flat=True))
    links = set(SocialAccount.objects.values_list("pk", flat=True))
    client = Client()
    response = sso_sign_in(client, sso, email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert signed_in_as(client) is None
    assert says in message_of(response)
    assert refusals()[-1] == reason
    # Nothing was created or linked on the way to the refusal.
    assert set(User.objects.values_list("pk", flat=True)) == before
    assert set(SocialAccount.objects.values_list("pk", flat=True)) == links
    page = client.get(reverse("account_login"))
    assert says in page.content.decode().replace("&#x27;", "'")


def test_a_provider_that_is_turned_off_signs_nobody_in(
    idp: IdentityProvider, sso: SingleSignOn, northwind: Organisation, cast: Cast
) -> None:
    sso_save(
        actor=cast.users["administrator"],
        organisation=northwind,
        data=SingleSignOnData(
            name=sso.name, issuer=sso.issuer, client_id=sso.client_id, domains=sso.domain_list, enabled=False, only=True
        ),
    )
    response = Client().post(reverse("openid_connect_login", kwargs={"provider_id": sso.provider_id}))
    assert response.status_code == 404
    sso.refresh_from_db()
    assert sso.only is False, "single sign-on only means nothing while sign-on is off"


def test_an_identity_provider_of_one_organisation_cannot_use_another_organisations_link(
    idp: IdentityProvider, sso: SingleSignOn, northwind: Organisation, cast: Cast
) -> None:
    """Both organisations use the same issuer (as two tenants of one cloud might not, but could): each has its own
    client, its own links, and reaches only its own directory."""
    southfield = cast.org_b
    other = configure(idp, southfield, actor=cast.users["administrator"], client_id="southfield")
    user = UserFactory.create(email="eve@northwind.test")
    PersonFactory.create(organisation=northwind, user=user, email="eve@northwind.test")
    idp.add_person("eve@northwind.test")
    client = Client()
    response = sso_sign_in(client, other, "eve@northwind.test")
    assert signed_in_as(client) is None
    assert "signs in addresses at northwind.test only" not in message_of(response)
    assert refusals()[-1] in {"wrong_domain", "unknown_person"}
    sso_sign_in(client, sso, "eve@northwind.test")
    assert signed_in_as(client) == user


def test_staff_single_sign_on_reaches_only_existing_staff_logins(idp: IdentityProvider, cast: Cast) -> None:
    staff_sso = configure(idp, None, actor=cast.users["administrator"], domains=("provider.test",))
    idp.add_person("designer@provider.test")
    idp.add_person("stranger@provider.test")
    client = Client()
    sso_sign_in(client, staff_sso, "designer@provider.test")
    assert signed_in_as(client) == cast.users["designer"]

    refused = Client()
    sso_sign_in(refused, staff_sso, "stranger@provider.test")
    assert signed_in_as(refused) is None
    assert refusals()[-1] == "not_staff"
    assert not User.objects.filter(email="stranger@provider.test").exists()


def test_single_sign_on_only_refuses_password_sign_in_and_reset(
    idp: IdentityProvider, cast: Cast, northwind: Organisation
) -> None:
    configure(idp, northwind, actor=cast.users["administrator"], only=True, domains=("org.test",))
    participant = cast.users["a_participant"]
    response = Client().post(reverse("account_login"), {"login": participant.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "You sign in with Northwind ID only" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SSO_PASSWORD_REFUSED, target_id=str(participant.public_id))

    # Organisation B's participant shares the domain in the cast but not the organisation: their password works.
    other = Client()
    response = other.post(
        reverse("account_login"), {"login": cast.users["b_participant"].email, "password": TEST_PASSWORD}
    )
    assert signed_in_as(other) == cast.users["b_participant"]

    reset = Client().post(reverse("account_reset_password"), {"email": participant.email})
    assert "sign in with Northwind ID only, so there is no password to reset" in reset.content.decode()
    assert mail.outbox == []


def test_a_login_covered_by_single_sign_on_only_is_sent_no_reset_whatever_its_address(
    idp: IdentityProvider, cast: Cast, northwind: Organisation
) -> None:
    configure(idp, northwind, actor=cast.users["administrator"], only=True, domains=("northwind.test",))
    participant = cast.users["a_participant"]  # signs in as …@org.test, not a Northwind domain
    response = Client().post(reverse("account_reset_password"), {"email": participant.email})
    assert response.status_code == 302
    # Told at their own address to use the button; no reset link.
    (sent,) = mail.outbox
    assert sent.to == [participant.email]
    assert "You sign in with Northwind ID only" in sent.body
    assert "/password/reset/key/" not in sent.body
    # Staff are not covered by an organisation's policy.
    Client().post(reverse("account_reset_password"), {"email": cast.users["designer"].email})
    assert len(mail.outbox) == 2
    assert "/password/reset/key/" in mail.outbox[1].body


def test_staff_single_sign_on_only_refuses_staff_passwords(idp: IdentityProvider, cast: Cast) -> None:
    configure(idp, None, actor=cast.users["administrator"], domains=("provider.test",), only=True)
    response = Client().post(reverse("account_login"), {"login": "designer@provider.test", "password": TEST_PASSWORD})
    assert "You sign in with Provider ID only" in response.content.decode()


def test_a_sign_in_through_single_sign_on_counts_as_the_identity_providers_second_factor(
    idp: IdentityProvider, sso: SingleSignOn, cast: Cast, northwind: Organisation
) -> None:
    northwind.require_two_factor_for_admins_and_sponsors = True
    northwind.save()
    admin = cast.users["a_admin"]
    Person.objects.filter(user=admin).update(email="admin@northwind.test")
    idp.add_person("admin@northwind.test")
    held = cast.client("a_admin")
    assert held.get(reverse("core:home"))["Location"] == reverse("accounts:two_factor_required")

    client = Client()
    sso_sign_in(client, sso, "admin@northwind.test")
    assert signed_in_as(client) == admin
    assert client.get(reverse("core:home")).status_code == 200
    assert not Authenticator.objects.filter(user=admin).exists()


def test_the_secret_is_stored_encrypted_and_shown_only_by_its_last_characters(
    idp: IdentityProvider, sso: SingleSignOn
) -> None:
    secret = idp.clients["actionset"].secret
    assert secret not in sso.secret_encrypted
    assert sso.secret == secret
    assert sso.secret_hint == "••••" + secret[-4:]
    audit = AuditEvent.objects.get(action=AuditAction.SSO_CONFIGURED)
    assert "secret" in audit.detail["changed"]
    assert secret not in str(audit.detail)


def test_an_empty_secret_keeps_the_stored_one(sso: SingleSignOn, cast: Cast, northwind: Organisation) -> None:
    stored = sso.secret
    sso_save(
        actor=cast.users["administrator"],
        organisation=northwind,
        data=SingleSignOnData(
            name="Renamed",
            issuer=sso.issuer,
            client_id=sso.client_id,
            domains=sso.domain_list,
            enabled=True,
            only=False,
        ),
    )
    sso.refresh_from_db()
    assert (sso.name, sso.secret) == ("Renamed", stored)
    latest = AuditEvent.objects.filter(action=AuditAction.SSO_CONFIGURED).latest("pk")
    assert latest.detail["changed"] == ["name"]


def test_testing_the_connection_reads_discovery_and_keys_in_the_worker(
    idp: IdentityProvider, sso: SingleSignOn
) -> None:
    sso_check.call(sso.pk)
    sso.refresh_from_db()
    assert sso.check_ok is True, sso.check_message

    sso.issuer = idp.issuer + "/tenant"
    sso.save()
    sso_check.call(sso.pk)
    sso.refresh_from_db()
    assert sso.check_ok is False
    assert "Could not read" in sso.check_message


def test_a_person_cannot_be_linked_to_an_identity_by_hand(idp: IdentityProvider, sso: SingleSignOn, cast: Cast) -> None:
    """allauth's "connect" process would link whichever identity comes back to the signed-in login."""
    client = cast.client("a_participant")
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": sso.provider_id}), {"process": "connect"}
    )
    idp.add_person("anyone@northwind.test")
    back = requests.post(start["Location"], data={"email": "anyone@northwind.test"}, allow_redirects=False, timeout=10)
    callback = urlparse(back.headers["Location"])
    client.get(callback.path, {k: v[0] for k, v in parse_qs(callback.query).items()})
    assert not SocialAccount.objects.exists()
    assert refusals()[-1] == "not_a_sign_in"


def test_an_unknown_organisation_has_no_provider(cast: Cast) -> None:
    OrganisationFactory.create()
    assert Client().post(reverse("openid_connect_login", kwargs={"provider_id": "sso-nonsense"})).status_code == 404


def test_an_authenticator_app_set_up_here_is_still_asked_for_after_single_sign_on(
    idp: IdentityProvider, sso: SingleSignOn, northwind: Organisation
) -> None:
    user = UserFactory.create(email="fay@northwind.test")
    PersonFactory.create(organisation=northwind, user=user, email="fay@northwind.test")
    TOTP.activate(user, generate_totp_secret())
    idp.add_person("fay@northwind.test")
    client = Client()
    response = sso_sign_in(client, sso, "fay@northwind.test")
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None


def test_a_stored_secret_still_opens_after_the_secret_key_is_rotated(sso: SingleSignOn, settings: Any) -> None:
    secret = sso.secret
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-for-the-rotation-test-only"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert SingleSignOn.objects.get(pk=sso.pk).secret == secret
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(InvalidToken):
        _ = SingleSignOn.objects.get(pk=sso.pk).secret


def test_an_invitation_to_an_organisation_with_single_sign_on_only_offers_the_button_not_a_password(
    idp: IdentityProvider, cast: Cast, northwind: Organisation
) -> None:
    sso = configure(idp, northwind, actor=cast.users["administrator"], only=True)
    person = PersonFactory.create(organisation=northwind, email="gil@northwind.test")
    token, token_hash = Invitation.new_token()
    Invitation.objects.create(
        email=person.email,
        organisation=northwind,
        person=person,
        token_hash=token_hash,
        expires_at=Invitation.default_expiry(),
    )
    client = Client()
    url = reverse("accounts:invitation", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert "Sign in with Northwind ID" in page
    assert 'type="password"' not in page
    client.post(url, {"name": "Gil", "password1": "a-long-new-password", "password2": "a-long-new-password"})
    assert not User.objects.filter(email="gil@northwind.test").exists()

    idp.add_person("gil@northwind.test")
    sso_sign_in(client, sso, "gil@northwind.test")
    person.refresh_from_db()
    assert signed_in_as(client) == person.user
