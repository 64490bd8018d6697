"""Errors the client raises."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

from .models import ErrorErrorsItem


class ApiError(Exception):
    """The gateway answered with an error: ``{code, message, errors?, requestId}``.

    ``code`` is the business code (40001 validation, 40401 not found, 42901 rate limited, 50401 the device did
    not reply in time, …), ``status`` the HTTP status.
    """

    code: int
    status: int
    message: str
    errors: list[ErrorErrorsItem]
    """the fields at fault (40001): ``[{"field": "email", "message": "…"}]``"""
    request_id: str | None
    retry_after: float | None
    """seconds to wait before retrying (429)"""
    data: Any
    """extra data: on 50401, the command that got no reply in time"""
    headers: Mapping[str, str]

    def __init__(self, status: int, body: Any, headers: Mapping[str, str]) -> None:
        body = body if isinstance(body, dict) else {}
        self.status = status
        self.code = body["code"] if isinstance(body.get("code"), int) else status * 100 + 1
        self.message = body.get("message") or f"HTTP {status}"
        self.errors = body.get("errors") if isinstance(body.get("errors"), list) else []
        self.request_id = body.get("requestId") or _get(headers, "x-request-id")
        retry_after = body.get("retryAfter")
        self.retry_after = float(retry_after) if isinstance(retry_after, (int, float)) else _retry_after(headers)
        self.data = body.get("data")
        self.headers = headers
        super().__init__(self.message)

    def __str__(self) -> str:
        fields = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in self.errors)
        return f"{self.code} {self.message}" + (f" ({fields})" if fields else "") + (
            f" [request {self.request_id}]" if self.request_id else ""
        )

    def __repr__(self) -> str:
        return f"ApiError(status={self.status}, code={self.code}, message={self.message!r}, request_id={self.request_id!r})"


class ApiConnectionError(Exception):
    """The request got no answer: connection refused or reset, DNS failure, …"""


class ApiTimeoutError(ApiConnectionError):
    """No answer within the client's timeout."""


def _get(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = _get(headers, "retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None
