"""The event-sourcing kernel: the store, the application (load, decide, save with causes), the
idempotent consumer, the outbox relay, projections, and the personal-data topics. Everything a
use case, a reaction or a projection stands on; nothing here speaks HTTP."""
