"""``{% fr_table %}…{% endfr_table %}``: the DSFR table frame (four nested ``fr-table``
divisions around a ``<table>``) written once for the back office; the page keeps its
caption, head and rows inside the tag.

    {% fr_table class="parvis-heartbeat-table" %}
      <caption>…</caption><thead>…</thead><tbody>…</tbody>
    {% endfr_table %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


class FrTableNode(template.Node):
    def __init__(self, nodelist: NodeList, table_class: FilterExpression | None) -> None:
        self.nodelist = nodelist
        self.table_class = table_class

    def render(self, context: template.Context) -> str:
        table_class = self.table_class.resolve(context) if self.table_class else ""
        return render_to_string(
            "backoffice/_fr_table.html",
            {"table_class": table_class, "content": mark_safe(self.nodelist.render(context))},  # noqa: S308 - rendered by the template engine, already escaped
        )


@register.tag
def fr_table(parser: Parser, token: Token) -> FrTableNode:
    bits = token.split_contents()[1:]
    table_class: Any = None
    for bit in bits:
        name, _, value = bit.partition("=")
        if name != "class" or not value:
            raise template.TemplateSyntaxError('{% fr_table %} takes only class="…".')
        table_class = parser.compile_filter(value)
    nodelist = parser.parse(("endfr_table",))
    parser.delete_first_token()
    return FrTableNode(nodelist, table_class)
