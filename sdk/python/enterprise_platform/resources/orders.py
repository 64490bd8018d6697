from __future__ import annotations

from typing import Unpack

from .._http import RequestOptions
from ..models import Order, OrdersCreateBody, OrdersListQuery, OrdersPatchBody
from ..pagination import Page, PageIterator
from ._base import Resource


class Orders(Resource):
    """``/v1/orders``: ``amount`` is computed from the items (integer minor units); ``created → paid | cancelled``."""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[OrdersListQuery]) -> Page[Order]:
        return self._page("OrdersController_list", query, options=options)

    def iterate(self, *, options: RequestOptions | None = None, **query: Unpack[OrdersListQuery]) -> PageIterator[Order]:
        return self._iterate("OrdersController_list", query, options=options)

    def create(self, *, options: RequestOptions | None = None, **body: Unpack[OrdersCreateBody]) -> Order:
        """``customer_id=…, items=[{"sku", "name", "quantity", "unitPrice"}], currency="CNY"``"""
        return self._call("OrdersController_create", body=self._body(body), options=options)

    def get(self, id: str, *, options: RequestOptions | None = None) -> Order:
        return self._call("OrdersController_get", path={"id": id}, options=options)

    def update(self, id: str, *, options: RequestOptions | None = None, **body: Unpack[OrdersPatchBody]) -> Order:
        return self._call("OrdersController_patch", path={"id": id}, body=self._body(body), options=options)

    def delete(self, id: str, *, options: RequestOptions | None = None) -> None:
        self._call("OrdersController_delete", path={"id": id}, options=options)

    def pay(self, id: str, *, options: RequestOptions | None = None) -> Order:
        return self._call("OrdersController_pay", path={"id": id}, options=options)

    def cancel(self, id: str, *, options: RequestOptions | None = None) -> Order:
        return self._call("OrdersController_cancel", path={"id": id}, options=options)
