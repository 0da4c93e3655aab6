"""`@interfaceObject` and entity interfaces."""

from __future__ import annotations

from tests.supergraph.fixtures import interface_object
from tests.supergraph.gateway_harness import dedent, federation

INTERFACE_OBJECT_ADDS_FIELD = "{ people { id unread ... on Agent { team } } }"


async def test_interface_object_adds_field_plan() -> None:
    """notifications adds `unread` to every Account, asked as the interface."""
    async with federation(interface_object.subgraphs()) as graph:
        assert graph.plan(INTERFACE_OBJECT_ADDS_FIELD) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "users") {
                  {
                    people {
                      __typename
                      ... on Agent {
                        id
                        team
                        __typename
                      }
                      ... on Customer {
                        id
                        __typename
                      }
                    }
                  }
                },
                Flatten(path: "people.@") {
                  Fetch(service: "notifications") {
                    {
                      ... on Agent as Account {
                        __typename
                        id
                      }
                      ... on Customer as Account {
                        __typename
                        id
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on Account {
                          unread
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_interface_object_adds_field_result() -> None:
    async with federation(interface_object.subgraphs()) as graph:
        result = await graph.execute(INTERFACE_OBJECT_ADDS_FIELD)
    assert result == {"data": {"people": [{"id": "a1", "unread": 4}, {"id": "a2", "unread": 4, "team": "L2"}]}}


CONCRETE_TYPE_FROM_OWNER = "{ noisiest { unread __typename ... on Customer { plan } } }"


async def test_concrete_type_from_owner_plan() -> None:
    """notifications only knows `Account`: users tells the concrete type."""
    async with federation(interface_object.subgraphs()) as graph:
        assert graph.plan(CONCRETE_TYPE_FROM_OWNER) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "notifications") {
                  {
                    noisiest {
                      unread
                      __typename
                      id
                    }
                  }
                },
                Flatten(path: "noisiest.@") {
                  Fetch(service: "users") {
                    {
                      ... on Account {
                        __typename
                        id
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on Account {
                          __typename
                          ... on Agent {
                            __typename
                          }
                          ... on Customer {
                            __typename
                            plan
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_concrete_type_from_owner_result() -> None:
    async with federation(interface_object.subgraphs()) as graph:
        result = await graph.execute(CONCRETE_TYPE_FROM_OWNER)
    assert result == {"data": {"noisiest": [{"unread": 9, "__typename": "Agent"}]}}
