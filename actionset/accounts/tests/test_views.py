"""One's own account pages."""

from __future__ import annotations

from django.urls import reverse

from actionset.accounts.models import User
from conftest import Cast
from tests.factories import TEST_PASSWORD


def test_allauths_page_for_addresses_is_ours_and_adds_no_second_address(cast: Cast) -> None:
    client = cast.client("a_participant")
    # The address allauth would manage answers with our page, where one changes one's own address by a link.
    url = reverse("account_email")
    assert url == reverse("accounts:email")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "a_participant@org.test" in body
    assert cast.org_a.name in body
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    before = cast.users["a_participant"].email
    response = client.post(url, {"action_add": "", "email": "elsewhere@example.org"})
    assert response.status_code == 200  # allauth's form is not ours: nothing to act on
    assert User.objects.get(pk=cast.users["a_participant"].pk).email == before
    assert not User.objects.filter(emailaddress__email="elsewhere@example.org").exists()
