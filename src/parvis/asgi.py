"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Whatever serves this module is the web process: it says so before the settings load, so
that they give it a PostgreSQL connection pool instead of persistent connections (see
``PARVIS_PROCESS`` in settings). A process that loaded the settings before importing this
module (a test) keeps its own kind.
"""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from parvis.startup import settings_or_exit

if not settings.configured:
    os.environ["PARVIS_PROCESS"] = "web"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
settings_or_exit()
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from parvis.websocket_urls import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
