"""Renders a notice from its templates: `<language>/<kind>.txt` (subject, summary, text) and `.html`.

The HTML templates escape every variable; the text ones do not, since they are not HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from subgraphs.notifications.kinds import KINDS
from subgraphs.notifications.messages import words

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    summary: str
    text: str
    html: str


def _date(value: datetime | str | None, language: str) -> str:
    if not value:
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.strftime("%d/%m/%Y %H:%M UTC" if language == "es" else "%Y-%m-%d %H:%M UTC")


class Renderer:
    """One Jinja environment for all templates; `render` fills them for one notice."""

    def __init__(self, *, app_url: str, directory: Path = TEMPLATES) -> None:
        self.app_url = app_url.rstrip("/")
        self.env = Environment(loader=FileSystemLoader(directory), autoescape=select_autoescape(["html"]),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)

    def render(self, kind: str, language: str, context: dict[str, Any]) -> Rendered:
        variables = self._variables(kind, language, context)
        text = self.env.get_template(f"{language}/{kind}.txt")
        html = self.env.get_template(f"{language}/{kind}.html")
        return Rendered(
            subject=" ".join(_block(text, "subject", variables).split()),
            summary=" ".join(_block(text, "summary", variables).split()),
            text=text.render(variables).strip() + "\n",
            html=html.render(variables),
        )

    def _variables(self, kind: str, language: str, context: dict[str, Any]) -> dict[str, Any]:
        link = context.get("link")
        return {
            "audience": None, "person": {"first_name": ""}, **context, "language": language,
            "mandatory": KINDS[kind].mandatory, "app_url": self.app_url,
            "url": f"{self.app_url}{link}" if link else self.app_url,
            "status": partial(words.word, words.STATUS, language),
            "priority": partial(words.word, words.PRIORITY, language),
            "sla_clock": partial(words.word, words.SLA_CLOCK, language),
            "date": partial(_date, language=language),
        }


def _block(template: Template, name: str, variables: dict[str, Any]) -> str:
    if name not in template.blocks:
        return ""
    return "".join(template.blocks[name](template.new_context(variables)))
