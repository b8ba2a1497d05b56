"""Integration contracts: the only code the services share.

Events travel as an `Envelope` whose `payload` is one of the models in `events`.
Topic names and message keys are defined once, in `topics`.
"""
from contracts.envelope import Actor, Envelope, Role
from contracts.registry import EVENT_TYPES, decode

__all__ = ["Actor", "Envelope", "Role", "EVENT_TYPES", "decode"]
