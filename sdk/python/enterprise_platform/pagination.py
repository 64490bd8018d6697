"""Pages of a list, and iteration over every item of every page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class Pagination:
    page: int
    page_size: int
    total: int
    total_pages: int


@dataclass
class Cursor:
    next: str | None
    """pass back as ``cursor=`` for the next page"""
    has_more: bool


@dataclass
class Page(Generic[T]):
    """One page: ``items``, and ``pagination`` (offset: ``page``/``page_size``) or ``cursor`` (``limit``/``cursor``)."""

    items: list[T]
    pagination: Pagination | None = None
    cursor: Cursor | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @staticmethod
    def from_envelope(envelope: dict[str, Any]) -> Page[Any]:
        data = envelope["data"]
        pagination = data.get("pagination")
        cursor = envelope.get("cursor")
        return Page(
            items=data["items"],
            pagination=Pagination(
                pagination["page"], pagination["pageSize"], pagination["total"], pagination["totalPages"]
            )
            if pagination
            else None,
            cursor=Cursor(cursor["next"], cursor["hasMore"]) if cursor else None,
        )


class PageIterator(Generic[T]):
    """Every item of a list, page after page (cursor pagination), fetched as you go::

        for customer in client.customers.iterate(status="active"):
            ...
        for page in client.customers.iterate(limit=100).pages():
            ...
    """

    def __init__(self, fetch_page: Callable[[str | None], Page[T]]) -> None:
        self._fetch_page = fetch_page

    def pages(self) -> Iterator[Page[T]]:
        cursor: str | None = None
        while True:
            page = self._fetch_page(cursor)
            yield page
            if page.cursor is None or not page.cursor.has_more or not page.cursor.next:
                return
            cursor = page.cursor.next

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def to_list(self) -> list[T]:
        return list(self)
