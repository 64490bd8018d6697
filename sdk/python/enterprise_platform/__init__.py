"""Python SDK of the enterprise platform API (standard library only).

    from enterprise_platform import Client

    client = Client(api_key="YOUR_API_KEY")
    customers = client.customers.list(page=1, page_size=20)
"""

from ._http import DEFAULT_BASE_URL, RequestOptions, Transport
from ._version import __version__
from .client import Client
from .errors import ApiConnectionError, ApiError, ApiTimeoutError
from .pagination import Cursor, Page, PageIterator, Pagination
from .webhook_signature import (
    DEFAULT_TOLERANCE_SECONDS,
    WebhookVerificationError,
    parse_webhook,
    verify_standard_webhook,
    verify_webhook,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TOLERANCE_SECONDS",
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "Client",
    "Cursor",
    "Page",
    "PageIterator",
    "Pagination",
    "RequestOptions",
    "Transport",
    "WebhookVerificationError",
    "__version__",
    "parse_webhook",
    "verify_standard_webhook",
    "verify_webhook",
]
