from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("journal/new/", views.journal_new, name="journal_new"),
    path("journal/export.md", views.journal_export, name="journal_export"),
    path("journal/export.pdf", views.journal_export_pdf, name="journal_export_pdf"),
    path("journal/<uuid:entry>/", views.journal_entry, name="journal_entry"),
    path("journal/<uuid:entry>/delete/", views.journal_delete, name="journal_delete"),
    path("journal/meetings/<uuid:meeting>/", views.journal_meeting, name="journal_meeting"),
    path("learning/sets/<uuid:learning_set>/", views.sharing, name="sharing"),
    path("learning/items/<uuid:item>/decide/", views.decide, name="decide"),
    path("learning/items/<uuid:item>/room/", views.record_in_room, name="record"),
    path("learning/items/<uuid:item>/edit/", views.edit_item, name="edit"),
    path("learning/items/<uuid:item>/withdraw/", views.withdraw, name="withdraw"),
    path("learning/items/<uuid:item>/attribution/", views.attribution, name="attribution"),
    path("learning/items/<uuid:item>/answer/", views.answer, name="answer"),
    path("learning/items/<uuid:item>/themes/", views.tag, name="tag"),
    path("learning/shared/", views.shared_index, name="shared_index"),
    path("learning/programmes/<uuid:programme>/", views.programme_shared, name="programme"),
    path("learning/themes/", views.themes, name="themes"),
    path("learning/themes/<uuid:theme>/", views.theme, name="theme"),
]
