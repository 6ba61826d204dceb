"""What each demo role meets, in a real browser, on the demo that ``make run`` loads.

Per demo account: log in through the login form, land on one's home (the dashboard for
agents, « Mes expériences » for a citizen), check the to-do counts shown against the
database (read with the selectors of the lists they link to), follow every dashboard
count to a 200 page, and open every entry of the side menu: no error page, no empty
list (or, where a list may legitimately be empty, an empty state that offers a way on),
and no serious axe-core violation (one page per URL name per role, on the SQLite pass).

The small demo is seeded once for the module, committed outside the tests'
transactions and served by a live server of the module's own; everything is flushed
afterwards, as a transactional test would.
"""

from __future__ import annotations

import datetime as dt
import io
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from parvis.demo.accounts import DEMO_ACCOUNTS, DEMO_CITIZEN, DEMO_PASSWORD
from parvis.testing.browser import axe_serious_violations

# One worker walks every role: the demo is seeded once per worker that runs this module.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("demo-roles")]

# The SQLite pass runs axe; the PostgreSQL pass checks the rest, faster.
RUN_AXE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

MODERATION = {"moderation.experiences", "moderation.answers", "simplification.to_review"}
ANSWERS = {"answers.unanswered", "answers.overdue"}
COUNTER = {"counter.in_moderation", "counter.published", "counter.answered"}
# The to-do lines each role's dashboard must show (an agent also gets a line for any
# other state one of their recordings is in).
TODO_KEYS: dict[str, set[str]] = {
    "admin@demo.parvis.fr": MODERATION | ANSWERS,
    "moderation@demo.parvis.fr": MODERATION,
    "admin.caf@demo.parvis.fr": ANSWERS | {"simplification.to_review"},
    "qualite.caf33@demo.parvis.fr": ANSWERS,  # requests are national: no queue locally
    "superviseur.caf33@demo.parvis.fr": ANSWERS,
    "agent.caf33@demo.parvis.fr": COUNTER,
    "agent.cpam69@demo.parvis.fr": COUNTER,
    "agent.fs@demo.parvis.fr": COUNTER,
    # the demo's France Services chat escalated to level 2 waits for her
    "referent.caf33@demo.parvis.fr": COUNTER | {"contacts.escalations"},
}

AGENTS_CONTENT = ".parvis-agents-content"
ROWS = "table tbody tr:not(:has(td[colspan]))"
# URL name → (what an item of that page is, what offers a way on when there is none).
# A page of the menu not listed here must show a table row or a card.
GENERIC_ITEMS_QUALITY = "table tbody tr, .fr-card"
ITEMS: dict[str, tuple[str, str]] = {
    "voice_backoffice:experience_list": (ROWS, ""),
    "voice_backoffice:overdue": (ROWS, ""),
    "voice_backoffice:moderation_queue": (f"{ROWS}, h2 + ul li a", ""),
    "voice_backoffice:template_list": (ROWS, "a[href$='/nouveau/']"),
    "voice_backoffice:assisted_create": ("form button[type=submit]", ""),  # a form, not a list
    "directory_backoffice:site_list": (ROWS, ""),
    "simplification_backoffice:queue": (ROWS, ""),
    "backoffice:members": (ROWS, ""),
    "backoffice:tokens": (ROWS, ""),
    "backoffice:audit": (ROWS, ""),
    "contacts_backoffice:conversation_list": (ROWS, ""),
    # Quality: the targets page is a form; the dashboard may have no figure yet for a
    # month (the demo's year of contacts is not seeded yet) and then offers the import.
    "quality_backoffice:targets": ("form button[type=submit]", ""),
    "quality_backoffice:dashboard": (GENERIC_ITEMS_QUALITY, "a[href*='/qualite/']"),
    "contacts_backoffice:queue_list": (ROWS, ""),
    "contacts_backoffice:visit_record": ("form button[type=submit]", ""),  # a form
    # An organisation may have no citizen record yet: the page offers to create one.
    "contacts_backoffice:citizen_list": (ROWS, "a[href$='/usagers/nouvelle/']"),
    # An organisation may have no webhook yet: the page offers to add one.
    "contacts_webhooks:list": (ROWS, "form button[type=submit]"),
    # The agent desk: conversations held and waiting are list items with their link.
    # Nothing held and nothing waiting: the page says so and who to ask.
    "desk:home": ("#desk-mine li, #desk-waiting li", "p#desk-waiting"),
    "admin:index": ("table tr", ""),
}
GENERIC_ITEMS = f"{ROWS}, .fr-card"


def _citizen_or_agent(email: str) -> str:
    return "usager" if email == DEMO_CITIZEN else email.split("@")[0]


@pytest.fixture(autouse=True)
def _live_server_helper() -> None:
    """Replaces pytest-django's own, which gives every test using ``live_server`` a
    transactional database, flushed after the test: the demo is seeded once for the
    module instead (``demo_url``) and the tests only read it (``_reads``)."""


@pytest.fixture(scope="module")
def demo_url(django_db_setup: None, django_db_blocker: Any, live_server: Any) -> Iterator[str]:
    """The small demo, committed outside any test transaction, flushed afterwards."""
    from parvis.territories.services import territories_load

    with django_db_blocker.unblock():
        territories_load()
        # In one transaction, as under ``make run`` where the worker, not this process,
        # runs the tasks the seed enqueues: the eager tasks of the test settings would
        # otherwise analyse each experience as soon as it is submitted, under the seed.
        with transaction.atomic():
            call_command("seed_demo", "--scale", "small", stdout=io.StringIO())
    live_server._live_server_modified_settings.enable()  # its host in ALLOWED_HOSTS
    try:
        yield live_server.url
    finally:
        live_server._live_server_modified_settings.disable()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _reads(django_db_blocker: Any) -> Iterator[None]:
    """Database access for the test and the live server's thread during the test."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _log_in(page: Any, base: str, email: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()


def _expected_todo(user: Any, key: str, now: dt.datetime) -> int:
    """The count of a to-do line, read with the selector of the list it links to."""
    from parvis.contacts import selectors as contacts
    from parvis.routing import agent_selectors
    from parvis.simplification.models import Status as RequestStatus
    from parvis.simplification.selectors import requests_for_backoffice
    from parvis.voice import selectors as voice
    from parvis.voice.models import ExperienceStatus

    counts: dict[str, Callable[[], int]] = {
        # what waits for the person (the list « à prendre » the line links to)
        "contacts.queued": lambda: contacts.conversations_for_list(
            user, contacts.ConversationFilters(takeable=True)
        ).count(),
        "moderation.experiences": lambda: voice.moderation_queue().count(),
        "moderation.answers": lambda: voice.answers_awaiting_moderation().count(),
        "simplification.to_review": lambda: requests_for_backoffice(
            user, status=RequestStatus.SUBMITTED
        ).count(),
        "answers.unanswered": lambda: voice.experiences_for_service(
            user, status=ExperienceStatus.PUBLISHED
        ).count(),
        "answers.overdue": lambda: (
            voice.experiences_for_service(user, status=ExperienceStatus.PUBLISHED)
            .filter(answer_due_at__lte=now)
            .count()
        ),
        "contacts.escalations": lambda: agent_selectors.escalations_for(user).count(),
    }
    if key.startswith("counter."):
        return voice.counter_recordings(user, status=key.removeprefix("counter.")).count()
    return counts[key]()


def _url_name(href: str) -> str:
    try:
        match = resolve(urllib.parse.urlsplit(href).path)
    except Resolver404:
        return href
    return match.view_name


def _error_page(page: Any) -> str:
    title = page.title()
    return title if title.startswith("Erreur") else ""


def _check_axe(page: Any, name: str, seen: set[str], problems: list[str]) -> None:
    if not RUN_AXE or name in seen:
        return
    seen.add(name)
    violations = axe_serious_violations(page)
    if violations:
        problems.append(f"{name}: axe {violations}")


def _check_items(page: Any, name: str, problems: list[str], empties: list[str]) -> str | None:
    """Problems of a list page; returns the link of its first item (its detail page)."""
    root = "#content-main" if name.startswith("admin:") else AGENTS_CONTENT
    items, way_on = ITEMS.get(name, (GENERIC_ITEMS, ""))
    content = page.locator(root)
    if content.locator(items).count():
        first = content.locator(items).first.locator("a[href]")
        return first.first.get_attribute("href") if first.count() else None
    if way_on and content.locator(way_on).count():
        empties.append(name)  # legitimately empty, with a way on
        return None
    problems.append(f"{name}: empty list with no way on ({page.url})")
    return None


@pytest.mark.parametrize(
    "email",
    [email for email, _ in DEMO_ACCOUNTS],
    ids=[_citizen_or_agent(e) for e, _ in DEMO_ACCOUNTS],
)
def test_each_demo_role_finds_its_work(demo_url: str, page: Any, email: str) -> None:
    from parvis.accounts.models import User

    user = User.objects.get(email=email)
    _log_in(page, demo_url, email)
    problems: list[str] = []
    empties: list[str] = []
    seen: set[str] = set()

    if email == DEMO_CITIZEN:
        _citizen_lands_on_their_experiences(page, demo_url, user, problems, seen)
        assert not problems, "\n".join(problems)
        return

    dashboard = demo_url + reverse("backoffice:dashboard")
    assert page.url == dashboard, page.url
    now = timezone.now()

    # The to-do counts are those of the database.
    shown = {
        row.get_attribute("data-todo"): int(row.locator("[data-count]").get_attribute("data-count"))
        for row in page.locator("tr[data-todo]").all()
    }
    missing = TODO_KEYS[email] - set(shown)
    assert not missing, f"to-do lines missing: {missing}"
    expected = {key: _expected_todo(user, key, now) for key in shown}
    assert shown == expected
    _check_axe(page, "backoffice:dashboard", seen, problems)

    # Every count of the dashboard leads to a page.
    links = {
        a.get_attribute("href")
        for a in page.locator(f"{AGENTS_CONTENT} [data-count], {AGENTS_CONTENT} [data-value]").all()
        if a.get_attribute("href")
    }
    for href in sorted(links):
        status = page.request.get(demo_url + href).status
        if status != 200:
            problems.append(f"dashboard link {href}: {status}")

    # Every entry of the side menu opens, is not an error, not an empty list.
    menu = [
        ((a.text_content() or "").strip(), a.get_attribute("href"))
        for a in page.locator(".fr-sidemenu__link").all()
    ]
    assert menu, "no side menu"
    details: list[str] = []
    for label, href in menu:
        response = page.goto(demo_url + href)
        name = _url_name(href)
        status = response.status if response else 0
        error = _error_page(page)
        if status != 200 or error:
            problems.append(f"{label} ({name}): {status} {error}")
            continue
        if name != "backoffice:dashboard":
            detail = _check_items(page, name, problems, empties)
            if detail and not detail.startswith(("http", "/admin/")):
                details.append(detail)
        _check_axe(page, name, seen, problems)

    # The first item of each list opens its page (one page per URL name, axe included).
    for href in details:
        name = _url_name(href)
        if name in seen:
            continue
        response = page.goto(demo_url + href)
        status = response.status if response else 0
        if status != 200 or (error := _error_page(page)):
            problems.append(f"detail {name} ({href}): {status} {_error_page(page)}")
            continue
        _check_axe(page, name, seen, problems)
        seen.add(name)
    print(f"{email}: menu {[label for label, _ in menu]}; empty with a way on: {empties}")
    print(f"{email}: pages checked {sorted(seen)}")
    assert not problems, "\n".join(problems)


def _citizen_lands_on_their_experiences(
    page: Any, base: str, user: Any, problems: list[str], seen: set[str]
) -> None:
    from parvis.voice.selectors import experiences_of_author

    assert page.url == base + reverse("voice:my_experiences"), page.url
    mine = experiences_of_author(user).count()
    shown = page.locator("main li .fr-card").count()
    if shown != mine or not mine:
        problems.append(f"Mes expériences shows {shown} experiences, the database {mine}")
    assert page.locator(".fr-sidemenu").count() == 0
    _check_axe(page, "voice:my_experiences", seen, problems)
    # The espace agents is not for citizens: back to their experiences, with a word why.
    page.goto(base + reverse("backoffice:dashboard"))
    if page.url != base + reverse("voice:my_experiences"):
        problems.append(f"a citizen reached {page.url}")
