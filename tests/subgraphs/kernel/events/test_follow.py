"""A value a replica reads from the database while an event changes it is not kept over the change: a principal
read while its person was deactivated would otherwise be served for the cache's minute (FollowedCache)."""

from __future__ import annotations

from collections.abc import Iterable

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.follow import FollowedCache


def person_of(event: Event) -> Iterable[str]:
    return (f"user:{event.data['userId']}",)


def deactivated(user_id: str) -> Event:
    return Event("user.deactivated", {"userId": user_id})


def test_a_value_read_while_its_person_changed_is_not_kept() -> None:
    cache: FollowedCache[str, str] = FollowedCache(("user.*",), person_of)
    since = cache.began()  # a request begins reading ann's principal
    cache.forget([deactivated("ann")])  # ann's deactivation commits while it reads
    cache.put("ann", "ann, active", ("user:ann",), since=since)
    assert cache.get("ann") is None  # the next request reads again, and finds her deactivated
    since = cache.began()
    cache.put("ann", "ann, deactivated", ("user:ann",), since=since)
    assert cache.get("ann") == "ann, deactivated"


def test_a_change_to_someone_else_keeps_what_was_read() -> None:
    cache: FollowedCache[str, str] = FollowedCache(("user.*",), person_of)
    since = cache.began()
    cache.forget([deactivated("bob")])
    cache.put("ann", "ann", ("user:ann",), since=since)
    assert cache.get("ann") == "ann"


def test_a_read_begun_before_the_changes_were_let_go_is_not_kept() -> None:
    """The cache remembers which tags changed up to `limit` of them; past that it lets them go, and a read begun
    before cannot be told apart from one that missed a change."""
    cache: FollowedCache[str, str] = FollowedCache(("user.*",), person_of, limit=2)
    since = cache.began()
    cache.forget([deactivated("ann"), deactivated("bob"), deactivated("cy")])
    cache.put("dan", "dan", ("user:dan",), since=since)
    assert cache.get("dan") is None
    cache.put("dan", "dan", ("user:dan",), since=cache.began())
    assert cache.get("dan") == "dan"


def test_only_the_followed_events_forget_what_a_replicas_own_commits_tell() -> None:
    """A replica's own commits are told with every event they wrote; one the cache does not follow (a ticket event
    carries the company's id too) must not make it forget, as it does not on the other replicas, which hear only
    the followed events through the live feed."""

    def desk_of(event: Event) -> Iterable[str]:
        return (f"desk:{event.data['companyId']}",)

    cache: FollowedCache[str, str] = FollowedCache(("desk.updated",), desk_of)
    cache.put("acme", "nine to six", ("desk:acme",), since=cache.began())
    cache.forget([Event("ticket.created", {"companyId": "acme"})])
    assert cache.get("acme") == "nine to six"
    cache.forget([Event("desk.updated", {"companyId": "acme"})])
    assert cache.get("acme") is None
