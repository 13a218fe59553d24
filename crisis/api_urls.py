"""URLs of the API, included under /api/. Per-crisis resources nest under crises/<crisis_id>/."""

from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("establishments/", api.EstablishmentListView.as_view(), name="api-establishment-list"),
    path("establishments/<id:pk>/", api.EstablishmentDetailView.as_view(), name="api-establishment-detail"),
    path("memberships/", api.MembershipListView.as_view(), name="api-membership-list"),
    path("crises/", api.CrisisListView.as_view(), name="api-crisis-list"),
    path("crises/<id:crisis_id>/", api.CrisisDetailView.as_view(), name="api-crisis-detail"),
    path("crises/<id:crisis_id>/phase/", api.CrisisPhaseView.as_view(), name="api-crisis-phase"),
    path("crises/<id:crisis_id>/journal/", api.JournalListView.as_view(), name="api-journal-list"),
    path("crises/<id:crisis_id>/journal/<id:entry_id>/", api.JournalEntryView.as_view(), name="api-journal-entry"),
    path(
        "crises/<id:crisis_id>/journal/<id:entry_id>/attachment/",
        api.JournalAttachmentView.as_view(),
        name="api-journal-attachment",
    ),
]

# RIDA, points de situation, decisions (crisis.api).
urlpatterns += [
    path("crises/<id:crisis_id>/rida/", api.RidaListView.as_view(), name="api-rida-list"),
    path("crises/<id:crisis_id>/rida/export/", api.RidaExportView.as_view(), name="api-rida-export"),
    path("crises/<id:crisis_id>/rida/<id:line_id>/", api.RidaLineView.as_view(), name="api-rida-line"),
    path(
        "crises/<id:crisis_id>/rida/<id:line_id>/history/",
        api.RidaHistoryView.as_view(),
        name="api-rida-history",
    ),
    path("crises/<id:crisis_id>/meetings/", api.MeetingListView.as_view(), name="api-meeting-list"),
    path("crises/<id:crisis_id>/meetings/<id:meeting_id>/", api.MeetingDetailView.as_view(), name="api-meeting"),
    path(
        "crises/<id:crisis_id>/meetings/<id:meeting_id>/start/",
        api.MeetingStartView.as_view(),
        name="api-meeting-start",
    ),
    path("crises/<id:crisis_id>/meetings/<id:meeting_id>/end/", api.MeetingEndView.as_view(), name="api-meeting-end"),
    path(
        "crises/<id:crisis_id>/meetings/<id:meeting_id>/agenda/",
        api.MeetingAgendaView.as_view(),
        name="api-meeting-agenda",
    ),
    path("crises/<id:crisis_id>/decisions/", api.DecisionListView.as_view(), name="api-decision-list"),
]
