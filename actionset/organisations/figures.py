"""The counts staff pages show of every client's directory, kept until a row they count changes (core/kept.py).

The provider's figures at a glance, the clients panel on a staff home page and the organisations list count the
people of every client organisation: at 100,000 people that was PostgreSQL's largest part of those pages (50 to 73 ms
of a staff home page), read again on each of them though directories change a few times a day. They are now counted
once for each change: any save or delete of an organisation, a directory entry, an invitation or a staff role makes
them be counted afresh at the next page, and so does deleting a login (its directory entries lose their link to it
without a signal of their own). Services that change those rows in bulk call `FIGURES.changed()`; an invitation
passing its expiry date shows within `FIGURES.seconds`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Q

from actionset.accounts.models import Invitation, User
from actionset.core.access import Actor, visible
from actionset.core.kept import Kept, actor_key
from actionset.organisations.models import Organisation, Person, StaffRole

FIGURES = Kept("directory-figures")
DIRECTORY_COUNTS = "directory-counts"
FIGURES.read_from(Organisation, Person, Invitation, StaffRole)
FIGURES.deleted_from(User)


def _count_directories() -> dict[int, tuple[int, int]]:
    rows = (
        Person.objects.order_by()
        .values("organisation")
        .annotate(people=Count("pk"), with_login=Count("pk", filter=Q(user__isnull=False)))
        .values_list("organisation", "people", "with_login")
    )
    return {organisation: (people, with_login) for organisation, people, with_login in rows}


def directory_counts() -> dict[int, tuple[int, int]]:
    """Each organisation's directory: {organisation id: (people, people with a login)}. Not filtered by who asks:
    callers show the counts of organisations the asker may see, which is what they showed before."""
    return FIGURES.get(DIRECTORY_COUNTS, _count_directories)


def organisation_stats(organisation: Organisation) -> dict[str, int]:
    """One organisation's directory at a glance: people, people with a login, departments and sites. The same for
    everyone who may see the organisation's page, so kept per organisation."""

    def count() -> dict[str, int]:
        return organisation.people.aggregate(
            total=Count("id"),
            with_login=Count("id", filter=Q(user__isnull=False)),
            departments=Count("department", distinct=True),
            sites=Count("site", distinct=True),
        )

    return FIGURES.get(f"organisation:{organisation.pk}", count)


def _count_for(actor: Actor) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        return {
            "organisations": visible(actor, "organisation.view", Organisation.objects.all()).count(),
            "people": visible(actor, "people.view", Person.objects.all()).count(),
            "staff": User.objects.filter(staff_roles__isnull=False).distinct().count(),
            "pending_invitations": Invitation.objects.pending().count(),
        }

    return count


def staff_home_figures(actor: Actor) -> tuple[dict[str, int], dict[int, tuple[int, int]]]:
    """For a staff home page, in one cache read: the provider at a glance as `actor` may see it (their own, kept
    under their login and roles) and every directory's counts (`directory_counts`)."""
    mine = f"provider:{actor_key(actor)}"
    found = FIGURES.get_many({mine: _count_for(actor), DIRECTORY_COUNTS: _count_directories})
    return found[mine], found[DIRECTORY_COUNTS]


def with_directory_counts(
    organisations: list[Organisation], counts: dict[int, tuple[int, int]] | None = None
) -> list[Organisation]:
    """`organisations`, each given `people_count` and `with_login` from the kept counts."""
    counts = directory_counts() if counts is None else counts
    for organisation in organisations:
        people, with_login = counts.get(organisation.pk, (0, 0))
        # As the annotations they replace were set: attributes of the row, for the templates.
        setattr(organisation, "people_count", people)  # noqa: B010
        setattr(organisation, "with_login", with_login)  # noqa: B010
    return organisations
