"""The set's content: its contract, and each meeting's progress round, airtime, actions and process review."""

from django.urls import path

from actionset.room import views

app_name = "setwork"

urlpatterns = [
    path("<uuid:learning_set>/contract/", views.contract_page, name="contract"),
    path("<uuid:learning_set>/contract/acknowledge/", views.contract_acknowledge, name="contract_acknowledge"),
    path(
        "<uuid:learning_set>/contract/proposals/<uuid:proposal>/answer/",
        views.contract_proposal_answer,
        name="contract_proposal_answer",
    ),
    path("<uuid:learning_set>/fairness/", views.fairness, name="fairness"),
    path("meetings/<uuid:meeting>/work/", views.work, name="work"),
    path("meetings/<uuid:meeting>/progress/", views.progress_report, name="progress_report"),
    path("meetings/<uuid:meeting>/bids/", views.bid, name="bid"),
    path("meetings/<uuid:meeting>/bids/order/", views.order, name="order"),
    path("meetings/<uuid:meeting>/airtime/", views.airtime_notes, name="airtime_notes"),
    path("meetings/<uuid:meeting>/airtime/questions/", views.question, name="question"),
    path("meetings/<uuid:meeting>/actions/", views.action_add, name="action_add"),
    path("meetings/<uuid:meeting>/takes/", views.take, name="take"),
    path("meetings/<uuid:meeting>/coach/", views.coach_answer, name="coach_answer"),
    path("meetings/<uuid:meeting>/trios/", views.trios_arrange, name="trios"),
    path("meetings/<uuid:meeting>/trios/notes/", views.trio_notes, name="trio_notes"),
    path("meetings/<uuid:meeting>/reflection/", views.reflection, name="reflection"),
    path("meetings/<uuid:meeting>/consensus/", views.consensus, name="consensus"),
    path("meetings/<uuid:meeting>/consensus/answer/", views.consensus_verdict, name="consensus_verdict"),
    path("meetings/<uuid:meeting>/review/", views.process_review, name="review"),
]
