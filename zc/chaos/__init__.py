"""`make chaos`: faults injected while filings and reviewer actions run, then a ledger of what
happened to every application (lost, duplicated, stuck) and how long recovery took.

- `stack.py`   the services (and a fake SMS provider) under supervisord, in databases and topics of
               their own; PostgreSQL and Kafka of the local stack, restarted through infra/ scripts;
- `load.py`    the benchmark's load generator (zc/load) paced for chaos, its requests retried with
               the same Idempotency-Key through restarts;
- `ledger.py`  reads every service's database and says, per application, what its Fate expects
               that is missing or there twice;
- `faults.py`  the faults, each an inject / heal pair;
- `run.py`     the phases and the table; exit 1 on any loss, duplicate or stuck case.
"""
