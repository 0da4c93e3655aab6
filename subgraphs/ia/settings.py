"""Settings of the IA service on top of the kernel's."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from subgraphs.ia.triage.members import MEMBERS
from subgraphs.ia.triage.model import TriageConfig
from subgraphs.kernel.settings import ServiceSettings, _env


class IaSettings(ServiceSettings):
    # Triage: a prediction below this confidence is not applied and the ticket is flagged for a person.
    triage_threshold: float = Field(0.6, ge=0.0, le=1.0, validation_alias=_env("IA_TRIAGE_THRESHOLD"))
    # A company gets a classifier of its own once this many of its tickets carry a person's labels.
    train_min_labelled: int = Field(20, ge=2, le=100_000, validation_alias=_env("IA_TRAIN_MIN_LABELLED"))
    # Training waits this long after the last new label, so a burst of corrections trains once.
    train_debounce_seconds: float = Field(60.0, ge=0.0, le=86_400, validation_alias=_env("IA_TRAIN_DEBOUNCE_SECONDS"))
    train_max_examples: int = Field(20_000, ge=10, validation_alias=_env("IA_TRAIN_MAX_EXAMPLES"))
    # The classifier's members (subgraphs/ia/triage/members.py), by default the benchmark's (TriageConfig);
    # without token_head (MiniLM) training takes seconds.
    triage_members: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(TriageConfig().members),
        validation_alias=_env("IA_TRIAGE_MEMBERS"))
    # Similar tickets: at least this cosine similarity to be shown; a likely duplicate needs the second.
    similar_min: float = Field(0.45, ge=0.0, le=1.0, validation_alias=_env("IA_SIMILAR_MIN"))
    duplicate_min: float = Field(0.9, ge=0.0, le=1.0, validation_alias=_env("IA_DUPLICATE_MIN"))
    duplicate_window_days: int = Field(7, ge=1, le=365, validation_alias=_env("IA_DUPLICATE_WINDOW_DAYS"))
    # Fair assignment: how far back agents' resolutions count, and when an open ticket is stagnant.
    assignment_window_days: int = Field(30, ge=1, le=365, validation_alias=_env("IA_ASSIGNMENT_WINDOW_DAYS"))
    stagnant_hours: float = Field(24.0, ge=0.5, le=24 * 90, validation_alias=_env("IA_STAGNANT_HOURS"))
    # The analysis worker: how many tickets it encodes in one batch, and how often it looks for work.
    batch_size: int = Field(32, ge=1, le=512, validation_alias=_env("IA_BATCH_SIZE"))
    poll_seconds: float = Field(1.0, ge=0.01, le=60, validation_alias=_env("IA_POLL_SECONDS"))
    # Threads the model (torch) and the vector search (BLAS) compute with. One by default: on a host the IA shares
    # with other services, a second thread bought little time and cost the others a third more processor (it spins
    # while it waits; measured in benchmarks/workload/RESULTS.md). An IA with cores of its own may raise it to them.
    compute_threads: int = Field(1, ge=1, le=256, validation_alias=_env("IA_COMPUTE_THREADS"))

    @field_validator("triage_members", mode="before")
    @classmethod
    def _split_members(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("triage_members")
    @classmethod
    def _known_members(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in MEMBERS]
        if unknown or not value:
            raise ValueError(f"unknown or no members {unknown}; choose among {', '.join(sorted(MEMBERS))}")
        return value
