"""Verifying webhook deliveries: the seed's ``X-Webhook-Signature`` and Standard Webhooks (``webhook-*``)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

from .models import Event

DEFAULT_TOLERANCE_SECONDS = 300


class WebhookVerificationError(Exception):
    """The signature (or the timestamp) did not verify."""


def _bytes(value: bytes | str) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    for key, candidate in headers.items():
        if key.lower() == name:
            return candidate
    return None


def verify_webhook(payload: bytes | str, signature: str | None, secret: str) -> bool:
    """The seed's scheme: ``X-Webhook-Signature`` is ``sha256=`` + the hex HMAC-SHA256 of the raw body, keyed with
    the secret. Constant-time; False (never an exception) for a missing or malformed signature.

    Verify the raw body you received (Flask: ``request.get_data()``), not re-serialized JSON."""
    if not isinstance(signature, str):
        return False
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), _bytes(payload), hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.encode("utf-8"), expected.encode("utf-8"))


def verify_standard_webhook(
    body: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Standard Webhooks: ``webhook-signature`` holds ``v1,<base64 HMAC-SHA256>`` of ``{id}.{timestamp}.{body}``,
    keyed with the base64 part after ``whsec_`` (or the secret's UTF-8 bytes); ``webhook-timestamp`` must be within
    ``tolerance_seconds`` of now (replay protection — also drop ``webhook-id``s you have already processed)."""
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not msg_id or not timestamp or not signatures or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance_seconds:
        return False
    try:
        key = base64.b64decode(secret[len("whsec_") :]) if secret.startswith("whsec_") else secret.encode("utf-8")
    except (binascii.Error, ValueError):
        return False
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + _bytes(body), hashlib.sha256).digest()
    expected = ("v1," + base64.b64encode(mac).decode()).encode()
    # several space-separated signatures may be sent (during a key rotation); any one may match
    return any(hmac.compare_digest(candidate.encode(), expected) for candidate in signatures.split(" "))


def parse_webhook(
    body: bytes | str, headers: Mapping[str, str], secret: str, tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS
) -> Event:
    """Verifies a delivery (Standard Webhooks when its headers are there, else ``X-Webhook-Signature``) and returns
    its event ``{id, type, createdAt, data}``; raises WebhookVerificationError otherwise."""
    if _header(headers, "webhook-signature"):
        ok = verify_standard_webhook(body, headers, secret, tolerance_seconds)
    else:
        ok = verify_webhook(body, _header(headers, "x-webhook-signature"), secret)
    if not ok:
        raise WebhookVerificationError("invalid webhook signature or timestamp")
    return json.loads(_bytes(body).decode("utf-8"))
