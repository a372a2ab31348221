"""One's own account pages."""

from __future__ import annotations

from django.urls import reverse

from actionset.accounts.models import User
from conftest import Cast


def test_the_sign_in_address_cannot_be_added_to_or_changed_by_its_owner(cast: Cast) -> None:
    client = cast.client("a_participant")
    # The address allauth would manage answers with our page, which explains who changes it.
    url = reverse("account_email")
    assert url == reverse("accounts:email")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "cannot be changed here" in body
    assert cast.org_a.name in body
    before = cast.users["a_participant"].email
    response = client.post(url, {"action_add": "", "email": "elsewhere@example.org"})
    assert response.status_code == 200
    assert User.objects.get(pk=cast.users["a_participant"].pk).email == before
    assert not User.objects.filter(emailaddress__email="elsewhere@example.org").exists()
