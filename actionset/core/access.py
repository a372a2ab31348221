"""Who may see and do what: the one place access is decided.

Every view of ours declares a rule with `@access("rule.name", load=...)`. The rule
answers two questions about the signed-in actor and the object the URL names:

* `sees` — may the actor know the object exists? If not: 404, exactly as if it did
  not exist, so that a member of another organisation learns nothing.
* `may` — may the actor do this to it? If not: 403.

A view without a declared rule is refused by `AccessMiddleware` (deny by default),
and the access matrix test fails for any URL nobody has classified.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from actionset.accounts.models import User
    from actionset.organisations.models import Organisation

ADMINISTRATOR = "administrator"
DESIGNER = "designer"
FACILITATOR = "facilitator"
DEVELOPER = "developer"
TRAINER = "trainer"
ORG_ADMIN = "admin"
SPONSOR = "sponsor"
PARTICIPANT = "participant"


class Actor:
    """The signed-in person as access rules see them: their roles, loaded once per request."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.is_active)

    @cached_property
    def staff_roles(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        from actionset.organisations.models import StaffRole

        return frozenset(StaffRole.objects.filter(user=self.user).values_list("role", flat=True))

    @cached_property
    def organisation_roles(self) -> dict[int, frozenset[str]]:
        """Organisation pk → the roles held there. Membership without a role still counts as membership."""
        if not self.is_authenticated:
            return {}
        from actionset.organisations.models import Person

        roles: dict[int, set[str]] = {}
        for org_id, role in Person.objects.filter(user=self.user).values_list("organisation_id", "roles__role"):
            roles.setdefault(org_id, set())
            if role:
                roles[org_id].add(role)
        return {k: frozenset(v) for k, v in roles.items()}

    @property
    def is_provider_staff(self) -> bool:
        return bool(self.staff_roles)

    def has_staff_role(self, *roles: str) -> bool:
        return bool(self.staff_roles.intersection(roles))

    def belongs_to(self, organisation: Organisation) -> bool:
        return organisation.pk in self.organisation_roles

    def has_organisation_role(self, organisation: Organisation, *roles: str) -> bool:
        return bool(self.organisation_roles.get(organisation.pk, frozenset()).intersection(roles))

    def relation_to_set(self, learning_set: Any) -> str | None:
        """ "facilitator", "member" or None, for a published set. Cached: a live page asks several rules per request."""
        cache: dict[int, str | None] = self.__dict__.setdefault("_set_relations", {})
        if learning_set.pk not in cache:
            relation = None
            if learning_set.programme.is_published:
                if learning_set.facilitators.filter(user=self.user).exists():
                    relation = "facilitator"
                elif learning_set.memberships.filter(
                    enrolment__person__user=self.user, enrolment__withdrawn_at__isnull=True
                ).exists():
                    relation = "member"
            cache[learning_set.pk] = relation
        return cache[learning_set.pk]

    def has_any_organisation_role(self, *roles: str) -> bool:
        return any(r.intersection(roles) for r in self.organisation_roles.values())


def _organisation_of(target: Any) -> Organisation:
    """The organisation an object belongs to, following its parents (meeting → set → programme → organisation)."""
    from actionset.organisations.models import Organisation

    while not isinstance(target, Organisation):
        for parent in ("organisation", "programme", "learning_set"):
            if hasattr(target, parent):
                target = getattr(target, parent)
                break
        else:
            raise TypeError(f"{type(target).__name__} has no organisation")
    return target


def _learning_set_of(target: Any) -> Any:
    from actionset.sets.models import LearningSet

    while not isinstance(target, LearningSet):
        target = target.learning_set
    return target


# --- predicates the rules are built from -------------------------------------------------


def anyone(actor: Actor, target: Any) -> bool:
    return True


def signed_in(actor: Actor, target: Any) -> bool:
    return actor.is_authenticated


def staff(*roles: str) -> Callable[[Actor, Any], bool]:
    """Provider staff holding any of `roles` (any staff role when none are named)."""

    def check(actor: Actor, target: Any) -> bool:
        return actor.has_staff_role(*roles) if roles else actor.is_provider_staff

    return check


def in_organisation(*roles: str) -> Callable[[Actor, Any], bool]:
    """People of the target's organisation holding any of `roles` (any member when none are named)."""

    def check(actor: Actor, target: Any) -> bool:
        organisation = _organisation_of(target)
        return actor.has_organisation_role(organisation, *roles) if roles else actor.belongs_to(organisation)

    return check


def in_set(actor: Actor, target: Any) -> bool:
    """A member or facilitator of the target's set, once the programme's sets are published."""
    if not actor.is_authenticated:
        return False
    relation = actor.relation_to_set(_learning_set_of(target))
    return relation in ("member", "facilitator")


def facilitates_set(actor: Actor, target: Any) -> bool:
    """A facilitator (or co-facilitator) of the target's set."""
    if not actor.is_authenticated:
        return False
    return actor.relation_to_set(_learning_set_of(target)) == "facilitator"


def enrolled(actor: Actor, target: Any) -> bool:
    """Enrolled (and not withdrawn) in the target programme."""
    if not actor.is_authenticated:
        return False
    return bool(target.enrolments.active().filter(person__user=actor.user).exists())


def either(*predicates: Callable[[Actor, Any], bool]) -> Callable[[Actor, Any], bool]:
    def check(actor: Actor, target: Any) -> bool:
        return any(p(actor, target) for p in predicates)

    return check


@dataclass(frozen=True)
class Rule:
    description: str
    sees: Callable[[Actor, Any], bool]
    may: Callable[[Actor, Any], bool]
    requires_login: bool = True


#: Anyone at the provider or in the organisation may know an organisation exists.
_knows_organisation = either(staff(), in_organisation())
_maintains_directory = either(staff(ADMINISTRATOR, DESIGNER), in_organisation(ORG_ADMIN))

RULES: dict[str, Rule] = {
    "public": Rule("Anyone, signed in or not", anyone, anyone, requires_login=False),
    "signed_in": Rule("Anyone signed in", signed_in, signed_in),
    "provider.audit": Rule("Read the audit log", staff(), staff(ADMINISTRATOR)),
    "provider.staff": Rule("Manage provider staff and their roles", staff(), staff(ADMINISTRATOR)),
    "organisations.list": Rule("List the organisations one can see", signed_in, signed_in),
    "organisations.create": Rule("Add a client organisation", staff(), staff(ADMINISTRATOR, DESIGNER)),
    "organisation.view": Rule(
        "See an organisation's overview",
        _knows_organisation,
        either(staff(), in_organisation(ORG_ADMIN, SPONSOR)),
    ),
    "organisation.edit": Rule("Edit an organisation's details", _knows_organisation, staff(ADMINISTRATOR, DESIGNER)),
    "people.view": Rule(
        "Read and export an organisation's people directory",
        _knows_organisation,
        either(staff(ADMINISTRATOR, DESIGNER, DEVELOPER), in_organisation(ORG_ADMIN)),
    ),
    "people.manage": Rule(
        "Add, edit, import and invite people in an organisation's directory",
        _knows_organisation,
        _maintains_directory,
    ),
    "programmes.list": Rule(
        "List programmes",
        signed_in,
        either(staff(), lambda actor, _: actor.has_any_organisation_role(ORG_ADMIN, SPONSOR)),
    ),
    "programme.create": Rule(
        "Design a new programme for an organisation", _knows_organisation, staff(ADMINISTRATOR, DESIGNER)
    ),
    "programme.view": Rule(
        "See a programme: its design, sets' names and schedule, attendance — never set content",
        _knows_organisation,
        either(staff(), in_organisation(ORG_ADMIN, SPONSOR)),
    ),
    "programme.design": Rule(
        "Change a programme's design, compose and publish its sets, assign facilitators, schedule meetings",
        _knows_organisation,
        staff(ADMINISTRATOR, DESIGNER),
    ),
    "programme.pool": Rule(
        "Enrol people in a programme and record their availability",
        _knows_organisation,
        either(staff(ADMINISTRATOR, DESIGNER), in_organisation(ORG_ADMIN)),
    ),
    "programme.own_enrolment": Rule(
        "Give one's own availability, and in confidence who one should not share a set with",
        _knows_organisation,
        enrolled,
    ),
    "programme.keep_apart": Rule(
        "Read and record who should not share a set (confidential to designers)",
        _knows_organisation,
        staff(DESIGNER),
    ),
    "set.view": Rule(
        "See a set's members, facilitators and meetings",
        _knows_organisation,
        either(in_set, staff(DESIGNER)),
    ),
    # The set tier: what is said and done in a set stays with its members and facilitators. Nobody else is even
    # told the meeting exists — not sponsors, not designers, not provider administrators.
    "meeting.content": Rule(
        "Take part in a set's meeting: the run sheet, contract, actions, airtime, process review",
        in_set,
        in_set,
    ),
    "meeting.facilitate": Rule(
        "Run a set's meeting: start, move between phases, time, end; record attendance",
        in_set,
        facilitates_set,
    ),
    "calendar.manage": Rule("Manage one's own calendar feed", signed_in, signed_in),
    "people.roles": Rule(
        "Change a person's organisation roles",
        _knows_organisation,
        either(staff(ADMINISTRATOR), in_organisation(ORG_ADMIN)),
    ),
}


def register_rules(rules: dict[str, Rule]) -> None:
    """Add an app's own rules to the one table. Apps call this from `<app>/rules.py`, imported by their
    AppConfig.ready(), so every rule is known before any view module is imported. A name may be declared once."""
    clash = set(rules) & set(RULES)
    if clash:
        raise ValueError(f"access rules declared twice: {sorted(clash)}")
    RULES.update(rules)


def rule(name: str) -> Rule:
    try:
        return RULES[name]
    except KeyError:
        raise LookupError(f"No access rule named {name!r}; declare it in RULES or an app's rules.py") from None


def can(actor: Actor, name: str, target: Any = None) -> bool:
    r = rule(name)
    if r.requires_login and not actor.is_authenticated:
        return False
    return r.sees(actor, target) and r.may(actor, target)


class LoginRequired(Exception):
    pass


def check(actor: Actor, name: str, target: Any = None) -> None:
    """Raise LoginRequired, Http404 or PermissionDenied unless `actor` may do `name` to `target`."""
    r = rule(name)
    if r.requires_login and not actor.is_authenticated:
        raise LoginRequired
    if not r.sees(actor, target):
        raise Http404
    if not r.may(actor, target):
        raise PermissionDenied


V = TypeVar("V", bound=Callable[..., HttpResponse])


def access(name: str, *, load: Callable[..., Any] | None = None) -> Callable[[V], V]:
    """Declare the rule a view needs.

    With `load`, the URL's keyword arguments are passed to `load`, which returns the
    target object (or raises Http404); the view is then called as `view(request, target)`.
    """
    rule(name)  # fail at import time for a misspelt rule

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = actor_for(request)
            target = None
            if load is not None:
                if RULES[name].requires_login and not actor.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                target = load(**kwargs)
            try:
                check(actor, name, target)
            except LoginRequired:
                return redirect_to_login(request.get_full_path())
            if load is not None:
                return view(request, target)
            return view(request, *args, **kwargs)

        wrapped.access_rule = name  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a request whose view's rule has already required a login."""
    from actionset.accounts.models import User

    user = request.user
    assert isinstance(user, User), "user_of() is for views whose access rule requires a login"
    return user


def actor_for(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is None:
        actor = Actor(getattr(request, "user", None))
        request.actor = actor  # type: ignore[attr-defined]
    return actor


#: Views we do not write ourselves, and where their own access control applies:
#: allauth's account pages (each checks login itself) and everything under the Django
#: admin's namespace (its AdminSite restricts it to provider administrators).
THIRD_PARTY_VIEW_MODULES: tuple[str, ...] = ("allauth.",)
THIRD_PARTY_NAMESPACES: tuple[str, ...] = ("admin",)


def _is_third_party(request: HttpRequest, view_func: Callable[..., Any]) -> bool:
    module = getattr(view_func, "__module__", "") or ""
    match = getattr(request, "resolver_match", None)
    return module.startswith(THIRD_PARTY_VIEW_MODULES) or bool(match and match.namespace in THIRD_PARTY_NAMESPACES)


class AccessMiddleware:
    """Deny by default: refuse any view of ours that has not declared an access rule."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor_for(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Iterable[Any], view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if getattr(view_func, "access_rule", None) or _is_third_party(request, view_func):
            return None
        raise PermissionDenied(f"{view_func.__module__}.{view_func.__name__} declares no access rule")
