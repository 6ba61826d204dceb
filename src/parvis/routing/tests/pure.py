"""Routing tests that need not run in both passes of CI: the pure engine (core, memory,
Erlang, simulator: no database) and the bounded database day (``parvis.testing.ci``)."""

from parvis.testing.ci import once

__all__ = ["once"]
