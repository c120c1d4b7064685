"""``record()``: headline numbers of a notebook for the benchmark table. Introduced in 00."""
from __future__ import annotations

import json
import math
import os
from numbers import Real

RECORD_ENV = "COURSE_RECORD"


def record(name: str, value: float) -> float:
    """Note a headline number (e.g. test accuracy) and return it unchanged.

    Nothing is written unless the benchmark command (``make bench``) sets ``COURSE_RECORD`` to a
    file; then one JSON line ``{"name": ..., "value": ...}`` is appended to it.

    Raises
    ------
    ValueError
        When ``name`` is empty or ``value`` is not a finite real number.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"record() needs a non-empty name, got {name!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"record({name!r}, ...) needs a number, got {type(value).__name__}.") from None
    if isinstance(value, bool) or not isinstance(number, Real) or not math.isfinite(number):
        raise ValueError(f"record({name!r}, {value!r}): the value must be a finite number.")
    target = os.environ.get(RECORD_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"name": name, "value": number}) + "\n")
    return value
