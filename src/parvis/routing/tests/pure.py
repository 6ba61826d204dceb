"""Routing tests that need not run in both passes of CI (``parvis.testing.ci``): the pure
engine (core, memory, Erlang, the simulator in memory and on its own SQLite file: no
test database) runs in the SQLite pass (``pure``), the bounded database day in the
PostgreSQL pass (``once``)."""

from parvis.testing.ci import once, sqlite_pass_only

pure = sqlite_pass_only

__all__ = ["once", "pure"]
