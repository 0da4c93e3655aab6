"""The IA service as the kernel runs it: schema, settings, the sentence model, read models and background work."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.ia import store
from subgraphs.ia.analysis import jobs
from subgraphs.ia.analysis.worker import Analyst
from subgraphs.ia.classification.catalogue_match import CatalogueMatcher
from subgraphs.ia.classification.classify import Classifier
from subgraphs.ia.classification.training import Trainer, TrainingPolicy
from subgraphs.ia.consumers import RETIRED_TICKET_PATTERNS, TICKET_PATTERNS, Consumers, from_tickets
from subgraphs.ia.deps import IaDeps
from subgraphs.ia.graphql.schema import build_schema
from subgraphs.ia.readmodel import catalogue, people
from subgraphs.ia.settings import IaSettings
from subgraphs.ia.triage import TriageConfig, TriageModels
from subgraphs.ia.vectors.embedder import Embedder
from subgraphs.ia.vectors.index import VectorIndex
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.logging import get_logger
from subgraphs.kernel.runtime import Runtime
from telemetry import metrics

log = get_logger(__name__)


def _models(settings: IaSettings) -> TriageModels:
    config = TriageConfig(members=tuple(settings.triage_members))
    return TriageModels(settings.data_dir / "ia" / "models", config=config)


async def setup(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, IaSettings)
    db = runtime.db
    await store.ensure_indexes(db)
    embedder = Embedder(threads=settings.compute_threads)
    await embedder.load()  # seconds the first time: the service is ready once it can encode
    log.info("sentence model loaded")
    models = _models(settings)
    policy = TrainingPolicy(settings.train_min_labelled, timedelta(seconds=settings.train_debounce_seconds),
                            settings.train_max_examples)
    deps = IaDeps(settings=settings, db=db, outbox=runtime.outbox, embedder=embedder, models=models,
                  index=VectorIndex(db), trainer=Trainer(db, models, policy),
                  classifier=Classifier(models, CatalogueMatcher(db, embedder), threshold=settings.triage_threshold))
    analyst = Analyst(deps)
    runtime.state.update(ia=deps, ia_analyst=analyst)
    consumers = Consumers(db, analyst.nudge)
    runtime.consume("people", people.PATTERNS, consumers.on_person)
    runtime.consume("tickets", TICKET_PATTERNS, consumers.on_ticket, accepts=from_tickets)
    runtime.consume("catalogue", catalogue.PATTERNS, consumers.on_catalogue)
    if settings.events_resync and await db[store.CATALOGUE].estimated_document_count() == 0:
        # nothing learnt yet (a first start after tickets, or a wiped database): ask tickets to tell it again
        await runtime.outbox.transaction(catalogue.ask_for_resync)
    runtime.spawn("analysis", analyst.run)

    async def queue_depth() -> None:
        metrics.child(metrics.IA_QUEUE, "ia").set(await jobs.pending(db))

    runtime.samplers.append(queue_depth)
    every = max(0.5, min(5.0, settings.train_debounce_seconds / 2))

    async def train() -> None:
        await deps.trainer.run(every=every)

    runtime.spawn("training", train)


DEFINITION = SubgraphDefinition(
    name="ia",
    build_schema=build_schema,
    settings_class=IaSettings,
    setup=setup,
    consumers=(("people", people.PATTERNS), ("tickets", TICKET_PATTERNS), ("catalogue", catalogue.PATTERNS)),
    retired_bindings=(("tickets", RETIRED_TICKET_PATTERNS),),
)
