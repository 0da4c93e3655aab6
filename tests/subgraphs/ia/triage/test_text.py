"""Ticket text normalisation."""

from __future__ import annotations

from subgraphs.ia.triage.text import normalise, ticket_text


def test_normalise_folds_case_spaces_and_volatile_values() -> None:
    text = "  VPN   down since 09:30 — see https://status.example.com or mail ops@example.com\n"
    assert normalise(text) == "vpn down since numtoken — see urltoken or mail emailtoken"


def test_normalise_tolerates_empty_text() -> None:
    assert normalise("") == ""


def test_ticket_text_joins_title_and_description() -> None:
    assert ticket_text("Printer jam", "  second floor ") == "Printer jam second floor"
    assert ticket_text("Printer jam", None) == "Printer jam"
