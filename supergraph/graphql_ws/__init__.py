"""The graphql-transport-ws protocol, spoken by clients to the gateway and by the gateway to
subgraphs: messages, close codes, decoding (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md)."""

SUBPROTOCOL = "graphql-transport-ws"
