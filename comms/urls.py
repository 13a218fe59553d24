from django.urls import path

from . import api, views

app_name = "comms"

E = "api/establishments/<id:establishment_id>"
C = "api/crises/<id:crisis_id>"

urlpatterns = [
    # API (the contract)
    path(f"{E}/directory/", api.DirectoryView.as_view(), name="api-directory"),
    path(f"{E}/directory/import/", api.DirectoryImportView.as_view(), name="api-directory-import"),
    path(f"{C}/call-lists/", api.CallListsView.as_view(), name="api-call-lists"),
    path(f"{C}/call-lists/<id:list_id>/calls/<id:call_id>/", api.CallView.as_view(), name="api-call"),
    path(f"{C}/call-lists/<id:list_id>/sms/", api.CallListSmsView.as_view(), name="api-call-list-sms"),
    path(f"{C}/flash/", api.FlashListView.as_view(), name="api-flash"),
    path(f"{C}/flash/draft/", api.FlashDraftView.as_view(), name="api-flash-draft"),
    path(f"{C}/flash/<id:flash_id>/publish/", api.FlashPublishView.as_view(), name="api-flash-publish"),
    path(f"{C}/flash/<id:flash_id>/text/", api.FlashTextView.as_view(), name="api-flash-text"),
    path(f"{C}/messages/", api.MessagesView.as_view(), name="api-messages"),
    path(f"{C}/messages/<id:message_id>/approve/", api.MessageApproveView.as_view(), name="api-message-approve"),
    path(f"{C}/messages/<id:message_id>/publish/", api.MessagePublishView.as_view(), name="api-message-publish"),
    path(
        f"{C}/messages/<id:message_id>/acknowledgements/<id:ack_id>/",
        api.AcknowledgeView.as_view(),
        name="api-message-acknowledge",
    ),
    path(f"{C}/contacts-log/", api.ContactsLogView.as_view(), name="api-contacts-log"),
    # pages
    path("etablissements/<id:establishment_id>/annuaire/", views.directory, name="directory"),
    path("etablissements/<id:establishment_id>/annuaire/<id:entry_id>/", views.directory_entry, name="directory-entry"),
    path("etablissements/<id:establishment_id>/annuaire/export.csv", views.directory_export, name="directory-export"),
    path("crises/<id:crisis_id>/communication/", views.comms_home, name="home"),
    path("crises/<id:crisis_id>/communication/appels/", views.call_lists, name="call-lists"),
    path("crises/<id:crisis_id>/communication/appels/<id:list_id>/", views.call_list, name="call-list"),
    path("crises/<id:crisis_id>/communication/flash/", views.flash_list, name="flash-list"),
    path("crises/<id:crisis_id>/communication/flash/<id:flash_id>/", views.flash_detail, name="flash"),
    path("crises/<id:crisis_id>/communication/messages/", views.messages_page, name="messages"),
    path("crises/<id:crisis_id>/communication/messages/<id:message_id>/", views.message_detail, name="message"),
    path("crises/<id:crisis_id>/communication/contacts/", views.contacts_log, name="contacts-log"),
]
