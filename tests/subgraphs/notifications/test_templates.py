"""Every kind of notice has its words in Spanish and English, plain and HTML, and what people typed is
never taken for markup."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from subgraphs.notifications.kinds import CATALOGUE
from subgraphs.notifications.messages.render import TEMPLATES, Renderer
from subgraphs.notifications.messages.words import LANGUAGES

EVIL = '<script>alert("x")</script>'
TICKET = {"id": "t1", "reference": "TKT-2026-000042", "title": f"Printer {EVIL}", "status": "open",
          "priority": "critical"}
WHEN = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)

SAMPLES: dict[str, dict[str, Any]] = {
    "ticket_created": {"ticket": TICKET},
    "ticket_assigned": {"ticket": TICKET, "audience": "assignee", "actor": "Ada Admin", "assignee": "Bo Agent"},
    "ticket_status_changed": {"ticket": TICKET, "from_status": "open", "to_status": "on_hold", "reason": EVIL},
    "ticket_delegated": {"ticket": TICKET, "audience": "intern", "intern": "Ian Intern", "tutor": "Bo Agent"},
    "ticket_commented": {"ticket": TICKET, "author": "Bo Agent", "excerpt": EVIL, "internal": False},
    "ticket_mentioned": {"ticket": TICKET, "author": "Bo Agent", "excerpt": EVIL, "internal": False},
    "chat_unread": {"ticket": TICKET, "count": 7, "messages": [{"author": "Bo Agent", "text": EVIL}]},
    "sla_warning": {"ticket": TICKET, "audience": "admin", "clock": "response", "due_at": WHEN, "assignee": None},
    "sla_breached": {"ticket": TICKET, "audience": "assignee", "clock": "resolution", "due_at": WHEN.isoformat(),
                     "assignee": "Bo Agent"},
    "ticket_rated": {"ticket": TICKET, "rating": 4, "comment": EVIL, "rater": "Cy Customer"},
    "assignment_needed": {"ticket": TICKET, "care_group": f"Network {EVIL}"},
    "welcome": {"email": "cy@example.test", "company": "ACME", "set_password_url": "https://app.test/set?token=t",
                "expires_at": WHEN.isoformat()},
    "password_reset": {"email": "cy@example.test", "reset_url": "https://app.test/reset?token=t",
                       "expires_at": WHEN.isoformat(), "requested_from": "10.0.0.1"},
    "password_changed": {"email": "cy@example.test", "changed_at": WHEN},
    "access_code_changed": {"company": f"ACME {EVIL}", "changed_at": WHEN},
}
CASES = [(kind.key, language) for kind in CATALOGUE for language in LANGUAGES]


def test_every_kind_has_a_sample_here() -> None:
    assert set(SAMPLES) == {kind.key for kind in CATALOGUE}


@pytest.mark.parametrize(("kind", "language"), CASES)
def test_each_kind_renders_in_each_language(kind: str, language: str) -> None:
    assert (TEMPLATES / language / f"{kind}.txt").exists() and (TEMPLATES / language / f"{kind}.html").exists()
    rendered = Renderer(app_url="https://app.test").render(kind, language, {
        **SAMPLES[kind], "person": {"first_name": "Cy"}, "link": "/tickets/t1"})
    assert rendered.subject and "\n" not in rendered.subject and len(rendered.subject) < 120
    assert rendered.text.startswith("Hola Cy:" if language == "es" else "Hello Cy,")
    assert "<script>" not in rendered.html and f'<html lang="{language}">' in rendered.html
    if EVIL in str(SAMPLES[kind]):
        assert "&lt;script&gt;" in rendered.html
    if "ticket" in SAMPLES[kind]:
        assert "TKT-2026-000042" in rendered.subject and "https://app.test/tickets/t1" in rendered.html


def test_the_two_languages_say_different_words() -> None:
    renderer = Renderer(app_url="https://app.test")
    spanish, english = (renderer.render("sla_breached", lang, {**SAMPLES["sla_breached"], "link": None})
                        for lang in ("es", "en"))
    assert spanish.subject == "El ticket TKT-2026-000042 incumplió su plazo de resolución"
    assert english.subject == "Ticket TKT-2026-000042 missed its resolution deadline"
    assert "02/03/2026 17:30 UTC" in spanish.text and "2026-03-02 17:30 UTC" in english.text
