"""Traces and metrics every process of the product shares: the gateway and each subgraph.

`telemetry.tracing` follows one operation across hops with OpenTelemetry and W3C `traceparent` (off unless an OTLP
endpoint is set); `telemetry.metrics` holds the Prometheus metrics and serves `/metrics`. This package imports neither
the gateway nor any subgraph, so both can use it."""
