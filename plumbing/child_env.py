"""The one place that reads this process's whole environment: to build a child process's.

Configuration is read through settings classes only (plumbing/settings.py, contracts/settings.py,
each service's settings.py); tests/unit/test_one_configuration_channel.py fails on any other
`os.environ` / `os.getenv`. A child process (a service under supervision, a stack script, the load
generator) inherits what its parent was given, so building its environment is the one exception.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping


def child_environment(overrides: Mapping[str, str] | None = None, *, drop: tuple[str, ...] = (),
                      keep: Callable[[str], bool] | None = None) -> dict[str, str]:
    """This process's environment for a child: without `drop`, only names `keep` accepts (all when
    None), then `overrides` on top."""
    inherited = {k: v for k, v in os.environ.items() if k not in drop and (keep is None or keep(k))}
    return {**inherited, **(overrides or {})}
