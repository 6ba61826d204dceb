"""The documented demo accounts (README, ``demo_logins``). Never created in production."""

DEMO_PASSWORD = "parvis-demo-2026"  # noqa: S105 - documented demo password

DEMO_ACCOUNTS: list[tuple[str, str]] = [
    ("admin@demo.parvis.fr", "administrateur de la plateforme (accès /admin/)"),
    ("moderation@demo.parvis.fr", "modérateur de la plateforme"),
    ("admin.caf@demo.parvis.fr", "administrateur de l’organisme CAF"),
    ("qualite.caf33@demo.parvis.fr", "responsable qualité, CAF de la Gironde"),
    ("superviseur.caf33@demo.parvis.fr", "superviseur, CAF de la Gironde"),
    ("agent.caf33@demo.parvis.fr", "agent, accueil de la CAF de la Gironde"),
    (
        "referent.caf33@demo.parvis.fr",
        "référente de niveau 2 de la CAF de la Gironde (escalades des France Services)",
    ),
    ("agent.cpam69@demo.parvis.fr", "agent, CPAM du Rhône"),
    ("agent.fs@demo.parvis.fr", "conseiller d’une France Services"),
    (
        "usager@demo.parvis.fr",
        "usager : ses expériences dans « Mes expériences », dont une jointe à son dossier CAF",
    ),
]
DEMO_CITIZEN = "usager@demo.parvis.fr"
