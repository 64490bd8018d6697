"""Requests from the operation table (standard library only: urllib), and the retries that are safe."""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._query import path as expand_path
from ._query import query_string
from ._version import __version__
from .errors import ApiConnectionError, ApiError, ApiTimeoutError
from .models import OPERATIONS

DEFAULT_BASE_URL = "https://api.enterprise-platform.com/v1"
_NETWORK_BACKOFF = 0.5
_MAX_NETWORK_BACKOFF = 8.0


@dataclass
class RequestOptions:
    """Per-call options (``options=RequestOptions(...)`` on any method)."""

    idempotency_key: str | None = None
    """sent as ``Idempotency-Key`` (send_command, command batch); makes a POST retryable"""
    request_id: str | None = None
    """sent as ``X-Request-ID`` (echoed back, and in every log line of the request)"""
    timeout: float | None = None
    """seconds; overrides the client's timeout"""
    max_retries: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    body: Any


Transport = Callable[[str, str, Mapping[str, str], bytes | None, float], tuple[int, Mapping[str, str], bytes]]
"""``(method, url, headers, body, timeout) -> (status, headers, body)``; raises OSError on a network failure."""


def urllib_transport(
    method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
) -> tuple[int, Mapping[str, str], bytes]:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


class HttpClient:
    def __init__(
        self,
        *,
        api_key: str | None,
        access_token: str | Callable[[], str] | None,
        base_url: str | None,
        timeout: float,
        max_retries: int,
        max_retry_delay: float,
        accept_language: str | None,
        headers: Mapping[str, str] | None,
        transport: Transport | None,
    ) -> None:
        api_key = api_key or (None if access_token else os.environ.get("ENTERPRISE_PLATFORM_API_KEY"))
        if not api_key and not access_token:
            raise ValueError("Client: give api_key (or access_token), or set ENTERPRISE_PLATFORM_API_KEY")
        self._credential: str | Callable[[], str] = access_token or api_key  # type: ignore[assignment]
        base = base_url or os.environ.get("ENTERPRISE_PLATFORM_BASE_URL") or DEFAULT_BASE_URL
        # the operation table's paths start with /v1; the default base URL (as in the seed) ends with it
        base = base.rstrip("/")
        self.origin = base[: -len("/v1")] if base.endswith("/v1") else base
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_delay = max_retry_delay
        self.accept_language = accept_language
        self.headers = dict(headers or {})
        self.transport: Transport = transport or urllib_transport

    def request(
        self,
        operation: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        options: RequestOptions | None = None,
    ) -> Response:
        """Calls an operation; returns the answer of a 2xx, raises ApiError otherwise."""
        options = options or RequestOptions()
        method, template = OPERATIONS[operation]
        url = self.origin + expand_path(template, path or {}) + query_string(query or {})
        headers = {
            "Accept": "application/json",
            "User-Agent": f"enterprise-platform-sdk-python/{__version__}",
            **self.headers,
        }
        if self.accept_language:
            headers["Accept-Language"] = self.accept_language
        if options.idempotency_key:
            headers["Idempotency-Key"] = options.idempotency_key
        if options.request_id:
            headers["X-Request-ID"] = options.request_id
        payload: bytes | None = None
        if isinstance(body, bytes):
            payload = body
            headers["Content-Type"] = content_type
        elif body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        headers.update(options.headers)
        timeout = options.timeout if options.timeout is not None else self.timeout
        max_retries = options.max_retries if options.max_retries is not None else self.max_retries
        # a POST is repeatable only with an Idempotency-Key; a 429 always is (the request was not processed)
        idempotent = method in ("GET", "PUT", "DELETE") or bool(options.idempotency_key)

        attempt = 0
        while True:
            headers["Authorization"] = f"Bearer {self._token()}"
            try:
                status, response_headers, raw = self._send(method, url, headers, payload, timeout)
            except ApiConnectionError:
                if not idempotent or attempt >= max_retries:
                    raise
                time.sleep(_backoff(attempt))
                attempt += 1
                continue
            parsed = _parse(raw)
            if 200 <= status < 300:
                return Response(status, response_headers, parsed)
            error = ApiError(status, parsed, response_headers)
            if status == 429 and attempt < max_retries:
                wait = error.retry_after if error.retry_after is not None else 1.0
                if wait <= self.max_retry_delay:
                    time.sleep(wait)
                    attempt += 1
                    continue
            raise error

    def _send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
    ) -> tuple[int, Mapping[str, str], bytes]:
        try:
            return self.transport(method, url, headers, body, timeout)
        except (TimeoutError, socket.timeout) as error:
            raise ApiTimeoutError(f"{method} {url}: no answer within {timeout} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise ApiTimeoutError(f"{method} {url}: no answer within {timeout} s") from error
            raise ApiConnectionError(f"{method} {url}: {error.reason}") from error
        except (OSError, http.client.HTTPException) as error:
            raise ApiConnectionError(f"{method} {url}: {error!r}") from error

    def _token(self) -> str:
        return self._credential() if callable(self._credential) else self._credential


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return None  # not JSON (a proxy's error page): ApiError falls back to the HTTP status


def _backoff(attempt: int) -> float:
    return min(_MAX_NETWORK_BACKOFF, _NETWORK_BACKOFF * 2**attempt) * (0.75 + random.random() / 2)
