from __future__ import annotations

from typing import Unpack

from .._http import RequestOptions
from ..models import ApiKey, ApiKeyCreated, ApiKeysCreateBody, ApiKeysListQuery
from ..pagination import Page, PageIterator
from ._base import Resource


class ApiKeys(Resource):
    """``/v1/api-keys`` (scope ``admin``). The full key (``key``) is in the answer of ``create`` only."""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[ApiKeysListQuery]) -> Page[ApiKey]:
        return self._page("ApiKeysController_list", query, options=options)

    def iterate(
        self, *, options: RequestOptions | None = None, **query: Unpack[ApiKeysListQuery]
    ) -> PageIterator[ApiKey]:
        return self._iterate("ApiKeysController_list", query, options=options)

    def create(self, *, options: RequestOptions | None = None, **body: Unpack[ApiKeysCreateBody]) -> ApiKeyCreated:
        return self._call("ApiKeysController_create", body=self._body(body), options=options)

    def get(self, id: str, *, options: RequestOptions | None = None) -> ApiKey:
        return self._call("ApiKeysController_get", path={"id": id}, options=options)

    def delete(self, id: str, *, options: RequestOptions | None = None) -> None:
        """The key stops working at once."""
        self._call("ApiKeysController_delete", path={"id": id}, options=options)
