"""Django admin of the contact hub (platform admins only, see ``accounts.admin``)."""

from parvis.contacts import admin_ingestion  # noqa: F401 (registers the raw inbound rows)
