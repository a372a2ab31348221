"""The programmes app's part of the home page: programmes one is joining, designing, overseeing or sponsoring."""

from __future__ import annotations

from actionset.core.access import DESIGNER, ORG_ADMIN, SPONSOR, Actor, visible
from actionset.core.extensions import HomePanel
from actionset.organisations.models import Person
from actionset.programmes.models import Programme


def home_panels(actor: Actor) -> list[HomePanel]:
    panels: list[HomePanel] = []
    # The login's roles are already read for this request: one in no organisation's directory is enrolled nowhere,
    # and only organisation admins and sponsors have programmes listed by organisation.
    in_directory = actor.organisation_roles
    joining = Programme.objects.filter(published_at__isnull=True).exclude(status=Programme.Status.CLOSED)
    joining_list = (
        list(visible(actor, "programme.own_enrolment", joining.select_related("organisation"))) if in_directory else []
    )
    if joining_list:
        panels.append(HomePanel("programmes/_home_joining.html", {"joining": joining_list}, position=14))
    open_programmes = Programme.objects.for_listing().exclude(status=Programme.Status.CLOSED)
    if actor.has_staff_role(DESIGNER):
        designing = visible(actor, "programme.design", open_programmes.filter(designer=actor.user))
        panels.append(
            HomePanel("programmes/_home_designing.html", {"designing": designing.order_by("-updated_at")[:8]}, 18)
        )
    if not any(ORG_ADMIN in roles or SPONSOR in roles for roles in in_directory.values()):
        return panels
    memberships = Person.objects.filter(user=actor.user).select_related("organisation").order_by("organisation__name")
    admin_orgs = [m.organisation for m in memberships if actor.has_organisation_role(m.organisation, ORG_ADMIN)]
    sponsor_orgs = [m.organisation for m in memberships if actor.has_organisation_role(m.organisation, SPONSOR)]
    if admin_orgs:
        overseen = list(
            visible(actor, "programme.view", open_programmes.filter(organisation__in=admin_orgs)).order_by("title")
        )
        for org in admin_orgs:
            at_org = [p for p in overseen if p.organisation_id == org.pk]
            if at_org:
                panels.append(
                    HomePanel("programmes/_home_organisation.html", {"organisation": org, "programmes": at_org}, 24)
                )
    if sponsor_orgs:
        # As before: every programme one sponsors is listed under each organisation one sponsors at.
        sponsoring = list(
            visible(actor, "programme.view", open_programmes.filter(sponsors__user=actor.user)).order_by("title")
        )
        panels.extend(
            HomePanel("programmes/_home_sponsoring.html", {"organisation": org, "programmes": sponsoring}, 26)
            for org in sponsor_orgs
        )
    return panels
