"""The gateway relays `/files/<service>/<key>` to that subgraph's `/files/<key>` and nowhere else."""

from __future__ import annotations

import pytest

from supergraph.server.files import upstream_url

URLS = {"tickets": "http://tickets.internal:3002/graphql", "chat": "http://chat.internal:3003/graphql"}


def test_a_file_path_maps_to_its_service_keeping_the_signature() -> None:
    url = upstream_url("/files/tickets/tickets/acme/Ab_9-x.png", b"expires=1&signature=ab", URLS)
    assert str(url) == "http://tickets.internal:3002/files/tickets/acme/Ab_9-x.png?expires=1&signature=ab"


@pytest.mark.parametrize("path", [
    "/files/users/photos/a.png",  # a service the supergraph does not have
    "/files/tickets/../graphql", "/files/tickets/a/../../graphql", "/files/tickets/%2e%2e/graphql",
    "/files/tickets//etc/passwd", "/files/tickets/", "/files/tickets", "/files/tickets/.hidden",
])
def test_paths_that_could_leave_the_services_files_are_refused(path: str) -> None:
    assert upstream_url(path, b"", URLS) is None
