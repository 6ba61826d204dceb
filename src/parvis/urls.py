"""Root URL configuration. Each domain app owns its URLs; the API lives at /api/v1."""

from django.contrib import admin
from django.urls import include, path

from parvis.api.root import api
from parvis.core import views as core_views
from parvis.portal.urls import footer_patterns

handler400 = "parvis.core.views.bad_request"
handler403 = "parvis.core.views.permission_denied"
handler404 = "parvis.core.views.page_not_found"
handler500 = "parvis.core.views.server_error"

admin.site.site_header = "Administration de la plateforme parvis"
admin.site.site_title = "parvis"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Signed inbound webhooks of the contact hub (outside /api/v1: providers' format).
    path("hooks/", include("parvis.contacts.hooks_urls")),
    path("compte/", include("parvis.accounts.urls")),
    path("espace-agents/annuaire/", include("parvis.directory.backoffice_urls")),
    path("espace-agents/experiences/", include("parvis.voice.backoffice_urls")),
    path("espace-agents/simplification/", include("parvis.simplification.backoffice_urls")),
    path("espace-agents/contacts/", include("parvis.contacts.backoffice_urls")),
    path("espace-agents/poste/", include("parvis.desk.urls")),
    path("espace-agents/routage/", include("parvis.routing.urls")),
    path("espace-agents/rappels/", include("parvis.routing.callback_urls")),
    path("espace-agents/qualite/", include("parvis.quality.backoffice_urls")),
    path("contact/", include("parvis.contacts.urls")),
    path("temoigner/", include("parvis.voice.urls")),
    path("simplification/", include("parvis.simplification.urls")),
    path("espace-agents/webhooks/", include("parvis.contacts.webhook_urls")),
    path("espace-agents/", include("parvis.backoffice.urls")),
    path("annuaire/", include("parvis.directory.urls")),
    path("territoires/", include("parvis.territories.urls")),
    path("resultats/rapports/", include("parvis.reports.urls")),
    # publication: /experiences/… and /donnees/… (public listing, figures, open data)
    path("", include("parvis.publication.urls")),
    path("", include("parvis.portal.urls")),
    *footer_patterns,
]
