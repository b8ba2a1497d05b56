"""structlog set-up shared by every service: JSON lines (unless on a terminal), the bound
correlation id on every line (and the current span's trace and span ids when tracing is on), and
no full resident ID or phone number ever written."""
from __future__ import annotations

import logging
import sys

import structlog

from contracts.personal_data import redact
from plumbing.tracing import current_ids



def _redact_values(_, __, event_dict: dict) -> dict:
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = redact(value)
    return event_dict


def _span_ids(_, __, event_dict: dict) -> dict:
    """The current span's trace_id and span_id (plumbing/tracing.py), when one is recording: a line
    written inside a request or a consumed event names the span it belongs to."""
    event_dict.update(current_ids())
    return event_dict


def configure(service: str, *, json: bool | None = None, level: int = logging.INFO) -> None:
    use_json = (not sys.stderr.isatty()) if json is None else json
    renderer = structlog.processors.JSONRenderer(ensure_ascii=False) if use_json else structlog.dev.ConsoleRenderer()
    shared = [
        structlog.contextvars.merge_contextvars,
        _span_ids,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, _redact_values, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # Libraries log through the standard library (FastStream, aiokafka, uvicorn): their lines get
    # the same processors, so a failure inside a framework is a JSON line with our context too.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, structlog.processors.format_exc_info,
                    _redact_values, renderer]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.captureWarnings(True)  # Python's warnings (deprecations at import) as JSON lines too
    route_framework_loggers()


FRAMEWORKS = ("faststream", "uvicorn", "aiokafka", "kafka")


def route_framework_loggers() -> None:
    """The frameworks' own loggers write through the root's JSON handler, not their own: FastStream
    gives its loggers a coloured text handler on stdout (when it creates them, so this runs again
    once a broker has started), uvicorn's are left unconfigured (`serve` passes log_config=None).
    FastStream: its errors and warnings (a failing subscriber), not a line per batch received."""
    for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] in FRAMEWORKS]:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("faststream").setLevel(logging.WARNING)


def get_logger(name: str | None = None):
    return structlog.get_logger(name)
