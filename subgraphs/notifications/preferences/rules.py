"""What a person's choices mean: everything is on until switched off; security mail cannot be."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from subgraphs.kernel.errors import BadUserInput
from subgraphs.notifications.kinds import KINDS, Channel, Kind

Choices = Mapping[str, Mapping[str, bool]]  # kind -> channel -> enabled


@dataclass(frozen=True)
class Setting:
    channel: Channel
    enabled: bool
    mandatory: bool


def settings_for(kind: Kind, choices: Choices) -> list[Setting]:
    """Each channel `kind` can use, as the person has it (defaults: on)."""
    chosen = choices.get(kind.key, {})
    result = []
    for channel in sorted(kind.channels):
        mandatory = kind.mandatory and channel is Channel.EMAIL
        result.append(Setting(channel, mandatory or chosen.get(channel.value, True), mandatory))
    return result


def channels_for(kind: Kind, choices: Choices) -> frozenset[Channel]:
    return frozenset(s.channel for s in settings_for(kind, choices) if s.enabled)


def check_change(kind_key: str, channel: Channel, enabled: bool) -> Kind:
    """The kind a change is about, when the change is allowed at all."""
    kind = KINDS.get(kind_key)
    if kind is None:
        raise BadUserInput(f"there is no notice kind {kind_key}", field="kind")
    if channel not in kind.channels:
        raise BadUserInput(f"{kind_key} is never sent by {channel.value}", field="channel")
    if kind.mandatory and channel is Channel.EMAIL and not enabled:
        raise BadUserInput(f"{kind_key} is a security mail and cannot be switched off", field="enabled")
    return kind
