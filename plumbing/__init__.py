"""Shared plumbing for the four services. `core/` is the event-sourcing kernel (store, application,
consumer, relay, projection); `edges/` is what faces the outside (HTTP, security, metrics, Kafka
administration); settings, logging, the clock and the process runtime stay at this level. No domain
rules live here, and nothing connects at import."""
