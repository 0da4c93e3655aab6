"""Subscription plans: the primary fetch opens the stream, entity fetches complete events."""

from __future__ import annotations

from tests.supergraph.fixtures import subscriptions
from tests.supergraph.gateway_harness import compose_subgraphs, dedent, plan_text

SUBSCRIPTION = "subscription($t: ID!) { messageAdded(ticketId: $t) { text author { name } } }"


def test_subscription_plan() -> None:
    supergraph = compose_subgraphs(subscriptions.subgraphs())
    assert plan_text(supergraph, SUBSCRIPTION) == dedent("""
        QueryPlan {
          Subscription {
            Primary: {
              Fetch(service: "chat") {
                subscription ($t: ID!) {
                  messageAdded(ticketId: $t) {
                    text
                    author {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Rest: {
              Flatten(path: "messageAdded.author") {
                Fetch(service: "users") {
                  {
                    ... on User {
                      __typename
                      id
                    }
                  } =>
                  query ($representations: [_Any!]!) {
                    _entities(representations: $representations) {
                      ... on User {
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }
    """)


async def test_subscriptions_are_refused_over_http() -> None:
    from tests.supergraph.gateway_harness import federation

    async with federation(subscriptions.subgraphs()) as graph:
        result = await graph.execute(SUBSCRIPTION, {"t": "t1"})
    assert result["errors"][0]["message"] == "Subscriptions are served over WebSocket."
