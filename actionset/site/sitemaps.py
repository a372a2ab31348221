"""sitemap.xml: the public pages a search engine should know, with when each last changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from actionset.site.models import Page


class PageSitemap(Sitemap[Page]):
    def items(self) -> QuerySet[Page]:
        return Page.objects.published().order_by("kind", "position", "slug")

    def lastmod(self, item: Page) -> datetime:
        return item.updated_at

    def priority(self, item: Page) -> float:
        return 1.0 if item.kind == Page.Kind.HOME else 0.6


class ListingSitemap(Sitemap[str]):
    priority = 0.5

    def items(self) -> list[str]:
        names = ["site:case_studies", "site:resources", "site:testimonials", "site:enquire", "training:catalogue"]
        found = []
        for name in names:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            found.append(name)
        return found

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {"pages": PageSitemap, "listings": ListingSitemap}
