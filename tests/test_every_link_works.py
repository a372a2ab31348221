"""Every link a person is shown leads somewhere they may go.

The access matrix proves what each role may reach by URL; this walks the demo world as each demo login (and as
an anonymous visitor) the way a person would — by following the links on the pages they see — and fails on any link
that answers 403, 404 or an error. A link someone may not follow is a dead end in the interface even when access
control is right, and a page that errors on real-looking data is a bug the narrower tests can miss.
"""

from __future__ import annotations

from collections import Counter, deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from actionset.accounts.models import User
from actionset.core.demo import DEMO_LOGINS

#: Pages per person: enough to reach every kind of page from a home page, few enough to keep the test quick.
PAGES_PER_PERSON = 400
#: Pages of one kind (one URL pattern) per person. A designer is shown a hundred people's edit pages, all one view
#: and one template; ten of them, with different people, check that kind as well as a hundred do. Measured on the
#: demo world: the walk then reaches every kind of page the unbounded walk reached (designer 70, administrator 75)
#: in about 55 % of the requests. Fewer than ten lost kinds reached only from particular objects (converting an
#: enquiry, a deactivated person's recovery), so ten is the floor, not a tuning knob.
PAGES_PER_KIND = 10
#: Links that are not pages to walk: static files, the admin (Django's own), sign-out (a form) and downloads whose
#: content other tests check (they are still requested once each, below, for their status).
SKIP_PREFIXES = ("/static/", "/admin/", "/accounts/logout/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _internal_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href, _ = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue  # another site, mailto:, or a fragment on the same page
        if href.startswith(SKIP_PREFIXES):
            continue
        found.append(href)
    return found


def _get(client: Client, url: str) -> tuple[str, Any]:
    """GET, following redirects within the site; (final URL, response), or (url, None) when it leaves the site."""
    for _ in range(5):
        response = client.get(url)
        if response.status_code not in (301, 302, 303, 307, 308):
            return url, response
        location = response["Location"]
        parts = urlsplit(location)
        if parts.netloc and parts.netloc != "testserver":
            return url, None
        url = parts.path + (f"?{parts.query}" if parts.query else "")
    return url, response


def _kind(url: str) -> str:
    """The URL pattern a link resolves to; a link that resolves to nothing is a kind of its own (and walked)."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return url
    return f"{match.view_name} {match.route}"


def _walk(client: Client) -> tuple[int, list[str]]:
    """Breadth-first from the home page; returns pages visited and every broken link as 'from → to: status'."""
    seen: set[str] = {"/"}
    kinds: Counter[str] = Counter({_kind("/"): 1})
    queue: deque[tuple[str, str]] = deque([("(start)", "/")])
    broken: list[str] = []
    visited = 0
    while queue and visited < PAGES_PER_PERSON:
        source, url = queue.popleft()
        visited += 1
        page, response = _get(client, url)
        if response is None:
            continue  # redirected to another site (a resource hosted elsewhere)
        if response.status_code != 200:
            broken.append(f"{source} → {url}: {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _internal_links(response.content.decode()):
            if link not in seen and kinds[_kind(link)] < PAGES_PER_KIND:
                seen.add(link)
                kinds[_kind(link)] += 1
                queue.append((page, link))
    return visited, broken


# One test per person, so that the suite's workers share the walk; the demo world is built once per worker.
@pytest.mark.parametrize("email", ["anonymous", *DEMO_LOGINS])
def test_every_link_each_demo_person_is_shown_works_for_them(demo_world: None, settings: Any, email: str) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    if email != "anonymous":
        client.force_login(User.objects.get(email=email))
    walked, broken = _walk(client)
    problems = [f"{email}: {b}" for b in broken]
    assert problems == [], "\n".join(problems)
    # The walk must really have gone somewhere: every person reaches pages beyond their home page.
    assert walked > 3, walked
