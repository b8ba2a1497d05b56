"""notify's pure core: no I/O, time and the plan come in as arguments.

Flow for one event: `routing.route(envelope, plan)` -> Message intents; the adapter looks each
recipient up in its directory (fed by `recipients.contact_updates`); `compose.compose(...)` ->
an Outgoing SMS (text rendered by `templates`, redacted, keyed by `dedup`) or NotificationFailed.
`rate_limit`, `quiet_hours` and `retry` say when to send; `reminders` says whom to remind.
"""
