from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._http import HttpClient, RequestOptions
from .._query import api_names
from ..pagination import Page, PageIterator

ITERATE_PAGE_SIZE = 100


class Resource:
    def __init__(self, http: HttpClient) -> None:
        self._http = http

    def _call(
        self,
        operation: str,
        *,
        path: Mapping[str, str] | None = None,
        body: Any = None,
        options: RequestOptions | None = None,
        content_type: str = "application/json",
    ) -> Any:
        """Calls ``operation``; returns the envelope's ``data`` (None for 204)."""
        response = self._http.request(operation, path=path, body=body, options=options, content_type=content_type)
        return response.body["data"] if isinstance(response.body, dict) else None

    def _body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return api_names(values)

    def _page(
        self,
        operation: str,
        query: Mapping[str, Any],
        *,
        path: Mapping[str, str] | None = None,
        options: RequestOptions | None = None,
    ) -> Page[Any]:
        response = self._http.request(operation, path=path, query=query, options=options)
        return Page.from_envelope(response.body)

    def _iterate(
        self,
        operation: str,
        query: Mapping[str, Any],
        *,
        path: Mapping[str, str] | None = None,
        options: RequestOptions | None = None,
    ) -> PageIterator[Any]:
        if any(k in query for k in ("page", "page_size", "pageSize", "cursor")):
            raise ValueError("iterate() pages by cursor: give limit (the page size), not page/page_size/cursor")
        base = {"limit": ITERATE_PAGE_SIZE, **query}
        return PageIterator(
            lambda cursor: self._page(operation, {**base, "cursor": cursor}, path=path, options=options)
        )
