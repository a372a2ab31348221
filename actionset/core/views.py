from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from actionset.core import extensions
from actionset.core.access import Actor, access, actor_for, can
from actionset.core.audit import AuditAction
from actionset.core.extensions import HomePanel
from actionset.core.models import AuditEvent


@access("public")
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in home page: the panels the apps contribute for this person. Visitors get the public home page."""
    actor = actor_for(request)
    if not actor.is_authenticated:
        public_home = extensions.public_home()
        return public_home(request) if public_home else redirect_to_login(request.get_full_path())
    panels = extensions.home_panels(actor)
    return render(
        request,
        "core/home.html",
        {
            "heading_panels": [p for p in panels if p.region == "heading"],
            "panels": [p for p in panels if p.region == "main"],
        },
    )


def home_panels(actor: Actor) -> list[HomePanel]:
    """The foundation's own panel: the latest entries of the audit log, for those who may read it."""
    if not can(actor, "provider.audit"):
        return []
    return [HomePanel("core/_home_recent.html", {"recent_events": AuditEvent.objects.recent()[:6]}, position=90)]


@access("provider.audit")
def audit(request: HttpRequest) -> HttpResponse:
    """The log, filtered by one kind of event or by words describing it ("address", "two-factor", "roles")."""
    events = AuditEvent.objects.recent()
    action = request.GET.get("action", "")
    words = request.GET.get("q", "").strip()
    if action:
        events = events.filter(action=action)
    if words:
        events = events.filter(action__in=[a.value for a in AuditAction.matching(words)])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    kinds = sorted(AuditAction, key=lambda a: str(a.label))
    labels = {a.value: a.label for a in AuditAction}
    for event in page.object_list:
        event.kind = labels.get(event.action, event.action)
    return render(request, "core/audit.html", {"page": page, "action": action, "words": words, "kinds": kinds})
