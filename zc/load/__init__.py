"""The season's load: many applicants filing over HTTP while unit reviewers act.

Reused by `make bench` (section 1, rising rates) and by any drill that needs real traffic through the
four services. `python -m zc.load --help` runs one step in its own process; `zc.load.stack` starts
the four services on their own databases and topics; `zc.load.verify` checks every filing reached
its expected state with each SMS sent once.
"""
