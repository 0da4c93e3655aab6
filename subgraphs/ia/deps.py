"""The IA service's shared parts, built once at start and reached from any resolver or background task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from subgraphs.ia.assignment.service import Windows
from subgraphs.ia.classification.classify import Classifier
from subgraphs.ia.classification.training import Trainer
from subgraphs.ia.settings import IaSettings
from subgraphs.ia.triage import TriageModels
from subgraphs.ia.vectors.embedder import Embedder
from subgraphs.ia.vectors.index import VectorIndex
from subgraphs.kernel.events.outbox import Outbox
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.mongo import Database


@dataclass
class IaDeps:
    settings: IaSettings
    db: Database
    outbox: Outbox
    embedder: Embedder
    models: TriageModels
    index: VectorIndex
    classifier: Classifier
    trainer: Trainer

    @property
    def windows(self) -> Windows:
        return Windows(history=timedelta(days=self.settings.assignment_window_days),
                       stagnant=timedelta(hours=self.settings.stagnant_hours))


def deps_of(ctx: RequestContext) -> IaDeps:
    return ctx.runtime.state["ia"]
