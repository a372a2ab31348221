"""The public site's menu, built from the pages staff put in it (no code change to add one)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

from actionset.site.models import Page

register = template.Library()


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    #: aria-current: "page" for the page itself, "true" for the section a case study or resource sits in.
    current: str = ""


def _reversed(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@register.simple_tag
def public_menu(path: str = "") -> list[Link]:
    """The menu, with the entry for the page shown (or the section it is in) marked current."""
    links = [
        Link(p.title, p.get_absolute_url())
        for p in Page.objects.published().filter(kind=Page.Kind.PAGE, in_navigation=True).only("title", "slug", "kind")
    ]
    training = _reversed("training:catalogue")
    if training:
        links.append(Link("Training", training))
    links.append(Link("Case studies", reverse("site:case_studies")))
    links.append(Link("Resources", reverse("site:resources")))
    return [
        Link(link.label, link.url, "page" if path == link.url else "true" if path.startswith(link.url) else "")
        for link in links
    ]


@register.simple_tag
def training_catalogue_url() -> str | None:
    return _reversed("training:catalogue")
