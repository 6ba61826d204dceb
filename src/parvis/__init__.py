"""parvis: the relationship between French public services and their users."""

from parvis.celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
