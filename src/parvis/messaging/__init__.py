"""The one outbound door: every message parvis sends (email today; SMS, chat and
organisation webhooks as further providers) goes through ``parvis.messaging.services``.

Providers sit behind ``providers.Provider`` in a registry, templates are rendered by
``rendering.render_message``, and each message leaves a row in the delivery log
(``models.Delivery``), which holds a keyed digest of the address, never the address.
"""
