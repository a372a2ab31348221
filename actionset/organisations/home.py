"""The organisations app's part of the home page: who one works for, the provider at a glance, directories, clients."""

from __future__ import annotations

from django.db.models import Count, Q

from actionset.accounts.models import Invitation, User
from actionset.core.access import ORG_ADMIN, Actor, can, visible
from actionset.core.extensions import HomePanel
from actionset.organisations.models import Organisation, Person


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
    if can(actor, "provider.staff"):
        panels.append(
            HomePanel(
                "organisations/_home_provider.html",
                {
                    "organisations": visible(actor, "organisation.view", Organisation.objects.all()).count(),
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
        organisations = visible(actor, "organisation.view", Organisation.objects.order_by("name")).annotate(
            people_count=Count("people"), with_login=Count("people", filter=Q(people__user__isnull=False))
        )
        panels.append(HomePanel("organisations/_home_clients.html", {"organisations": organisations}, position=30))
    return panels
