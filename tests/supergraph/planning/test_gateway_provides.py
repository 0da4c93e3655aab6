"""`@provides`: a provided field is read from the providing subgraph, on objects, unions and interfaces."""

from __future__ import annotations

from tests.supergraph.fixtures import provides
from tests.supergraph.gateway_harness import dedent, federation

PROVIDES_ON_OBJECT = "{ ticket { assignee { name } } }"


async def test_provides_on_object_plan() -> None:
    """`name` comes with the ticket: no entity fetch."""
    async with federation(provides.subgraphs()) as graph:
        assert graph.plan(PROVIDES_ON_OBJECT) == dedent("""
            QueryPlan {
              Fetch(service: "tickets") {
                {
                  ticket {
                    assignee {
                      name
                    }
                  }
                }
              }
            }
        """)


async def test_provides_on_object_result() -> None:
    async with federation(provides.subgraphs()) as graph:
        result = await graph.execute(PROVIDES_ON_OBJECT)
    assert result == {"data": {"ticket": {"assignee": {"name": "Grace (provided)"}}}}


PROVIDES_ON_UNION = "{ assignees { ... on Agent { name email } ... on Bot { name } } }"


async def test_provides_on_union_plan() -> None:
    """Provided for Agent only: Bot's name needs users."""
    async with federation(provides.subgraphs()) as graph:
        assert graph.plan(PROVIDES_ON_UNION) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "tickets") {
                  {
                    assignees {
                      __typename
                      ... on Agent {
                        name
                        __typename
                        id
                      }
                      ... on Bot {
                        __typename
                        id
                      }
                    }
                  }
                },
                Flatten(path: "assignees.@") {
                  Fetch(service: "users") {
                    {
                      ... on Agent {
                        __typename
                        id
                      }
                      ... on Bot {
                        __typename
                        id
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on Agent {
                          email
                        }
                        ... on Bot {
                          name
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_provides_on_union_result() -> None:
    async with federation(provides.subgraphs()) as graph:
        result = await graph.execute(PROVIDES_ON_UNION)
    assert result == {
        "data": {"assignees": [{"name": "Grace (provided)", "email": "grace@example.com"}, {"name": "from-users"}]}
    }


PROVIDES_ON_INTERFACE = "{ members { name } }"


async def test_provides_on_interface_plan() -> None:
    """Provided through a fragment on an interface field."""
    async with federation(provides.subgraphs()) as graph:
        assert graph.plan(PROVIDES_ON_INTERFACE) == dedent("""
            QueryPlan {
              Fetch(service: "tickets") {
                {
                  members {
                    __typename
                    ... on Agent {
                      name
                    }
                  }
                }
              }
            }
        """)


async def test_provides_on_interface_result() -> None:
    async with federation(provides.subgraphs()) as graph:
        result = await graph.execute(PROVIDES_ON_INTERFACE)
    assert result == {"data": {"members": [{"name": "Grace (provided)"}]}}
