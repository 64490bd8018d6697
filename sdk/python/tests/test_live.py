"""The Python SDK against a running gateway with a simulated lamp answering commands (see support.py)."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import uuid
from pathlib import Path

from enterprise_platform import (
    ApiConnectionError,
    ApiError,
    Client,
    parse_webhook,
    verify_standard_webhook,
    verify_webhook,
)
from enterprise_platform._http import urllib_transport

from .support import API_KEY, BASE_URL, DEVICE_ID, live, wait_for

SDK_DIR = Path(__file__).resolve().parent.parent


def client(**options) -> Client:
    return Client(api_key=API_KEY, base_url=BASE_URL, **options)


@live
class SeedExampleTest(unittest.TestCase):
    def test_the_seed_example_runs_unchanged_apart_from_the_key(self):
        source = (SDK_DIR / "examples/seed.py").read_text(encoding="utf-8")
        self.assertIn("Client(api_key='YOUR_API_KEY')", source)
        script = source.replace("'YOUR_API_KEY'", repr(API_KEY))
        script += "\nimport json\nprint(json.dumps({'customers': customers.items, 'new_customer': new_customer}))\n"
        # the base URL comes from the environment (the snippet uses the default, production URL)
        env = {**os.environ, "ENTERPRISE_PLATFORM_BASE_URL": BASE_URL, "PYTHONPATH": str(SDK_DIR)}
        before = client().iot.commands.list(DEVICE_ID, page_size=1).pagination.total
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        result = json.loads(out.stdout)
        self.assertEqual(result["new_customer"]["name"], "新客户")
        self.assertEqual(result["new_customer"]["industry"], "互联网")
        commands = client().iot.commands.list(DEVICE_ID, page_size=1)
        self.assertEqual(commands.pagination.total, before + 1)
        self.assertEqual(commands.items[0]["status"], "succeeded")
        self.assertEqual(commands.items[0]["result"], {"on": True, "brightness": 80})


@live
class CustomersTest(unittest.TestCase):
    def test_create_get_update_replace_delete_and_not_found(self):
        c = client()
        created = c.customers.create(
            name="示例科技有限公司", industry="互联网", contact={"name": "张经理", "phone": "13800138000"}, tags=["vip"]
        )
        self.assertEqual(c.customers.get(created["id"]), created)
        patched = c.customers.update(created["id"], contact={"email": "zhang@example.com"})
        self.assertEqual(patched["contact"], {"name": "张经理", "phone": "13800138000", "email": "zhang@example.com"})
        replaced = c.customers.replace(created["id"], name="示例科技", status="prospect")
        self.assertEqual((replaced["industry"], replaced["tags"], replaced["status"]), (None, [], "prospect"))
        c.customers.delete(created["id"])
        with self.assertRaises(ApiError) as caught:
            c.customers.get(created["id"])
        error = caught.exception
        self.assertEqual((error.status, error.code, error.errors), (404, 40401, []))
        self.assertTrue(error.request_id and error.request_id.startswith("req_"))

    def test_validation_errors_name_the_fields_in_the_language_asked_for(self):
        with self.assertRaises(ApiError) as caught:
            client(accept_language="en-US").customers.create(name="", nickname="x")  # type: ignore[call-arg]
        error = caught.exception
        self.assertEqual((error.status, error.code, error.message), (400, 40001, "Validation failed"))
        self.assertEqual(sorted(e["field"] for e in error.errors), ["name", "nickname"])

    def test_pages_to_the_end(self):
        c = client()
        prefix = f"py-page-{uuid.uuid4().hex[:8]}-"
        created = c.customers.batch([{"name": f"{prefix}{i:02d}", "industry": "金融"} for i in range(23)])
        self.assertEqual(len(created), 23)
        page = c.customers.list(page=3, page_size=10, name={"like": prefix}, sort="name", order="asc")
        self.assertEqual((page.pagination.total, page.pagination.total_pages, len(page)), (23, 3, 3))
        self.assertEqual([x["name"] for x in page], [f"{prefix}{i:02d}" for i in range(20, 23)])
        first = c.customers.list(limit=5, name={"like": prefix})
        self.assertTrue(first.cursor.has_more)
        names = [x["name"] for x in c.customers.iterate(name={"like": prefix}, industry={"in": ["金融"]}, limit=6)]
        self.assertEqual(sorted(names), sorted(x["name"] for x in created))
        pages = list(c.customers.iterate(name={"like": prefix}, limit=6).pages())
        self.assertEqual([len(p) for p in pages], [6, 6, 6, 5])
        recent = c.customers.list(created_at={"gte": "2024-01-01T00:00:00Z"}, name={"like": prefix}, fields="id,name")
        self.assertEqual(recent.pagination.total, 23)
        self.assertEqual(sorted(recent.items[0]), ["id", "name"])

    def test_csv_import_reports_per_row(self):
        report = client().customers.import_csv("name,industry\nCSV 客户,制造\n,空名字\n".encode())
        self.assertEqual((report["total"], report["created"], report["failed"]), (2, 1, 1))
        self.assertEqual(report["errors"][0]["row"], 3)


@live
class OrdersAndUsersTest(unittest.TestCase):
    def test_orders_pay_and_business_rule_errors(self):
        c = client()
        customer = c.customers.create(name="订单客户")
        order = c.orders.create(
            customer_id=customer["id"], items=[{"sku": "LAMP", "name": "智能灯泡", "quantity": 2, "unitPrice": 1999}]
        )
        self.assertEqual((order["amount"], order["currency"]), (3998, "CNY"))
        self.assertEqual(c.orders.pay(order["id"])["status"], "paid")
        with self.assertRaises(ApiError) as caught:
            c.orders.pay(order["id"])
        self.assertEqual((caught.exception.status, caught.exception.code), (422, 42201))
        self.assertEqual([o["id"] for o in c.orders.list(customer_id=customer["id"], status="paid")], [order["id"]])

    def test_me_and_api_keys(self):
        c = client()
        self.assertEqual(c.users.me()["email"], "admin@localhost")
        key = c.api_keys.create(name="py-reporting", scopes=["read"])
        reader = Client(api_key=key["key"], base_url=BASE_URL)
        reader.customers.list()
        with self.assertRaises(ApiError) as caught:
            reader.customers.create(name="x")
        self.assertEqual(caught.exception.code, 40301)
        c.api_keys.delete(key["id"])
        with self.assertRaises(ApiError) as caught:
            reader.customers.list()
        self.assertEqual(caught.exception.code, 40101)


@live
class CommandsTest(unittest.TestCase):
    def test_round_trip_failure_async_and_batch(self):
        c = client()
        done = c.iot.devices.send_command(device_id=DEVICE_ID, command="setBrightness", params={"brightness": 30})
        self.assertEqual((done["status"], done["result"]["brightness"]), ("succeeded", 30))
        failed = c.iot.devices.send_command(DEVICE_ID, "selfDestruct")
        self.assertEqual((failed["status"], failed["error"]["code"]), ("failed", "UNKNOWN_COMMAND"))
        sent = c.iot.devices.send_command(DEVICE_ID, "turnOff", async_=True)
        finished = wait_for(lambda: (cmd := c.iot.commands.get(sent["id"]))["status"] == "succeeded" and cmd)
        self.assertEqual(finished["result"]["on"], False)
        failed_ones = c.iot.commands.list(DEVICE_ID, status="failed")
        self.assertIn(failed["id"], [x["id"] for x in failed_ones])
        batch = c.iot.commands.batch(device_ids=[DEVICE_ID], command="turnOn")
        self.assertEqual([x["deviceId"] for x in batch], [DEVICE_ID])

    def test_offline_device_queued_command_and_cancel(self):
        c = client()
        device = c.iot.devices.create(name="py offline lamp")
        self.assertEqual(device["credentials"]["username"], device["id"])
        with self.assertRaises(ApiError) as caught:
            c.iot.devices.send_command(device["id"], "turnOn")
        self.assertEqual((caught.exception.status, caught.exception.code), (422, 42202))
        queued = c.iot.devices.send_command(device["id"], "turnOn", ttl_seconds=60)
        self.assertEqual(queued["status"], "queued")
        self.assertEqual(c.iot.commands.cancel(queued["id"])["status"], "cancelled")
        c.iot.devices.delete(device["id"])

    def test_a_lost_answer_is_retried_with_the_same_idempotency_key_and_runs_once(self):
        seen = []

        def lose_first_answer(method, url, headers, body, timeout):
            seen.append(headers.get("Idempotency-Key"))
            answer = urllib_transport(method, url, headers, body, timeout)
            if len(seen) == 1:
                raise ConnectionResetError("the answer was lost")
            return answer

        c = client(transport=lose_first_answer)
        before = client().iot.commands.list(DEVICE_ID, page_size=1).pagination.total
        command = c.iot.devices.send_command(DEVICE_ID, "turnOn", {"brightness": 42})
        self.assertEqual(command["status"], "succeeded")
        self.assertEqual(len(seen), 2)
        self.assertEqual(seen[0], seen[1])
        self.assertEqual(client().iot.commands.list(DEVICE_ID, page_size=1).pagination.total, before + 1)

        seen.clear()
        with self.assertRaises(ApiConnectionError):
            c.customers.create(name="not retried")
        self.assertEqual(len(seen), 1)

    def test_device_registry_and_telemetry(self):
        c = client()
        device = c.iot.devices.get(DEVICE_ID)
        self.assertEqual(device["status"], "online")
        self.assertIn(DEVICE_ID, [d["id"] for d in c.iot.devices.iterate(status="online")])
        points = wait_for(lambda: c.iot.devices.telemetry(DEVICE_ID, key="brightness").items, what="telemetry")
        self.assertEqual(points[0]["key"], "brightness")


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self):  # noqa: N802 (the handler's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        _Receiver.received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@live
class WebhooksTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        _Receiver.received.clear()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_deliveries_verify_both_ways_and_redelivery_and_rotation(self):
        c = client()
        url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        webhook = c.webhooks.create(url=url, events=["customer.created"], description="python sdk")
        secret = webhook["secret"]
        delivery = c.webhooks.test(webhook["id"])
        self.assertEqual(delivery["eventType"], "webhook.test")
        headers, body = wait_for(lambda: _Receiver.received and _Receiver.received[0], what="the test delivery")
        self.assertTrue(verify_webhook(body, headers["X-Webhook-Signature"], secret))
        self.assertTrue(verify_standard_webhook(body, headers, secret))
        self.assertFalse(verify_webhook(body + b" ", headers["X-Webhook-Signature"], secret))
        self.assertFalse(verify_standard_webhook(body, headers, secret, now=time.time() + 3600))
        self.assertEqual(parse_webhook(body, headers, secret)["data"], {"webhookId": webhook["id"]})

        logged = wait_for(lambda: c.webhooks.deliveries(webhook["id"], status="succeeded").items, what="the log")
        again = c.webhooks.redeliver(webhook["id"], logged[0]["id"])
        self.assertEqual(again["eventId"], logged[0]["eventId"])
        wait_for(lambda: len(_Receiver.received) >= 2, what="the redelivery")

        rotated = c.webhooks.rotate_secret(webhook["id"])
        c.customers.create(name="webhook 客户")
        headers, body = wait_for(
            lambda: next((r for r in _Receiver.received if b"customer.created" in r[1]), None), what="customer.created"
        )
        self.assertTrue(verify_webhook(body, headers["X-Webhook-Signature"], rotated["secret"]))
        self.assertFalse(verify_webhook(body, headers["X-Webhook-Signature"], secret))
        self.assertGreaterEqual(len(c.webhooks.iterate_deliveries(webhook["id"]).to_list()), 3)
        c.webhooks.delete(webhook["id"])

    def test_the_event_log(self):
        types = {e["type"] for e in client().events.iterate(type={"in": ["customer.created", "device.online"]})}
        self.assertEqual(types, {"customer.created", "device.online"})


if __name__ == "__main__":
    unittest.main()
