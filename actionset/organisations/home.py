"""The organisations app's part of the home page: who one works for, the provider at a glance, directories, clients."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from actionset.accounts.models import Invitation, User
from actionset.core.access import ORG_ADMIN, Actor, can, visible
from actionset.core.extensions import HomePanel
from actionset.organisations.models import Organisation, Person

#: Client organisations listed on a staff home page; the organisations page lists them all, a page at a time.
CLIENTS_ON_HOME = 10


def _counted(rows: QuerySet[Person, Any]) -> Coalesce:
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


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
    # Counted once for both staff panels (the provider at a glance, and the clients list's total).
    organisations = (
        visible(actor, "organisation.view", Organisation.objects.all()).count() if actor.is_provider_staff else 0
    )
    if can(actor, "provider.staff"):
        panels.append(
            HomePanel(
                "organisations/_home_provider.html",
                {
                    "organisations": organisations,
                    "people": visible(actor, "people.view", Person.objects.all()).count(),
                    "staff": User.objects.filter(staff_roles__isnull=False).distinct().count(),
                    "pending_invitations": Invitation.objects.pending().count(),
                },
                position=10,
            )
        )
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
    if actor.is_provider_staff:
        # The first clients by name, each directory counted by subqueries of its own; the list page has them all.
        clients = visible(actor, "organisation.view", Organisation.objects.order_by("name", "pk"))
        people = Person.objects.filter(organisation=OuterRef("pk")).order_by().values("organisation")
        shown = clients.annotate(people_count=_counted(people), with_login=_counted(people.filter(user__isnull=False)))[
            :CLIENTS_ON_HOME
        ]
        context = {"organisations": list(shown), "total": organisations}
        panels.append(HomePanel("organisations/_home_clients.html", context, position=30))
    return panels
