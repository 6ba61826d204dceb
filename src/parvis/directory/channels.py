"""What each contact channel of a site needs: the one table of channel → contact detail.

A site that lists the « Téléphone » channel has a phone number, « Courriel » an address
or a form, « Accueil physique » a street address, and so on. The services and the admin
refuse a channel without its detail (``missing_channel_details``); public pages show each
channel next to its detail (``channel_contacts``). Channels are reference data an
administrator may extend: a channel not in the table needs no detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChannelNeed:
    """The site fields that can carry a channel's detail (any one is enough)."""

    fields: tuple[str, ...]
    # What is missing, in French, after « Le canal « X » demande … ».
    wording: str


# Keys are the channel slugs of ``data/taxonomy.yaml``.
CHANNEL_NEEDS: dict[str, ChannelNeed] = {
    "guichet": ChannelNeed(("address",), "l’adresse du lieu"),
    "courrier": ChannelNeed(("address",), "l’adresse postale du lieu"),
    "telephone": ChannelNeed(("phone",), "un numéro de téléphone"),
    "sms": ChannelNeed(("phone",), "le numéro qui reçoit les SMS (champ téléphone)"),
    "courriel": ChannelNeed(("email", "website"), "un courriel ou l’adresse d’un formulaire"),
    "chat": ChannelNeed(("website",), "l’adresse du site où trouver la messagerie"),
    "en_ligne": ChannelNeed(("website",), "l’adresse du service en ligne"),
}


def missing_channel_details(
    *, channels: Iterable[Any], values: Mapping[str, Any]
) -> dict[str, list[str]]:
    """French messages by field for each channel whose detail is empty in ``values``.

    ``channels`` are ``Channel`` rows (slug and label); ``values`` maps site fields
    (``address``, ``phone``, ``email``, ``website``) to what the site will store.
    """
    errors: dict[str, list[str]] = {}
    for channel in channels:
        need = CHANNEL_NEEDS.get(channel.slug)
        if need is None or any(str(values.get(field) or "").strip() for field in need.fields):
            continue
        errors.setdefault(need.fields[0], []).append(
            f"Le canal « {channel.label} » demande {need.wording}."
        )
    return errors


@dataclass(frozen=True)
class ChannelContact:
    """A channel as a public page shows it: its label and how to use it."""

    label: str
    kind: str  # "address", "phone", "email", "website" or "" (no detail known)
    value: str
    href: str


def _contact(label: str, field: str, site: Any) -> ChannelContact:
    if field == "address":
        parts = [site.address, " ".join(p for p in (site.postcode, site.commune.name) if p)]
        return ChannelContact(label, field, ", ".join(p for p in parts if p), "")
    value = getattr(site, field)
    href = {"phone": f"tel:{value.replace(' ', '')}", "email": f"mailto:{value}"}.get(field, value)
    return ChannelContact(label, field, value, href)


# Details a site may have without a channel naming them, shown after its channels.
_OTHER_DETAILS = (("phone", "Téléphone"), ("email", "Courriel"), ("website", "Site internet"))


def channel_detail(site: Any, channel: Any) -> ChannelContact | None:
    """How to reach ``site`` on ``channel`` (a ``Channel`` row), or ``None`` when the site
    holds no detail for it (data entered before the rule, or a channel outside the table)."""
    need = CHANNEL_NEEDS.get(channel.slug)
    field = next((f for f in need.fields if getattr(site, f)), None) if need else None
    return _contact(channel.label, field, site) if field else None


def channel_contacts(site: Any) -> list[ChannelContact]:
    """Each channel of ``site`` (prefetched) with its detail, in the channels' order, then
    the phone, email or website no channel showed.

    A channel whose detail is missing (data entered before the rule) is shown without
    one (``kind`` empty) rather than hidden.
    """
    contacts = []
    shown = set()
    for channel in site.channels.all():
        contact = channel_detail(site, channel)
        if contact is None:
            contacts.append(ChannelContact(channel.label, "", "", ""))
        else:
            contacts.append(contact)
            shown.add(contact.kind)
    for field, label in _OTHER_DETAILS:
        if field not in shown and getattr(site, field):
            contacts.append(_contact(label, field, site))
    return contacts
