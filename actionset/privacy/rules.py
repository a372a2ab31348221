"""Access rules for people's data rights (see actionset.core.access).

Anyone signed in asks for their own data and downloads the archives they asked for (nobody else's: 404). Acting on
someone else's data — an archive on their request, a legal hold, erasure, handing a leaver's work over — and the
retention schedule are for the provider's administrators: other staff are refused (403), client people told nothing.
"""

from __future__ import annotations

from django.db.models import Q

from actionset.core.access import ADMINISTRATOR, Predicate, Rule, register_rules, signed_in, staff

#: The archive's asker: the person themselves, or the administrator who asked on their behalf.
asked_for_it = Predicate(
    "asked_for_it",
    lambda actor, export: actor.is_authenticated and export.requested_by_id == actor.user.pk,
    lambda actor, model: Q(requested_by=actor.user) if actor.is_authenticated else False,
)

register_rules(
    {
        "privacy.own": Rule("See what is held about oneself and ask for a copy of it", signed_in, signed_in),
        "privacy.export": Rule("Download an archive one asked for", asked_for_it, asked_for_it),
        "privacy.person": Rule(
            "Act on a person's data rights: a copy on their request, legal holds, erasure, a leaver's handover",
            staff(),
            staff(ADMINISTRATOR),
        ),
        "privacy.retention": Rule("Set how long each kind of data is kept", staff(), staff(ADMINISTRATOR)),
    }
)
