from __future__ import annotations

from typing import Unpack

from .._http import RequestOptions
from ..models import (
    Webhook,
    WebhookDelivery,
    WebhooksCreateBody,
    WebhooksDeliveriesQuery,
    WebhooksListQuery,
    WebhooksPatchBody,
    WebhookWithSecret,
)
from ..pagination import Page, PageIterator
from ._base import Resource


class Webhooks(Resource):
    """``/v1/webhooks``: subscriptions, their delivery log, tests and redeliveries."""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[WebhooksListQuery]) -> Page[Webhook]:
        return self._page("WebhooksController_list", query, options=options)

    def iterate(
        self, *, options: RequestOptions | None = None, **query: Unpack[WebhooksListQuery]
    ) -> PageIterator[Webhook]:
        return self._iterate("WebhooksController_list", query, options=options)

    def create(self, *, options: RequestOptions | None = None, **body: Unpack[WebhooksCreateBody]) -> WebhookWithSecret:
        """The answer carries ``secret`` (generated unless given): store it, it is not shown again."""
        return self._call("WebhooksController_create", body=self._body(body), options=options)

    def get(self, id: str, *, options: RequestOptions | None = None) -> Webhook:
        return self._call("WebhooksController_get", path={"id": id}, options=options)

    def update(self, id: str, *, options: RequestOptions | None = None, **body: Unpack[WebhooksPatchBody]) -> Webhook:
        return self._call("WebhooksController_patch", path={"id": id}, body=self._body(body), options=options)

    def delete(self, id: str, *, options: RequestOptions | None = None) -> None:
        self._call("WebhooksController_delete", path={"id": id}, options=options)

    def rotate_secret(
        self, id: str, secret: str | None = None, *, options: RequestOptions | None = None
    ) -> WebhookWithSecret:
        """A new secret (generated unless given), effective at once; shown in this answer only."""
        body = {"secret": secret} if secret else {}
        return self._call("WebhooksController_rotateSecret", path={"id": id}, body=body, options=options)

    def test(self, id: str, *, options: RequestOptions | None = None) -> WebhookDelivery:
        """Sends a ``webhook.test`` event to this webhook only; returns its pending delivery."""
        return self._call("WebhooksController_test", path={"id": id}, options=options)

    def deliveries(
        self, id: str, *, options: RequestOptions | None = None, **query: Unpack[WebhooksDeliveriesQuery]
    ) -> Page[WebhookDelivery]:
        """The delivery log: one item per attempt, newest first."""
        return self._page("WebhooksController_deliveries", query, path={"id": id}, options=options)

    def iterate_deliveries(
        self, id: str, *, options: RequestOptions | None = None, **query: Unpack[WebhooksDeliveriesQuery]
    ) -> PageIterator[WebhookDelivery]:
        return self._iterate("WebhooksController_deliveries", query, path={"id": id}, options=options)

    def redeliver(self, id: str, delivery_id: str, *, options: RequestOptions | None = None) -> WebhookDelivery:
        return self._call(
            "WebhooksController_redeliver", path={"id": id, "deliveryId": delivery_id}, options=options
        )
