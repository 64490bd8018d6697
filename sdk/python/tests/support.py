"""Where the live tests find the gateway. `test/sdk-python.e2e-spec.ts` (run by `npm test` and CI) starts a gateway
with simulated lamps and runs this suite with these variables set; by hand:

    EP_TEST_BASE_URL=http://127.0.0.1:3000/v1 EP_TEST_API_KEY=ak_… EP_TEST_DEVICE_ID=lamp-1 \\
        python3 -m unittest discover -s sdk/python/tests -t sdk/python

Without EP_TEST_BASE_URL the live tests are skipped (the offline ones still run), unless EP_TEST_REQUIRE_LIVE=1.
"""

from __future__ import annotations

import os
import time
import unittest
from collections.abc import Callable
from typing import TypeVar

BASE_URL = os.environ.get("EP_TEST_BASE_URL", "")
API_KEY = os.environ.get("EP_TEST_API_KEY", "")
# a device answering turnOn/turnOff/setBrightness (the simulator's lamp)
DEVICE_ID = os.environ.get("EP_TEST_DEVICE_ID", "device_001")
# an API key whose batch rate limit is used up (RATE_LIMIT_BATCH), for the 429 test
RATE_LIMITED_KEY = os.environ.get("EP_TEST_RATE_LIMITED_KEY", "")

if os.environ.get("EP_TEST_REQUIRE_LIVE") == "1" and not (BASE_URL and API_KEY):
    raise RuntimeError("EP_TEST_REQUIRE_LIVE=1 but EP_TEST_BASE_URL / EP_TEST_API_KEY are not set")

live = unittest.skipUnless(BASE_URL and API_KEY, "needs a running gateway (EP_TEST_BASE_URL, EP_TEST_API_KEY)")

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float = 15.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
