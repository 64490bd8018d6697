from __future__ import annotations

import os
from typing import IO, Unpack

from .._http import RequestOptions
from ..models import (
    Customer,
    CustomerImportReport,
    CustomersCreateBody,
    CustomersListQuery,
    CustomersPatchBody,
    CustomersReplaceBody,
)
from ..pagination import Page, PageIterator
from ._base import Resource


class Customers(Resource):
    """``/v1/customers``"""

    def list(self, *, options: RequestOptions | None = None, **query: Unpack[CustomersListQuery]) -> Page[Customer]:
        """An offset page (``page``, ``page_size``), or a cursor page with ``limit``/``cursor``. Filters:
        ``status="active"``, ``created_at={"gt": "2024-01-01"}``, ``industry={"in": ["互联网", "金融"]}``."""
        return self._page("CustomersController_list", query, options=options)

    def iterate(
        self, *, options: RequestOptions | None = None, **query: Unpack[CustomersListQuery]
    ) -> PageIterator[Customer]:
        """Every customer matching the filters, across all pages."""
        return self._iterate("CustomersController_list", query, options=options)

    def create(self, *, options: RequestOptions | None = None, **body: Unpack[CustomersCreateBody]) -> Customer:
        return self._call("CustomersController_create", body=self._body(body), options=options)

    def get(self, id: str, *, options: RequestOptions | None = None) -> Customer:
        return self._call("CustomersController_get", path={"id": id}, options=options)

    def update(self, id: str, *, options: RequestOptions | None = None, **body: Unpack[CustomersPatchBody]) -> Customer:
        """PATCH: only the fields given change (``None`` is not sent; pass ``industry=...`` to change it)."""
        return self._call("CustomersController_patch", path={"id": id}, body=self._body(body), options=options)

    def replace(
        self, id: str, *, options: RequestOptions | None = None, **body: Unpack[CustomersReplaceBody]
    ) -> Customer:
        """PUT: replaces the whole customer (omitted optional fields are cleared)."""
        return self._call("CustomersController_replace", path={"id": id}, body=self._body(body), options=options)

    def delete(self, id: str, *, options: RequestOptions | None = None) -> None:
        self._call("CustomersController_delete", path={"id": id}, options=options)

    def batch(self, items: list[CustomersCreateBody], *, options: RequestOptions | None = None) -> list[Customer]:
        """Up to 100 customers, all or nothing (items as the API spells them)."""
        return self._call("CustomersController_batch", body={"items": items}, options=options)["items"]

    def import_csv(
        self,
        file: bytes | str | os.PathLike[str] | IO[bytes],
        *,
        filename: str = "customers.csv",
        options: RequestOptions | None = None,
    ) -> CustomerImportReport:
        """CSV import: bytes, a path, or a binary file object. Columns ``name`` (required), ``industry``,
        ``status``, ``contact_name``, ``contact_phone``, ``contact_email``, ``tags``."""
        if isinstance(file, bytes):
            content = file
        elif isinstance(file, (str, os.PathLike)):
            with open(file, "rb") as f:
                content = f.read()
        else:
            content = file.read()
        boundary = "----enterprise-platform-" + os.urandom(12).hex()
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self._call(
            "CustomersController_import",
            body=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            options=options,
        )
