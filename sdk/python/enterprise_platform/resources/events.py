from __future__ import annotations

from typing import Unpack

from .._http import RequestOptions
from ..models import Event, EventsListQuery
from ..pagination import Page, PageIterator
from ._base import Resource


class Events(Resource):
    """``/v1/events``: the event log."""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[EventsListQuery]) -> Page[Event]:
        return self._page("EventsController_list", query, options=options)

    def iterate(self, *, options: RequestOptions | None = None, **query: Unpack[EventsListQuery]) -> PageIterator[Event]:
        return self._iterate("EventsController_list", query, options=options)
