"""The pages a fresh install starts with, in the provider's own name: a home page and the privacy notice.

`manage.py bootstrap` creates each one that does not exist yet and never touches a page staff have since written,
so it is safe to run again. The privacy notice states the periods `site_prune` keeps to (see site.services).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from actionset.organisations.models import Provider
from actionset.site.models import Page
from actionset.site.services import KEEP_ENQUIRY, KEEP_HELD, KEEP_NETWORK_ADDRESS, page_save


@dataclass(frozen=True)
class StarterPage:
    kind: str
    slug: str
    title: str
    description: str
    body: str
    position: int


def _home(provider: Provider) -> StarterPage:
    body = _(
        "## Learning from the work itself\n\n"
        "%(name)s designs and runs action learning: small groups of colleagues, called **sets**, who meet over "
        "several months to work on real problems they own, helping each other mainly by asking questions rather "
        "than giving advice.\n\n"
        "What a set discusses stays in the set. What it chooses to share comes to the people who lead the "
        "organisation, who answer it.\n\n"
        "[Tell us about your challenge](/get-in-touch/) and we will be in touch."
    ) % {"name": provider.name}
    return StarterPage(
        Page.Kind.HOME,
        "home",
        _("Real problems, worked on together"),
        _("%(name)s: action learning programmes for organisations.") % {"name": provider.name},
        body,
        0,
    )


def _privacy(provider: Provider) -> StarterPage:
    contact = (
        _("write to us at [%(email)s](mailto:%(email)s)") % {"email": provider.contact_email}
        if provider.contact_email
        else _("reply to any email from us")
    )
    body = _(
        "This notice explains what %(name)s does with the details you give us on this website.\n\n"
        "## Enquiries\n\n"
        "When you send an enquiry we keep what you wrote, your name, role, organisation, email address and, if you "
        "gave it, your phone number. We use them only to reply to you and to talk with you about a possible "
        "programme. We also note the network (IP) address your enquiry came from, and use it only to limit "
        "automated spam; we delete it after %(address_days)d days. An enquiry held back as possible spam that "
        "nobody releases is deleted after %(held_days)d days.\n\n"
        "We keep enquiry details for %(keep_years)d years after our last contact with you, then delete them, unless "
        "you become a client, in which case our contract with your organisation says what we keep.\n\n"
        "## Your rights\n\n"
        "You can ask us to see, correct or delete the details we hold about you at any time: %(contact)s.\n\n"
        "## Cookies\n\n"
        "This website sets no tracking or advertising cookies. The only cookies are the ones that make forms work "
        "safely and keep people who work with us signed in."
    ) % {
        "name": provider.name,
        "address_days": KEEP_NETWORK_ADDRESS.days,
        "held_days": KEEP_HELD.days,
        "keep_years": KEEP_ENQUIRY.days // 365,
        "contact": contact,
    }
    return StarterPage(
        Page.Kind.PAGE,
        "privacy",
        _("Privacy notice"),
        _("What %(name)s does with the details you give on this website, how long we keep them, and your rights.")
        % {"name": provider.name},
        body,
        90,
    )


def starter_pages_create(*, provider: Provider) -> list[Page]:
    """Create and publish each starter page whose address is still free; return those created."""
    created = []
    for starter in (_home(provider), _privacy(provider)):
        if Page.objects.filter(slug=starter.slug).exists():
            continue
        if starter.kind == Page.Kind.HOME and Page.objects.filter(kind=Page.Kind.HOME).exists():
            continue
        data = {
            "kind": starter.kind,
            "slug": starter.slug,
            "title": starter.title,
            "description": starter.description,
            "body": starter.body,
            "in_navigation": False,
            "position": starter.position,
        }
        created.append(page_save(actor=None, data=data, publish=True))
    return created
