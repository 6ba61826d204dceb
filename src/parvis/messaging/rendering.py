"""Every outbound text is rendered here, from template files only.

A message named ``"<app>/emails/<name>"`` has two files in the app's templates folder:
``<name>_subject.txt`` (one line; line breaks are folded) and ``<name>.txt`` (the plain
text body). They render without HTML escaping, since nothing is HTML. User data enters
only as context values, which the template engine prints as text and never evaluates:
no template is ever compiled from a string, so a citizen's words containing
``{{ … }}`` or ``{% … %}`` come out as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template import Context
from django.template.loader import get_template

# "<app>/emails/<name>" (or "<app>/sms/<name>" …): a file path, never template source.
TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)+")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _render_file(path: str, context: Mapping[str, Any]) -> str:
    # The Django-level template, rendered with autoescape off: plain text, not HTML.
    template = get_template(path).template  # type: ignore[attr-defined]
    return str(template.render(Context(dict(context), autoescape=False)))


def render_message(template: str, context: Mapping[str, Any], *, subject: bool = True) -> Rendered:
    """The subject (when the channel has one) and body of message ``template``."""
    if not TEMPLATE_NAME.fullmatch(template):
        raise ValueError(f"not a message template name: {template!r}")
    body = _render_file(f"{template}.txt", context)
    title = _render_file(f"{template}_subject.txt", context) if subject else ""
    return Rendered(subject=" ".join(title.split()), body=body)
