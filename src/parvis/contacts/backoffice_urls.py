"""Back office of the contact hub (mounted at /espace-agents/contacts/)."""

from django.urls import path

from parvis.contacts import backoffice_views, record_views

app_name = "contacts_backoffice"
urlpatterns = [
    path("conversations/", backoffice_views.conversation_list, name="conversation_list"),
    path(
        "conversations/<str:reference>/",
        backoffice_views.conversation_detail,
        name="conversation_detail",
    ),
    path("files/", backoffice_views.queue_list, name="queue_list"),
    path("visite/", backoffice_views.visit_record_view, name="visit_record"),
    # Citizen records (issue 14)
    path("usagers/", record_views.citizen_list, name="citizen_list"),
    path("usagers/nouvelle/", record_views.citizen_create, name="citizen_create"),
    path("usagers/doublons/", record_views.duplicates, name="citizen_duplicates"),
    path(
        "usagers/<int:pk>/fusionner/<int:merged>/",
        record_views.citizen_merge,
        name="citizen_merge",
    ),
    path(
        "usagers/<int:pk>/distinctes/<int:other>/",
        record_views.citizens_mark_distinct,
        name="citizens_mark_distinct",
    ),
    path(
        "usagers/distinctes/<int:pair>/annuler/",
        record_views.citizens_unmark_distinct,
        name="citizens_unmark_distinct",
    ),
    path(
        "usagers/fusions/<int:merge>/annuler/",
        record_views.citizen_unmerge,
        name="citizen_unmerge",
    ),
    path("usagers/<int:pk>/", record_views.citizen_detail, name="citizen_detail"),
    path("usagers/<int:pk>/historique/", record_views.citizen_timeline, name="citizen_timeline"),
    path("usagers/<int:pk>/modifier/", record_views.citizen_edit, name="citizen_edit"),
    path(
        "usagers/<int:pk>/coordonnees/",
        record_views.citizen_contact_point_add,
        name="citizen_contact_point_add",
    ),
    path(
        "usagers/<int:pk>/coordonnees/<int:point>/retirer/",
        record_views.citizen_contact_point_remove,
        name="citizen_contact_point_remove",
    ),
    path(
        "usagers/<int:pk>/coordonnees/<int:point>/accord-sms/",
        record_views.citizen_sms_consent,
        name="citizen_sms_consent",
    ),
    path(
        "usagers/<int:pk>/coordonnees/<int:point>/accord-sms/retirer/",
        record_views.citizen_sms_consent_withdraw,
        name="citizen_sms_consent_withdraw",
    ),
    path(
        "usagers/<int:pk>/numeros/",
        record_views.citizen_file_number_add,
        name="citizen_file_number_add",
    ),
    path(
        "usagers/<int:pk>/numeros/<int:number>/retirer/",
        record_views.citizen_file_number_remove,
        name="citizen_file_number_remove",
    ),
    path(
        "usagers/<int:pk>/consentements/nouveau/",
        record_views.consent_capture,
        name="citizen_consent_capture",
    ),
    path(
        "usagers/<int:pk>/consentements/<int:consent>/retirer/",
        record_views.consent_withdraw,
        name="citizen_consent_withdraw",
    ),
    path("usagers/<int:pk>/consultations/", record_views.citizen_accesses, name="citizen_accesses"),
    path(
        "usagers/<int:pk>/export.json",
        record_views.citizen_export,
        name="citizen_export",
    ),
]
