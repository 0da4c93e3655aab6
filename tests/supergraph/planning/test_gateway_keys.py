"""Multiple and compound keys, `resolvable: false`, and keys reached through another subgraph."""

from __future__ import annotations

from tests.supergraph.fixtures import keys
from tests.supergraph.gateway_harness import dedent, federation

COMPOUND_AND_MULTIPLE_KEYS = "{ tickets { title deadline unread } }"


async def test_compound_and_multiple_keys_plan() -> None:
    """Each subgraph is entered with a key it declares: the compound one for sla."""
    async with federation(keys.subgraphs()) as graph:
        assert graph.plan(COMPOUND_AND_MULTIPLE_KEYS) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "tickets") {
                  {
                    tickets {
                      title
                      __typename
                      id
                      number
                      company {
                        id
                      }
                    }
                  }
                },
                Parallel {
                  Flatten(path: "tickets.@") {
                    Fetch(service: "chat") {
                      {
                        ... on Ticket {
                          __typename
                          id
                        }
                      } =>
                      query ($representations: [_Any!]!) {
                        _entities(representations: $representations) {
                          ... on Ticket {
                            unread
                          }
                        }
                      }
                    }
                  },
                  Flatten(path: "tickets.@") {
                    Fetch(service: "sla") {
                      {
                        ... on Ticket {
                          __typename
                          number
                          company {
                            id
                          }
                        }
                      } =>
                      query ($representations: [_Any!]!) {
                        _entities(representations: $representations) {
                          ... on Ticket {
                            deadline
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_compound_and_multiple_keys_result() -> None:
    async with federation(keys.subgraphs()) as graph:
        result = await graph.execute(COMPOUND_AND_MULTIPLE_KEYS)
    assert result == {"data": {"tickets": [{"title": "Printer", "deadline": "c1-101-48h", "unread": 3}]}}


KEY_THROUGH_THIRD_SUBGRAPH = "{ recent { deadline } }"


async def test_key_through_third_subgraph_plan() -> None:
    """history knows only `id`: tickets supplies the compound key sla needs."""
    async with federation(keys.subgraphs()) as graph:
        assert graph.plan(KEY_THROUGH_THIRD_SUBGRAPH) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "history") {
                  {
                    recent {
                      __typename
                      id
                    }
                  }
                },
                Flatten(path: "recent.@") {
                  Fetch(service: "tickets") {
                    {
                      ... on Ticket {
                        __typename
                        id
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on Ticket {
                          number
                          company {
                            id
                          }
                        }
                      }
                    }
                  }
                },
                Flatten(path: "recent.@") {
                  Fetch(service: "sla") {
                    {
                      ... on Ticket {
                        __typename
                        number
                        company {
                          id
                        }
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on Ticket {
                          deadline
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_key_through_third_subgraph_result() -> None:
    async with federation(keys.subgraphs()) as graph:
        result = await graph.execute(KEY_THROUGH_THIRD_SUBGRAPH)
    assert result == {"data": {"recent": [{"deadline": "c1-101-48h"}]}}
