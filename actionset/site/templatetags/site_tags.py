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


def _reversed(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@register.simple_tag
def public_menu() -> list[Link]:
    links = [
        Link(p.title, p.get_absolute_url())
        for p in Page.objects.published().filter(kind=Page.Kind.PAGE, in_navigation=True).only("title", "slug", "kind")
    ]
    training = _reversed("training:catalogue")
    if training:
        links.append(Link("Training", training))
    links.append(Link("Case studies", reverse("site:case_studies")))
    links.append(Link("Resources", reverse("site:resources")))
    return links


@register.simple_tag
def training_catalogue_url() -> str | None:
    return _reversed("training:catalogue")
