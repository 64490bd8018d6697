from __future__ import annotations

from collections.abc import Callable, Mapping

from ._http import HttpClient, Transport
from .resources import ApiKeys, Customers, Events, Iot, Orders, Users, Webhooks


class Client:
    """The enterprise platform's API::

        client = Client(api_key="YOUR_API_KEY")   # base_url defaults to https://api.enterprise-platform.com/v1
        customers = client.customers.list(page=1, page_size=20)
        client.iot.devices.send_command(device_id="device_001", command="turnOn", params={"brightness": 80})

    ``api_key`` and ``base_url`` fall back to the environment variables ``ENTERPRISE_PLATFORM_API_KEY`` and
    ``ENTERPRISE_PLATFORM_BASE_URL``. ``access_token`` (a string, or a function returning a fresh one) takes an OAuth
    2.0 access token instead of an API key. A 429 is retried after its ``retryAfter`` (up to ``max_retries`` times,
    when the wait is at most ``max_retry_delay`` seconds); a network error is retried for idempotent calls only
    (GET, PUT, DELETE, and POSTs with an Idempotency-Key — send_command always sends one).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        access_token: str | Callable[[], str] | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        max_retry_delay: float = 60.0,
        accept_language: str | None = None,
        headers: Mapping[str, str] | None = None,
        transport: Transport | None = None,
    ) -> None:
        http = HttpClient(
            api_key=api_key,
            access_token=access_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_delay=max_retry_delay,
            accept_language=accept_language,
            headers=headers,
            transport=transport,
        )
        self.base_url = http.origin + "/v1"
        self.customers = Customers(http)
        self.orders = Orders(http)
        self.users = Users(http)
        self.api_keys = ApiKeys(http)
        self.webhooks = Webhooks(http)
        self.events = Events(http)
        self.iot = Iot(http)
