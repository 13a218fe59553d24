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
