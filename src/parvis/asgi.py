"""ASGI entry point: HTTP through Django, WebSockets through Channels.

The contact hub's webhook door (``POST /hooks/<uuid>/``) is answered in front of Django
by ``contacts.hooks_asgi`` (same checks and answers, without the middleware stack and
the sync thread); every other request, and any hook request it does not take, is
Django's.

Whatever serves this module is the web process: it says so before the settings load, so
that they give it a PostgreSQL connection pool instead of persistent connections (see
``PARVIS_PROCESS`` in settings). A process that loaded the settings before importing this
module (a test) keeps its own kind. Once the application is built, what it loaded is
frozen out of the garbage collector's scans (``startup.freeze_loaded``).
"""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from parvis.startup import freeze_loaded, settings_or_exit

if not settings.configured:
    os.environ["PARVIS_PROCESS"] = "web"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
settings_or_exit()
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from parvis.contacts.hooks_asgi import mount as mount_hook_door  # noqa: E402
from parvis.websocket_urls import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": mount_hook_door(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
freeze_loaded()  # what is loaded now lives as long as the process: out of the GC's scans
