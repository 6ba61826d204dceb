"""Events of quality (``core.events``), sent after commit.

``results_computed`` follows every ``services.results_compute`` (the 30-minute and nightly
refreshes, ``parvis quality_rebuild``, a declared import's recompute), with the number of
months computed: no single row changed but the results table. ``publication`` subscribes
in its ``AppConfig.ready`` and marks the quality open-data datasets changed, so the
15-minute export rewrites them; quality never imports publication.
"""

from __future__ import annotations

from parvis.core.events import Event

results_computed = Event("quality.results_computed")
