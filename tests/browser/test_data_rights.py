"""People's data rights in the browser: a participant downloads their data; an administrator finds a person at the
privacy desk, sees what erasure and a handover would do, and changes the retention schedule."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from playwright.sync_api import expect

from actionset.privacy import services
from actionset.privacy.models import DataExport
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in


def test_a_participant_asks_for_their_data_and_downloads_it(demo_world: None, new_page: Any) -> None:
    page = new_page()
    sign_in(page, "participant@northwind.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Your data").click()
    page.get_by_role("button", name="Prepare a copy of my data").click()
    expect(page.get_by_text("We are gathering your data")).to_be_visible()
    # The worker's part, done here: the live server queues the build in the database.
    for export in DataExport.objects.filter(status=DataExport.Status.WAITING):
        services.export_build(export_id=export.pk)
    page.reload()
    screenshot(page, "data-rights-mine")
    assert serious_accessibility_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        assert {"data.json", "index.html"} <= set(archive.namelist())
        readable = archive.read("index.html").decode()
    assert "What we hold about" in readable
    document = new_page()
    document.set_content(readable)
    screenshot(document, "data-rights-archive")
    phone = new_page(PHONE)
    sign_in(phone, "participant@northwind.example")
    phone.goto("/data-rights/")
    screenshot(phone, "data-rights-mine-phone")


def test_an_administrator_uses_the_privacy_desk(demo_world: None, new_page: Any) -> None:
    page = new_page()
    sign_in(page, "admin@provider.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Privacy").click()
    page.get_by_label("Name or email").fill("participant@northwind")
    page.get_by_role("button", name="Search").click()
    screenshot(page, "data-rights-desk")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("main").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Erasure")).to_be_visible()
    screenshot(page, "data-rights-person")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Hand over and deactivate").click()
    screenshot(page, "data-rights-leave")
    assert serious_accessibility_violations(page) == []
    page.go_back()
    page.get_by_role("link", name="Erase their data").click()
    screenshot(page, "data-rights-erase")
    assert serious_accessibility_violations(page) == []
    # Deactivating a facilitator from the staff list says what they still hold and offers the handover.
    page.goto("/provider/staff/")
    page.get_by_role("link", name="Deactivate Rachel Finch").click()
    expect(page.get_by_text("still holds open work")).to_be_visible()
    screenshot(page, "data-rights-deactivate-open-work")
    assert serious_accessibility_violations(page) == []
    page.goto("/data-rights/retention/")
    screenshot(page, "data-rights-retention")
    assert serious_accessibility_violations(page) == []
    phone = new_page(PHONE)
    sign_in(phone, "admin@provider.example")
    phone.goto(page.url.replace("retention/", "desk/?q=northwind"))
    screenshot(phone, "data-rights-desk-phone")
    phone.goto("/data-rights/retention/")
    screenshot(phone, "data-rights-retention-phone")
