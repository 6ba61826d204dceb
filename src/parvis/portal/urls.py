from django.urls import path

from parvis.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("theme/dsfr-neutre.css", views.dsfr_neutral_css, name="dsfr-neutral-css"),
    path("charte-de-moderation/", views.charter, name="charter"),
]

# django-dsfr resolves these names without a namespace.
footer_patterns = [
    path("plan-du-site/", views.sitemap, name="footer-sitemap"),
    path("accessibilite/", views.accessibility, name="footer-accessibility-status"),
    path("mentions-legales/", views.legal_notice, name="footer-legal-notice"),
    path("donnees-personnelles/", views.personal_data, name="footer-personal-data"),
    path("gestion-des-cookies/", views.cookies, name="footer-cookie-management"),
]
