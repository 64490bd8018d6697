"""429: the gateway's own rate limit (RATE_LIMIT_BATCH is low in the test gateway), retried after retryAfter.

The runner used up the batch quota of EP_TEST_RATE_LIMITED_KEY before this suite started; this module runs after
test_live (alphabetical order), so the wait for the window to end is short."""

import os
import time
import unittest

from enterprise_platform import ApiError, Client

from .support import BASE_URL, RATE_LIMITED_KEY, live


@live
@unittest.skipUnless(RATE_LIMITED_KEY, "needs EP_TEST_RATE_LIMITED_KEY (a key whose batch quota is used up)")
class RateLimitTest(unittest.TestCase):
    def test_a_429_is_an_api_error_then_retried_after_retry_after(self):
        with self.assertRaises(ApiError) as caught:
            Client(api_key=RATE_LIMITED_KEY, base_url=BASE_URL, max_retries=0).customers.batch([{"name": "x"}])
        error = caught.exception
        self.assertEqual((error.status, error.code), (429, 42901))
        self.assertGreater(error.retry_after, 0)

        started = time.monotonic()
        with self.assertRaises(ApiError):
            Client(api_key=RATE_LIMITED_KEY, base_url=BASE_URL, max_retry_delay=0).customers.batch([{"name": "x"}])
        self.assertLess(time.monotonic() - started, 2)

        if os.environ.get("EP_TEST_RATE_LIMIT_WAIT") == "0":
            return  # the runner skips the wait for the window on its second profile (the TypeScript suite covers it)
        started = time.monotonic()
        created = Client(api_key=RATE_LIMITED_KEY, base_url=BASE_URL).customers.batch([{"name": "after the window"}])
        self.assertEqual(created[0]["name"], "after the window")
        self.assertGreaterEqual(time.monotonic() - started, error.retry_after - 2)


if __name__ == "__main__":
    unittest.main()
