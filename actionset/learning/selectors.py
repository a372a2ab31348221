"""The only way other apps read learning data: what sets have released, and nothing else.

Journal entries (personal tier) and items still awaiting a set's agreement (set tier) are never returned here.
Each function returns plain, frozen records — not model instances — so a caller cannot follow a relation back
into set content. An author's name appears only where the author chose to put it to the item.

Stable API (other apps depend on these names and fields):

- `released_items(programme, *, kind=None) -> list[ReleasedItem]` — every item released by the programme's
  sets, newest first; `kind` is "theme", "lesson" or "question" to narrow it.
- `leader_questions(programme, *, answered=None) -> list[ReleasedItem]` — released questions for leaders,
  with their answers; `answered=True/False` to narrow it.
- `released_items_and_themes(programme) -> (list[ReleasedItem], list[ThemeSummary])` — both of the above, from one
  read of the items.
- `themes_for_programme(programme) -> list[ThemeSummary]` — the developer's themes that tag the programme's
  released items, with a count and the items under each, most used first.
- `themes_and_questions(programme) -> (list[ThemeSummary], list[ReleasedItem])` — `themes_for_programme` and
  `leader_questions` together, from one read of the programme's released items.
- `released_items_everywhere() -> list[ReleasedItem]` — across all programmes (the provider's developers).
- `released_page(untagged=False, number=1) -> (Page of ReleasedItem, total, untagged)` — a page of them, with counts.
- `released_items_with_theme(theme) -> list[ReleasedItem]` — the released items one theme tags.
- `theme_counts() -> list[ThemeCount]` — each theme with how many released items and programmes it tags.
- `sharing_counts(programme) -> SharingCounts` — how many items were released, how many questions were
  answered (counts only; nothing awaiting agreement is counted, so nothing leaks about a set's deliberations).
- `sharing_counts_by_programme(programmes) -> dict[programme pk, SharingCounts]` — the same for a list of
  programmes, in one query.

Each takes an optional `actor`: given one, only the items the `learning.released` rule lets them read are returned
(pages listing items for a signed-in reader pass theirs, so the list is decided by the same rule as access).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q

from actionset.core.access import Actor, visible

from .models import LeaderAnswer, SharedItem, Theme


@dataclass(frozen=True)
class Answer:
    author_name: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ReleasedItem:
    public_id: Any
    kind: str
    kind_label: str
    text: str
    set_name: str
    programme_title: str
    organisation_name: str
    released_at: dt.datetime
    #: None unless the author opted in to being named outside the set.
    author_name: str | None
    themes: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = field(default_factory=tuple)

    @property
    def is_answered(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class ThemeSummary:
    public_id: Any
    name: str
    description: str
    count: int
    items: tuple[ReleasedItem, ...]


@dataclass(frozen=True)
class ThemeCount:
    """A theme with how many released items it tags, and in how many programmes: counted, not listed."""

    public_id: Any
    name: str
    description: str
    count: int
    programmes: int


@dataclass(frozen=True)
class SharingCounts:
    released: int
    themes: int
    lessons: int
    questions: int
    questions_answered: int


#: The fields of a released item and what it is joined to that `to_released_item` reads.
_SHOWN = (
    "public_id",
    "kind",
    "text",
    "status",
    "released_at",
    "show_author",
    "learning_set__name",
    "learning_set__programme__title",
    "learning_set__programme__organisation__name",
    "author__person__name",
)


def _released(programmes: Iterable[Any] | None = None, actor: Actor | None = None) -> Any:
    queryset = (
        SharedItem.objects.released()
        .select_related("learning_set__programme__organisation", "author__person")
        # What `to_released_item` shows, and no more: five tables' every column cost more to read than the items.
        .only(*_SHOWN)
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=LeaderAnswer.objects.only("item_id", "author_name", "text", "created_at").order_by(
                    "created_at"
                ),
            ),
            Prefetch("themes", queryset=Theme.objects.only("public_id", "name", "description").order_by("name")),
        )
        .order_by("-released_at", "-pk")
    )
    if programmes is not None:
        queryset = queryset.filter(learning_set__programme__in=list(programmes))
    if actor is not None:
        queryset = visible(actor, "learning.released", queryset)
    return queryset


def to_released_item(item: SharedItem) -> ReleasedItem:
    """The outside view of a released item. Refuses anything not released, so no caller can leak one."""
    if not item.is_released or item.released_at is None:
        raise ValueError("only released items leave the set")
    return ReleasedItem(
        public_id=item.public_id,
        kind=item.kind,
        kind_label=item.get_kind_display(),
        text=item.text,
        set_name=item.learning_set.name,
        programme_title=item.learning_set.programme.title,
        organisation_name=item.learning_set.programme.organisation.name,
        released_at=item.released_at,
        author_name=item.author.person.name if item.show_author else None,
        themes=tuple(t.name for t in item.themes.all()),
        answers=tuple(Answer(a.author_name, a.text, a.created_at) for a in item.answers.all()),
    )


def released_items(programme: Any, *, kind: str | None = None, actor: Actor | None = None) -> list[ReleasedItem]:
    queryset = _released([programme], actor)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return [to_released_item(i) for i in queryset]


def released_items_everywhere(*, actor: Actor | None = None) -> list[ReleasedItem]:
    """Every released item of every programme: the organisational developer's view across organisations."""
    return [to_released_item(i) for i in _released(None, actor)]


def released_items_with_theme(theme: Any, *, actor: Actor | None = None) -> list[ReleasedItem]:
    """The released items one theme tags, newest first: read by the theme, not picked out of every theme's."""
    return [to_released_item(i) for i in _released(None, actor).filter(themes=theme)]


def leader_questions(programme: Any, *, answered: bool | None = None, actor: Actor | None = None) -> list[ReleasedItem]:
    questions = released_items(programme, kind=SharedItem.Kind.QUESTION, actor=actor)
    if answered is not None:
        questions = [q for q in questions if q.is_answered == answered]
    return questions


def themes_summary(programmes: Iterable[Any] | None = None, *, actor: Actor | None = None) -> list[ThemeSummary]:
    """Themes over the released items of `programmes` (all programmes when None), most used first."""
    return themes_of([to_released_item(i) for i in _released(programmes, actor)])


def released_items_and_themes(
    programme: Any, *, actor: Actor | None = None
) -> tuple[list[ReleasedItem], list[ThemeSummary]]:
    """`released_items(programme)` and `themes_of` them, from one read: the themes come with the items."""
    found = list(_released([programme], actor))
    themes = {t.name: t for item in found for t in item.themes.all()}
    items = [to_released_item(i) for i in found]
    return items, themes_of(items, themes=themes)


def themes_of(items: Iterable[ReleasedItem], *, themes: dict[str, Theme] | None = None) -> list[ThemeSummary]:
    """Themes over released items already read, most used first (`themes`: those themes by name, where the caller
    has them already)."""
    by_theme: dict[str, list[ReleasedItem]] = {}
    for item in items:
        for name in item.themes:
            by_theme.setdefault(name, []).append(item)
    if themes is None:
        themes = {t.name: t for t in Theme.objects.filter(name__in=by_theme)}
    summaries = [
        ThemeSummary(themes[name].public_id, name, themes[name].description, len(tagged), tuple(tagged))
        for name, tagged in by_theme.items()
    ]
    return sorted(summaries, key=lambda s: (-s.count, s.name.lower()))


def theme_counts(*, actor: Actor | None = None) -> list[ThemeCount]:
    """Every theme tagging a released item the actor may read, with its counts, most used first; one query."""
    rows = (
        _released(None, actor)
        .prefetch_related(None)
        .order_by()
        .filter(themes__isnull=False)
        .values("themes__public_id", "themes__name", "themes__description")
        .annotate(count=Count("pk", distinct=True), programmes=Count("learning_set__programme", distinct=True))
    )
    counts = [
        ThemeCount(r["themes__public_id"], r["themes__name"], r["themes__description"], r["count"], r["programmes"])
        for r in rows
    ]
    return sorted(counts, key=lambda t: (-t.count, t.name.lower()))


def released_page(
    *, actor: Actor | None = None, untagged: bool = False, number: Any = 1, per_page: int = 50
) -> tuple[Page[Any], int, int]:
    """One page of the released items of every programme (newest first; only those without a theme when
    `untagged`), with how many there are in all and how many have no theme, counted by the database."""
    everything = _released(None, actor)
    without_theme = everything.filter(themes__isnull=True)
    page = Paginator(without_theme if untagged else everything, per_page).get_page(number)
    page.object_list = [to_released_item(i) for i in page.object_list]
    return page, everything.count(), without_theme.count()


def themes_for_programme(programme: Any, *, actor: Actor | None = None) -> list[ThemeSummary]:
    return themes_summary([programme], actor=actor)


def themes_and_questions(
    programme: Any, *, actor: Actor | None = None
) -> tuple[list[ThemeSummary], list[ReleasedItem]]:
    """`themes_for_programme` and `leader_questions` together, from one read of the programme's released items."""
    items = released_items(programme, actor=actor)
    return themes_of(items), [i for i in items if i.kind == SharedItem.Kind.QUESTION]


def sharing_counts(programme: Any, *, actor: Actor | None = None) -> SharingCounts:
    return sharing_counts_by_programme([programme], actor=actor).get(programme.pk, SharingCounts(0, 0, 0, 0, 0))


def sharing_counts_by_programme(programmes: Iterable[Any], *, actor: Actor | None = None) -> dict[int, SharingCounts]:
    """`sharing_counts` for many programmes in one query, counted by the database (a list of programmes would
    otherwise read every released item of each to count them). Programmes with nothing released are left out."""
    queryset = _released(programmes, actor).prefetch_related(None).order_by()
    kind = SharedItem.Kind
    rows = queryset.values("learning_set__programme_id").annotate(
        released=Count("pk", distinct=True),
        themes=Count("pk", filter=Q(kind=kind.THEME), distinct=True),
        lessons=Count("pk", filter=Q(kind=kind.LESSON), distinct=True),
        questions=Count("pk", filter=Q(kind=kind.QUESTION), distinct=True),
        questions_answered=Count("pk", filter=Q(kind=kind.QUESTION, answers__isnull=False), distinct=True),
    )
    return {
        row["learning_set__programme_id"]: SharingCounts(
            released=row["released"],
            themes=row["themes"],
            lessons=row["lessons"],
            questions=row["questions"],
            questions_answered=row["questions_answered"],
        )
        for row in rows
    }
