"""Where the quality indicators attached to each Services Publics+ commitment come from.

The directory owns the commitments; the quality app owns the indicators and depends on
the directory, never the reverse. So the quality app registers a source here from its
``AppConfig.ready()``::

    from parvis.directory.commitments import register_indicator_source

    register_indicator_source(indicators_for_commitments)

and the organisation's public commitments page calls it. With no source registered (the
quality app absent), the page shows no « Indicateurs rattachés » section at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

# Commitment number → (indicator code, French name) of each indicator attached to it.
IndicatorSource = Callable[[], Mapping[int, Sequence[tuple[str, str]]]]

_source: IndicatorSource | None = None


def register_indicator_source(source: IndicatorSource | None) -> None:
    """Register the one source of attached indicators (a new one replaces the previous
    one; ``None`` removes it)."""
    global _source
    _source = source


def indicators_for_commitments() -> dict[int, list[tuple[str, str]]] | None:
    """Attached indicators by commitment number, or ``None`` when no source is
    registered (nothing to show, as opposed to a commitment without indicators)."""
    if _source is None:
        return None
    return {
        int(number): [(str(code), str(name)) for code, name in indicators]
        for number, indicators in _source().items()
    }
