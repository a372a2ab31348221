"""Who may see and do what: the one place access is decided, for one object and for lists of them.

Every view of ours declares a rule with `@access("rule.name", load=...)`. The rule
answers two questions about the signed-in actor and the object the URL names:

* `sees` — may the actor know the object exists? If not: 404, exactly as if it did
  not exist, so that a member of another organisation learns nothing.
* `may` — may the actor do this to it? If not: 403.

The same rule also answers "which of these may the actor list?": `visible(actor, "rule.name", queryset)`
filters a queryset, in the database, to the objects for which both `sees` and `may` hold (in the manner of
Wagtail's permission policies). Every list page, menu entry, count and export is built from it, so that a list
can never show what the object's own page would refuse, nor hide what it would show. Each predicate a rule is
built from is therefore written twice — as a test of one object and as a filter on a model's rows — and
`tests/security/test_lists.py` checks that the two agree, rule by rule.

A view without a declared rule is refused by `AccessMiddleware` (deny by default),
and the access matrix test fails for any URL nobody has classified.

This module is the framework and knows no app: the predicates about organisations, programmes and sets, and the rules
built from them, live in each app's `rules.py` and join the table through `register_rules` from the app's
`AppConfig.ready()`. The actor's roles come from the role source the organisations app registers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, reduce, wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

#: The roles rules are written in. The organisations app stores them (`StaffRole`, `OrganisationRole`) with these
#: values; the framework keeps the names so that every app's rules speak one vocabulary.
ADMINISTRATOR = "administrator"
DESIGNER = "designer"
FACILITATOR = "facilitator"
DEVELOPER = "developer"
TRAINER = "trainer"
ORG_ADMIN = "admin"
SPONSOR = "sponsor"
PARTICIPANT = "participant"


class RoleSource(Protocol):
    """Where an actor's roles are read from. The organisations app, which stores them, registers one."""

    def roles(self, user: AbstractBaseUser) -> tuple[frozenset[str], dict[int, frozenset[str]]]:
        """(staff roles, organisation pk → the roles held there), read together: every signed-in request asks for
        both (the two-factor policy and the navigation do), so they are one query, not two. Membership of an
        organisation without a role still counts as membership."""
        ...


_role_source: list[RoleSource] = []


def register_role_source(source: RoleSource) -> None:
    """Called once, from the organisations app's AppConfig.ready()."""
    _role_source[:] = [source]


T = TypeVar("T")


class Actor:
    """The signed-in person as access rules see them: their roles, loaded once per request."""

    def __init__(self, user: AbstractBaseUser | AnonymousUser | None) -> None:
        # Any, not the union: rules and list filters compare it with the project's own user model, which the
        # framework may not import, and read it only once `is_authenticated` has said it is a signed-in user.
        self.user: Any = user
        self._remembered: dict[Any, Any] = {}

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.is_active)

    def _signed_in_user(self) -> AbstractBaseUser | None:
        return self.user if self.is_authenticated and isinstance(self.user, AbstractBaseUser) else None

    @cached_property
    def _roles(self) -> tuple[frozenset[str], dict[int, frozenset[str]]]:
        user = self._signed_in_user()
        if user is None or not _role_source:
            return frozenset(), {}
        return _role_source[0].roles(user)

    @property
    def staff_roles(self) -> frozenset[str]:
        return self._roles[0]

    @property
    def organisation_roles(self) -> dict[int, frozenset[str]]:
        """Organisation pk → the roles held there. Membership without a role still counts as membership."""
        return self._roles[1]

    def remember(self, key: Any, compute: Callable[[], T]) -> T:
        """A fact about this actor kept for the rest of the request: a live page asks several rules about one set."""
        if key not in self._remembered:
            self._remembered[key] = compute()
        value: T = self._remembered[key]
        return value

    @property
    def is_provider_staff(self) -> bool:
        return bool(self.staff_roles)

    def has_staff_role(self, *roles: str) -> bool:
        return bool(self.staff_roles.intersection(roles))

    def belongs_to(self, organisation: models.Model) -> bool:
        return organisation.pk in self.organisation_roles

    def has_organisation_role(self, organisation: models.Model, *roles: str) -> bool:
        return bool(self.organisation_roles.get(organisation.pk, frozenset()).intersection(roles))

    def has_any_organisation_role(self, *roles: str) -> bool:
        return any(r.intersection(roles) for r in self.organisation_roles.values())


# --- predicates the rules are built from -------------------------------------------------
#
# A predicate is one test of an actor against a target, written two ways: `predicate(actor, target)` for one object
# (a view's target), and `predicate.where(actor, model)` for all of a model's rows at once, as a database filter.
# `where` answers True (every row), False (none) or a Q. Predicates that follow an object up to its set, programme
# or organisation follow the same fields in both forms (`parent_of` and `path_to`).

#: A filter on a model's rows: True for every row, False for none, or a Q.
Where = Q | bool


class Predicate:
    """A test of an actor against a target, for one object and, as a database filter, for a model's rows."""

    def __init__(
        self, name: str, test: Callable[[Actor, Any], bool], where: Callable[[Actor, type[models.Model]], Where]
    ) -> None:
        self.name = name
        self.test = test
        self._where = where

    def __call__(self, actor: Actor, target: Any) -> bool:
        return self.test(actor, target)

    def where(self, actor: Actor, model: type[models.Model]) -> Where:
        return self._where(actor, model)

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def actor_is(name: str, test: Callable[[Actor], bool]) -> Predicate:
    """A predicate about the actor alone (a staff role, being signed in): the same for every object."""
    return Predicate(name, lambda actor, target: test(actor), lambda actor, model: test(actor))


def filtered(name: str, where: Callable[[Actor, type[models.Model]], Where]) -> Predicate:
    """A predicate written only as a database filter; one object passes when the filter keeps it.

    For tests too intricate to write twice without the two drifting apart (who a survey asks, for instance)."""

    def test(actor: Actor, target: Any) -> bool:
        found = where(actor, type(target))
        if isinstance(found, bool):
            return found
        return bool(type(target)._default_manager.filter(found, pk=target.pk).exists())

    return Predicate(name, test, where)


def _any_of(wheres: Iterable[Where]) -> Where:
    kept: list[Q] = []
    for w in wheres:
        if w is True:
            return True
        if w is not False:
            kept.append(w)
    return reduce(operator.or_, kept) if kept else False


def _all_of(wheres: Iterable[Where]) -> Where:
    kept: list[Q] = []
    for w in wheres:
        if w is False:
            return False
        if w is not True:
            kept.append(w)
    return reduce(operator.and_, kept) if kept else True


def either(*predicates: Predicate) -> Predicate:
    return Predicate(
        " or ".join(p.name for p in predicates),
        lambda actor, target: any(p(actor, target) for p in predicates),
        lambda actor, model: _any_of(p.where(actor, model) for p in predicates),
    )


def both(*predicates: Predicate) -> Predicate:
    return Predicate(
        " and ".join(p.name for p in predicates),
        lambda actor, target: all(p(actor, target) for p in predicates),
        lambda actor, model: _all_of(p.where(actor, model) for p in predicates),
    )


def negate(predicate: Predicate) -> Predicate:
    def where(actor: Actor, model: type[models.Model]) -> Where:
        found = predicate.where(actor, model)
        return (not found) if isinstance(found, bool) else ~found

    return Predicate(f"not {predicate.name}", lambda actor, target: not predicate(actor, target), where)


#: The fields that lead from an object up to the ones access is decided on: an action or a shared item to its set,
#: a meeting to its set, a set to its programme, a programme to its organisation; notes and reviews by their meeting.
UP = ("learning_set", "programme", "organisation", "meeting")


def parent_of(target: Any, kind: type[Any], via: tuple[str, ...] = UP) -> Any:
    """The `kind` object `target` belongs to, following the `via` fields up (a meeting → its set → programme)."""
    while not isinstance(target, kind):
        for name in via:
            if getattr(target, name, None) is not None:
                target = getattr(target, name)
                break
        else:
            raise TypeError(f"{type(target).__name__} does not lead to a {kind.__name__}")
    return target


def path_to(model: type[models.Model], kind: type[models.Model], via: tuple[str, ...] = UP) -> str:
    """The lookup from `model`'s rows to their `kind` (the same fields `parent_of` follows); "" for `kind` itself."""
    parts: list[str] = []
    while not issubclass(model, kind):
        for name in via:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete:
                parts.append(name)
                model = field.related_model  # type: ignore[assignment]
                break
        else:
            raise TypeError(f"{model.__name__} does not lead to {kind.__name__}")
    return "__".join(parts)


def among(model: type[models.Model], kind: type[models.Model], ids: Any, via: tuple[str, ...] = UP) -> Q:
    """Rows of `model` whose `kind` is among `ids` (a list, or a `values("pk")` subquery)."""
    path = path_to(model, kind, via)
    return Q(**{f"{path}__in" if path else "pk__in": ids})


anyone = actor_is("anyone", lambda actor: True)
signed_in = actor_is("signed in", lambda actor: actor.is_authenticated)


def staff(*roles: str) -> Predicate:
    """Provider staff holding any of `roles` (any staff role when none are named)."""
    return actor_is(
        f"staff({', '.join(roles)})",
        lambda actor: actor.has_staff_role(*roles) if roles else actor.is_provider_staff,
    )


@dataclass(frozen=True)
class Rule:
    description: str
    sees: Predicate
    may: Predicate
    requires_login: bool = True

    def __post_init__(self) -> None:
        for predicate in (self.sees, self.may):
            if not isinstance(predicate, Predicate):
                raise TypeError(
                    f"{self.description!r}: build rules from Predicates, which also filter lists, not {predicate!r}"
                )

    def where(self, actor: Actor, model: type[models.Model]) -> Where:
        """The filter on `model`'s rows that keeps exactly the objects this rule lets the actor see and do."""
        if self.requires_login and not actor.is_authenticated:
            return False
        return _all_of([self.sees.where(actor, model), self.may.where(actor, model)])


#: The rules the foundation itself needs; every app adds its own with `register_rules`.
RULES: dict[str, Rule] = {
    "public": Rule("Anyone, signed in or not", anyone, anyone, requires_login=False),
    "signed_in": Rule("Anyone signed in", signed_in, signed_in),
    "provider.audit": Rule("Read the audit log", staff(), staff(ADMINISTRATOR)),
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


QS = TypeVar("QS", bound=QuerySet[Any])


def visible(actor: Actor, name: str, queryset: QS) -> QS:
    """`queryset` narrowed, in the database, to the objects rule `name` lets `actor` see and act on.

    The list form of `can`: an object is in `visible(actor, name, Model.objects.all())` exactly when
    `can(actor, name, obj)` holds."""
    found = rule(name).where(actor, queryset.model)
    if found is True:
        return queryset
    if found is False:
        return queryset.none()
    return queryset.filter(found)


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


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def access(name: str, *, load: Callable[..., Any] | None = None) -> Callable[[V], V]:
    """Declare the rule a view needs.

    With `load`, the URL's keyword arguments are passed to `load`, which returns the
    target object (or raises Http404); the view is then called as `view(request, target)`.
    """
    rule(name)  # fail at import time for a misspelt rule

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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
