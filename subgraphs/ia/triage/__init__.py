"""Ticket triage: a classifier that learns a company's labels from ticket text and says how sure it is."""

from subgraphs.ia.triage.examples import TrainingSet
from subgraphs.ia.triage.model import SPARSE_MEMBERS, TriageClassifier, TriageConfig
from subgraphs.ia.triage.prediction import Prediction, needing_review
from subgraphs.ia.triage.registry import TriageModels
from subgraphs.ia.triage.service import AsyncTriage

__all__ = [
    "SPARSE_MEMBERS",
    "AsyncTriage",
    "Prediction",
    "TrainingSet",
    "TriageClassifier",
    "TriageConfig",
    "TriageModels",
    "needing_review",
]
