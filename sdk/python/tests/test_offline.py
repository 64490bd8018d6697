"""The client's own logic without a network: names, query strings, retry decisions (a scripted transport)."""

import json
import unittest

from enterprise_platform import ApiConnectionError, ApiError, Client, RequestOptions
from enterprise_platform._query import camel, query_string
from enterprise_platform.models import OPERATIONS


class Scripted:
    """A transport answering from a script; records every request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def __call__(self, method, url, headers, body, timeout):
        self.requests.append({"method": method, "url": url, "headers": dict(headers), "body": body})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, payload, headers = answer if len(answer) == 3 else (*answer, {})
        return status, headers, json.dumps(payload).encode() if payload is not None else b""


OK_ME = (200, {"code": 0, "message": "success", "data": {"id": "usr_1"}})
TOO_MANY = (429, {"code": 42901, "message": "slow down", "retryAfter": 0, "requestId": "req_1"}, {"Retry-After": "0"})


class NamesAndQueriesTest(unittest.TestCase):
    def test_snake_case_keywords_become_api_names(self):
        self.assertEqual(camel("page_size"), "pageSize")
        self.assertEqual(camel("created_at"), "createdAt")
        self.assertEqual(camel("async_"), "async")
        self.assertEqual(camel("from_"), "from")
        self.assertEqual(camel("pageSize"), "pageSize")

    def test_query_strings_follow_the_list_grammar(self):
        self.assertEqual(query_string({"page": 1, "page_size": 20}), "?page=1&pageSize=20")
        self.assertEqual(
            query_string({"created_at": {"gt": "2024-01-01"}, "industry": {"in": ["互联网", "金融"]}}),
            "?createdAt%5Bgt%5D=2024-01-01&industry%5Bin%5D=%E4%BA%92%E8%81%94%E7%BD%91%2C%E9%87%91%E8%9E%8D",
        )
        self.assertEqual(query_string({"acknowledged": False, "status": {"eq": "active"}, "x": None}), "?acknowledged=false&status=active")

    def test_every_operation_the_sdk_calls_exists_in_the_document(self):
        import inspect
        import re

        import enterprise_platform.resources as resources

        used = set()
        for module in (resources.customers, resources.orders, resources.users, resources.api_keys, resources.events,
                       resources.webhooks, resources.iot):
            used |= set(re.findall(r'"(\w+Controller_\w+)"', inspect.getsource(module)))
        self.assertTrue(used)
        self.assertEqual(sorted(used - set(OPERATIONS)), [])
        # and the SDK covers every /v1 operation but the admin-only OAuth client registration
        self.assertEqual(sorted(op for op in set(OPERATIONS) - used if not op.startswith("OAuthClients")), [])


class RetryTest(unittest.TestCase):
    def client(self, transport, **options):
        return Client(api_key="ak_test", base_url="http://gateway.invalid/v1", transport=transport, **options)

    def test_a_429_is_retried_after_retry_after_even_for_a_post(self):
        transport = Scripted(TOO_MANY, (201, {"code": 0, "message": "success", "data": {"id": "cust_1"}}))
        self.assertEqual(self.client(transport).customers.create(name="x")["id"], "cust_1")
        self.assertEqual(len(transport.requests), 2)

    def test_a_429_asking_for_a_long_wait_is_raised_at_once(self):
        long_wait = (429, {"code": 42901, "message": "slow down", "retryAfter": 30, "requestId": "req_1"})
        transport = Scripted(long_wait)
        with self.assertRaises(ApiError) as caught:
            self.client(transport, max_retry_delay=5).users.me()
        self.assertEqual((caught.exception.code, caught.exception.retry_after), (42901, 30.0))
        self.assertEqual(len(transport.requests), 1)

    def test_network_errors_are_retried_for_gets_and_idempotent_posts_only(self):
        transport = Scripted(ConnectionResetError("reset"), OK_ME)
        self.assertEqual(self.client(transport).users.me()["id"], "usr_1")
        transport = Scripted(ConnectionResetError("reset"))
        with self.assertRaises(ApiConnectionError):
            self.client(transport).customers.create(name="x")
        self.assertEqual(len(transport.requests), 1)
        transport = Scripted(ConnectionResetError("reset"), (200, {"code": 0, "message": "success", "data": {"id": "cmd_1"}}))
        self.client(transport).iot.devices.send_command(device_id="d1", command="turnOn")
        keys = [r["headers"]["Idempotency-Key"] for r in transport.requests]
        self.assertEqual(len(keys), 2)
        self.assertEqual(keys[0], keys[1])

    def test_retries_are_bounded(self):
        transport = Scripted(TOO_MANY, TOO_MANY, TOO_MANY)
        with self.assertRaises(ApiError):
            self.client(transport, max_retries=2).users.me()
        self.assertEqual(len(transport.requests), 3)
        transport = Scripted(TOO_MANY)
        with self.assertRaises(ApiError):
            self.client(transport).users.me(options=RequestOptions(max_retries=0))

    def test_the_base_url_may_or_may_not_end_with_v1(self):
        for base in ("http://gateway.invalid", "http://gateway.invalid/v1", "http://gateway.invalid/v1/"):
            transport = Scripted(OK_ME)
            Client(api_key="ak_test", base_url=base, transport=transport).users.me()
            self.assertEqual(transport.requests[0]["url"], "http://gateway.invalid/v1/users/me")

    def test_the_credential_is_a_bearer_token_and_may_be_refreshed(self):
        tokens = iter(["t1", "t2"])
        transport = Scripted(OK_ME, OK_ME)
        client = Client(access_token=lambda: next(tokens), base_url="http://gateway.invalid", transport=transport)
        client.users.me()
        client.users.me()
        self.assertEqual([r["headers"]["Authorization"] for r in transport.requests], ["Bearer t1", "Bearer t2"])


if __name__ == "__main__":
    unittest.main()
