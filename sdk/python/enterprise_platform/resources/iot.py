from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any, Unpack

from .._http import HttpClient, RequestOptions
from ..models import (
    Alert,
    AlertsListForDeviceQuery,
    AlertsListQuery,
    Command,
    CommandsListOfDeviceQuery,
    Device,
    DevicesCreateBody,
    DevicesListQuery,
    DevicesPatchBody,
    DeviceWithCredentials,
    TelemetryHistoryQuery,
    TelemetryPoint,
)
from ..pagination import Page, PageIterator
from ._base import Resource

# Extra time the HTTP call of a synchronous command gets beyond the command's own reply deadline, seconds.
_COMMAND_WAIT_MARGIN = 30.0
# The gateway's default reply deadline (COMMAND_TIMEOUT_MS) when the call does not give timeout_ms.
_DEFAULT_COMMAND_TIMEOUT_MS = 10_000


class Devices(Resource):
    """``/v1/iot/devices``: the registry, telemetry history, alerts and commands of one device."""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[DevicesListQuery]) -> Page[Device]:
        return self._page("DevicesController_list", query, options=options)

    def iterate(
        self, *, options: RequestOptions | None = None, **query: Unpack[DevicesListQuery]
    ) -> PageIterator[Device]:
        return self._iterate("DevicesController_list", query, options=options)

    def create(
        self, *, options: RequestOptions | None = None, **body: Unpack[DevicesCreateBody]
    ) -> DeviceWithCredentials:
        """The answer carries ``credentials: {username, password}``: the device's token, shown only here."""
        return self._call("DevicesController_create", body=self._body(body), options=options)

    def get(self, id: str, *, options: RequestOptions | None = None) -> Device:
        return self._call("DevicesController_get", path={"id": id}, options=options)

    def update(self, id: str, *, options: RequestOptions | None = None, **body: Unpack[DevicesPatchBody]) -> Device:
        """``disabled=True`` drops the device's session and refuses it until re-enabled."""
        return self._call("DevicesController_patch", path={"id": id}, body=self._body(body), options=options)

    def delete(self, id: str, *, options: RequestOptions | None = None) -> None:
        self._call("DevicesController_delete", path={"id": id}, options=options)

    def rotate_credentials(self, id: str, *, options: RequestOptions | None = None) -> DeviceWithCredentials:
        """A new token; the old one stops working at once and a connected device is disconnected."""
        return self._call("DevicesController_rotateCredentials", path={"id": id}, options=options)

    def telemetry(
        self, id: str, *, options: RequestOptions | None = None, **query: Unpack[TelemetryHistoryQuery]
    ) -> Page[TelemetryPoint]:
        """History points ``{key, value, ts}``, newest first; ``key=``, ``from_=``, ``to=`` (ISO-8601)."""
        return self._page("TelemetryController_history", query, path={"id": id}, options=options)

    def iterate_telemetry(
        self, id: str, *, options: RequestOptions | None = None, **query: Unpack[TelemetryHistoryQuery]
    ) -> PageIterator[TelemetryPoint]:
        return self._iterate("TelemetryController_history", query, path={"id": id}, options=options)

    def alerts(
        self, id: str, *, options: RequestOptions | None = None, **query: Unpack[AlertsListForDeviceQuery]
    ) -> Page[Alert]:
        return self._page("AlertsController_listForDevice", query, path={"id": id}, options=options)

    def send_command(
        self,
        device_id: str,
        command: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        ttl_seconds: int | None = None,
        async_: bool | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> Command:
        """sendCommand. Synchronous by default: returns when the device replied, with the command ``succeeded``
        (and its ``result``) or ``failed`` (and its ``error``). Raises ApiError 50401 when it did not reply within
        ``timeout_ms`` (the command is in ``error.data``), 42202 when it is offline and ``ttl_seconds`` is 0. With
        ``async_=True``, or ``ttl_seconds`` > 0 for an offline device, returns at once (``sent`` or ``queued``).

        An ``Idempotency-Key`` is generated unless given, so a retry after a network error never sends the command
        twice."""
        body = self._body(
            {"command": command, "params": params, "timeout_ms": timeout_ms, "ttl_seconds": ttl_seconds, "async": async_}
        )
        options = options or RequestOptions()
        wait = 0.0 if async_ else (timeout_ms or _DEFAULT_COMMAND_TIMEOUT_MS) / 1000
        options = replace(
            options,
            idempotency_key=idempotency_key or options.idempotency_key or str(uuid.uuid4()),
            timeout=options.timeout if options.timeout is not None else max(self._http.timeout, wait + _COMMAND_WAIT_MARGIN),
        )
        return self._call("CommandsController_send", path={"id": device_id}, body=body, options=options)


class Commands(Resource):
    """``/v1/iot/commands`` and a device's commands."""

    def list(
        self, device_id: str, *, options: RequestOptions | None = None, **query: Unpack[CommandsListOfDeviceQuery]
    ) -> Page[Command]:
        """A device's commands (filters ``status``, ``command``, ``created_at``)."""
        return self._page("CommandsController_listOfDevice", query, path={"id": device_id}, options=options)

    def iterate(
        self, device_id: str, *, options: RequestOptions | None = None, **query: Unpack[CommandsListOfDeviceQuery]
    ) -> PageIterator[Command]:
        return self._iterate("CommandsController_listOfDevice", query, path={"id": device_id}, options=options)

    def get(self, id: str, *, options: RequestOptions | None = None) -> Command:
        return self._call("CommandsController_get", path={"id": id}, options=options)

    def cancel(self, id: str, *, options: RequestOptions | None = None) -> Command:
        """A queued or in-flight command ends ``cancelled``; a finished one is 422 ``42201``."""
        return self._call("CommandsController_cancel", path={"id": id}, options=options)

    def batch(
        self,
        device_ids: list[str],
        command: str,
        params: dict[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
        ttl_seconds: int | None = None,
        idempotency_key: str | None = None,
        options: RequestOptions | None = None,
    ) -> list[Command]:
        """One asynchronous command per device (≤ 100), in the order of ``device_ids``."""
        body = self._body(
            {
                "device_ids": device_ids,
                "command": command,
                "params": params,
                "timeout_ms": timeout_ms,
                "ttl_seconds": ttl_seconds,
            }
        )
        options = options or RequestOptions()
        options = replace(options, idempotency_key=idempotency_key or options.idempotency_key or str(uuid.uuid4()))
        return self._call("CommandsController_batch", body=body, options=options)["items"]


class Alerts(Resource):
    """``/v1/iot/alerts``: alerts of every device."""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[AlertsListQuery]) -> Page[Alert]:
        return self._page("AlertsController_list", query, options=options)

    def iterate(self, *, options: RequestOptions | None = None, **query: Unpack[AlertsListQuery]) -> PageIterator[Alert]:
        return self._iterate("AlertsController_list", query, options=options)

    def acknowledge(self, id: str, *, options: RequestOptions | None = None) -> Alert:
        return self._call("AlertsController_acknowledge", path={"id": id}, options=options)


class Iot:
    """``client.iot``: devices, commands, alerts."""

    def __init__(self, http: HttpClient) -> None:
        self.devices = Devices(http)
        self.commands = Commands(http)
        self.alerts = Alerts(http)
