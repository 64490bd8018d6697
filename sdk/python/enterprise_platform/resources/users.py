from __future__ import annotations

from typing import Unpack

from .._http import RequestOptions
from ..models import User, UsersCreateBody, UsersListQuery, UsersUpdateBody
from ..pagination import Page, PageIterator
from ._base import Resource


class Users(Resource):
    """``/v1/users`` (scope ``admin``, except ``me``)."""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[UsersListQuery]) -> Page[User]:
        return self._page("UsersController_list", query, options=options)

    def iterate(self, *, options: RequestOptions | None = None, **query: Unpack[UsersListQuery]) -> PageIterator[User]:
        return self._iterate("UsersController_list", query, options=options)

    def me(self, *, options: RequestOptions | None = None) -> User:
        """The user behind the API key or token."""
        return self._call("UsersController_me", options=options)

    def create(self, *, options: RequestOptions | None = None, **body: Unpack[UsersCreateBody]) -> User:
        return self._call("UsersController_create", body=self._body(body), options=options)

    def get(self, id: str, *, options: RequestOptions | None = None) -> User:
        return self._call("UsersController_get", path={"id": id}, options=options)

    def update(self, id: str, *, options: RequestOptions | None = None, **body: Unpack[UsersUpdateBody]) -> User:
        return self._call("UsersController_update", path={"id": id}, body=self._body(body), options=options)

    def delete(self, id: str, *, options: RequestOptions | None = None) -> None:
        self._call("UsersController_delete", path={"id": id}, options=options)
