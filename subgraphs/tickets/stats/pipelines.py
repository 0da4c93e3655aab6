"""Aggregation pipelines of the ticket statistics (pure builders; the scope `$match` comes first).

Durations are business seconds (opening hours only, pauses excluded), as the SLA clocks record
them. Percentiles use `$percentile` (MongoDB 7+, and SecantusDB): server-side, nearest rank.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

PERCENTILES = (0.5, 0.9, 0.95)
Pipeline = list[dict[str, Any]]


class Interval(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def _is_set(path: str) -> dict[str, Any]:
    return {"$ne": [{"$ifNull": [path, None]}, None]}


def _count_if(condition: dict[str, Any]) -> dict[str, Any]:
    return {"$sum": {"$cond": [condition, 1, 0]}}


def counts_by(field: str) -> Pipeline:
    return [{"$group": {"_id": f"${field}", "count": {"$sum": 1}}}, {"$sort": {"count": -1, "_id": 1}}]


def durations(path: str) -> Pipeline:
    value = f"${path}"
    return [
        {"$match": {path: {"$ne": None}}},
        {"$group": {"_id": None, "count": {"$sum": 1}, "average": {"$avg": value},
                    "percentiles": {"$percentile": {"input": value, "p": list(PERCENTILES), "method": "approximate"}}}},
    ]


def compliance() -> Pipeline:
    return [{"$group": {
        "_id": None,
        "responseMet": _count_if({"$eq": ["$sla.responseMet", True]}),
        "responseMissed": _count_if({"$eq": ["$sla.responseMet", False]}),
        "resolutionMet": _count_if({"$eq": ["$sla.resolutionMet", True]}),
        "resolutionMissed": _count_if({"$eq": ["$sla.resolutionMet", False]}),
        "breached": _count_if({"$or": [_is_set("$sla.responseBreachedAt"), _is_set("$sla.resolutionBreachedAt")]}),
    }}]


def agents() -> Pipeline:
    """Per agent who resolved tickets: how many, and the average rating of those rated."""
    return [
        {"$match": {"resolverId": {"$ne": None}}},
        {"$group": {"_id": "$resolverId", "resolved": {"$sum": 1}, "rated": _count_if(_is_set("$rating.score")),
                    "averageRating": {"$avg": "$rating.score"}}},
        {"$sort": {"resolved": -1, "_id": 1}},
    ]


def backlog(start: datetime, end: datetime, interval: Interval, timezone: str) -> Pipeline:
    """Open tickets at the end of each interval: +1 at creation, -1 when done, summed in order.

    Marks before `start` fall into the first interval, so it starts from the backlog carried in.
    Intervals without a mark are absent; the caller carries the last value through them.
    """
    truncate: dict[str, Any] = {"date": {"$max": ["$mark.at", start]}, "unit": interval.value, "timezone": timezone}
    if interval is Interval.WEEK:
        truncate["startOfWeek"] = "monday"
    return [
        {"$project": {"mark": [{"at": "$createdAt", "delta": 1}, {"at": "$doneAt", "delta": -1}]}},
        {"$unwind": "$mark"},
        {"$match": {"mark.at": {"$ne": None, "$lt": end}}},
        {"$group": {"_id": {"$dateTrunc": truncate}, "delta": {"$sum": "$mark.delta"}}},
        {"$setWindowFields": {"sortBy": {"_id": 1}, "output": {"open": {
            "$sum": "$delta", "window": {"documents": ["unbounded", "current"]}}}}},
    ]
