import os

from django.core.wsgi import get_wsgi_application

from parvis.startup import freeze_loaded, settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
settings_or_exit()
application = get_wsgi_application()
freeze_loaded()  # what is loaded now lives as long as the process: out of the GC's scans
