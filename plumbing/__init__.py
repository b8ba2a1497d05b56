"""Shared plumbing for the four services: event store, outbox relay, idempotent consumer,
logging, settings and HTTP helpers. No domain rules live here, and nothing connects at import."""
