"""Webhook verification, offline: known vectors computed independently of the SDK."""

import base64
import hashlib
import hmac
import time
import unittest

from enterprise_platform import (
    WebhookVerificationError,
    parse_webhook,
    verify_standard_webhook,
    verify_webhook,
)

BODY = '{"id":"evt_1","type":"webhook.test","createdAt":"2025-01-15T10:30:00.000Z","data":{"webhookId":"whk_1"}}'
SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


def seed_signature(body: str, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def standard_headers(body: str, secret: str, msg_id: str = "evt_1", ts: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    mac = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode()
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": f"v1,{mac}"}


class SeedSignatureTest(unittest.TestCase):
    def test_accepts_the_hmac_of_the_raw_body(self):
        self.assertTrue(verify_webhook(BODY, seed_signature(BODY, "your_webhook_secret"), "your_webhook_secret"))
        self.assertTrue(verify_webhook(BODY.encode(), seed_signature(BODY, "your_webhook_secret"), "your_webhook_secret"))

    def test_refuses_another_body_secret_or_a_malformed_signature(self):
        good = seed_signature(BODY, "s3cret-s3cret-s3cret")
        self.assertFalse(verify_webhook(BODY + " ", good, "s3cret-s3cret-s3cret"))
        self.assertFalse(verify_webhook(BODY, good, "another-secret-value"))
        self.assertFalse(verify_webhook(BODY, "sha256=00", "s3cret-s3cret-s3cret"))
        self.assertFalse(verify_webhook(BODY, good[len("sha256=") :], "s3cret-s3cret-s3cret"))
        self.assertFalse(verify_webhook(BODY, None, "s3cret-s3cret-s3cret"))


class StandardSignatureTest(unittest.TestCase):
    def test_accepts_a_whsec_secret_and_a_plain_one(self):
        self.assertTrue(verify_standard_webhook(BODY, standard_headers(BODY, SECRET), SECRET))
        plain = "a-plain-secret-of-some-length"
        self.assertTrue(verify_standard_webhook(BODY, standard_headers(BODY, plain), plain))

    def test_headers_are_case_insensitive_and_any_of_several_signatures_may_match(self):
        headers = standard_headers(BODY, SECRET)
        mixed = {k.title(): v for k, v in headers.items()}
        mixed["Webhook-Signature"] = "v1,bm9wZQ== " + mixed["Webhook-Signature"]
        self.assertTrue(verify_standard_webhook(BODY, mixed, SECRET))

    def test_refuses_an_old_or_future_timestamp(self):
        now = time.time()
        old = standard_headers(BODY, SECRET, ts=int(now) - 301)
        self.assertFalse(verify_standard_webhook(BODY, old, SECRET, now=now))
        self.assertTrue(verify_standard_webhook(BODY, old, SECRET, tolerance_seconds=600, now=now))
        self.assertFalse(verify_standard_webhook(BODY, standard_headers(BODY, SECRET, ts=int(now) + 301), SECRET, now=now))

    def test_refuses_tampering_and_missing_headers(self):
        headers = standard_headers(BODY, SECRET)
        self.assertFalse(verify_standard_webhook(BODY.replace("evt_1", "evt_2"), headers, SECRET))
        self.assertFalse(verify_standard_webhook(BODY, {**headers, "webhook-id": "evt_2"}, SECRET))
        self.assertFalse(verify_standard_webhook(BODY, {}, SECRET))
        self.assertFalse(verify_standard_webhook(BODY, {**headers, "webhook-timestamp": "soon"}, SECRET))

    def test_parse_webhook_returns_the_event_or_raises(self):
        event = parse_webhook(BODY, standard_headers(BODY, SECRET), SECRET)
        self.assertEqual(event["type"], "webhook.test")
        seed_only = {"X-Webhook-Signature": seed_signature(BODY, SECRET)}
        self.assertEqual(parse_webhook(BODY.encode(), seed_only, SECRET)["id"], "evt_1")
        with self.assertRaises(WebhookVerificationError):
            parse_webhook(BODY, {"X-Webhook-Signature": "sha256=00"}, SECRET)


if __name__ == "__main__":
    unittest.main()
