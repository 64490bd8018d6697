"""Python names to API names, and the list grammar's query string."""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

_SNAKE = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """``page_size`` → ``pageSize``, ``async_`` → ``async``; API names (``pageSize``) stay as they are."""
    return _SNAKE.sub(lambda m: m.group(1).upper(), name.rstrip("_"))


def api_names(values: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level keyword arguments to API field names (nested objects are passed as the API spells them)."""
    return {camel(k): v for k, v in values.items() if v is not None}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def _scalar_or_list(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_scalar(v) for v in value)
    return _scalar(value)


def query_string(query: Mapping[str, Any]) -> str:
    """``{"status": "active", "created_at": {"gt": "2024-01-01"}}`` → ``?status=active&createdAt%5Bgt%5D=2024-01-01``."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        if value is None:
            continue
        name = camel(key)
        if isinstance(value, Mapping):
            for op, operand in value.items():
                if operand is not None:
                    pairs.append((name if op == "eq" else f"{name}[{op}]", _scalar_or_list(operand)))
        else:
            pairs.append((name, _scalar_or_list(value)))
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""


def path(template: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if not value:
            raise ValueError(f"missing path parameter {match.group(1)!r} for {template}")
        return urllib.parse.quote(str(value), safe="")

    return re.sub(r"\{(\w+)\}", replace, template)


