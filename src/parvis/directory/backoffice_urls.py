"""Back-office pages of the directory (espace agents › annuaire)."""

app_name = "directory_backoffice"
urlpatterns: list = []
