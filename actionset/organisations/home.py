"""The organisations app's part of the home page: who one works for, the provider at a glance, directories, clients."""

from __future__ import annotations

from django.db.models import Count, Q

from actionset.core.access import ORG_ADMIN, Actor, can, visible
from actionset.core.extensions import HomePanel
from actionset.organisations.figures import staff_home_figures, with_directory_counts
from actionset.organisations.models import Organisation, Person

#: Client organisations listed on a staff home page; the organisations page lists them all, a page at a time.
CLIENTS_ON_HOME = 10


def home_panels(actor: Actor) -> list[HomePanel]:
    memberships = list(
        Person.objects.filter(user=actor.user).select_related("organisation").order_by("organisation__name")
    )
    panels = [
        HomePanel(
            "organisations/_home_lede.html",
            {"staff": actor.is_provider_staff, "organisations": [m.organisation for m in memberships]},
            region="heading",
        )
    ]
    # Counted once for both staff panels (the provider at a glance, and the clients list's total), and kept until a
    # row they count changes (organisations/figures.py).
    figures, counts = staff_home_figures(actor) if actor.is_provider_staff else (None, None)
    if figures is not None and can(actor, "provider.staff"):
        panels.append(HomePanel("organisations/_home_provider.html", dict(figures), position=10))
    admin_orgs = [m.organisation for m in memberships if actor.has_organisation_role(m.organisation, ORG_ADMIN)]
    if admin_orgs:
        directory = visible(actor, "people.view", Person.objects.filter(organisation__in=admin_orgs))
        stats = {
            row.pop("organisation"): row
            for row in directory.order_by()
            .values("organisation")
            .annotate(
                total=Count("id"),
                with_login=Count("id", filter=Q(user__isnull=False)),
                without_manager=Count("id", filter=Q(line_manager__isnull=True)),
            )
        }
        panels.extend(
            HomePanel(
                "organisations/_home_directory.html", {"organisation": org, "stats": stats.get(org.pk)}, position=22
            )
            for org in admin_orgs
        )
    if figures is not None:
        # The first clients by name, with their directories' kept counts; the list page has them all.
        clients = visible(actor, "organisation.view", Organisation.objects.order_by("name", "pk"))
        shown = with_directory_counts(list(clients.only("public_id", "name", "sector")[:CLIENTS_ON_HOME]), counts)
        context = {"organisations": shown, "total": figures["organisations"]}
        panels.append(HomePanel("organisations/_home_clients.html", context, position=30))
    return panels
