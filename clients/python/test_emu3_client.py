"""Tests of emu3_client against running services (run by Tests/EndToEndTests/ClientTests.swift).

Environment:
  EMU3_TEST_URL           a running service (any of the five)
  EMU3_TEST_NAME          its process name, e.g. "emu3-evaluator"
  EMU3_TEST_DOWN_URL      an address where nothing listens
  EMU3_TEST_ORCHESTRATOR_URL  optional: `emu3-orchestrator serve` with its services up; the
                          pipeline tests run when its Info lists the Generate/Understand methods.
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emu3_client  # noqa: E402
from emu3_client import Client, Emu3Error, StatusCode  # noqa: E402
from emu3.v1 import rpc_pb2  # noqa: E402

URL = os.environ.get("EMU3_TEST_URL", "")
NAME = os.environ.get("EMU3_TEST_NAME", "")
DOWN_URL = os.environ.get("EMU3_TEST_DOWN_URL", "")
ORCHESTRATOR_URL = os.environ.get("EMU3_TEST_ORCHESTRATOR_URL", "")


@unittest.skipUnless(URL and DOWN_URL, "EMU3_TEST_URL and EMU3_TEST_DOWN_URL are not set")
class EnvelopeAndHealthTests(unittest.TestCase):
    def test_health_is_serving(self):
        self.assertEqual(emu3_client.health(URL), "SERVING")

    def test_info_names_the_process_and_its_methods(self):
        info = emu3_client.info(URL)
        self.assertEqual(info.name, NAME)
        self.assertIn(emu3_client.HEALTH_CHECK, list(info.methods))
        self.assertTrue(info.version)
        self.assertGreater(info.recv_max_bytes, 0)

    def test_unknown_health_service_is_not_found(self):
        with self.assertRaises(Emu3Error) as cm:
            emu3_client.health(URL, service="no-such-service")
        self.assertEqual(cm.exception.code, StatusCode.NOT_FOUND)

    def test_unknown_method_is_unimplemented(self):
        with self.assertRaises(Emu3Error) as cm:
            with Client(URL) as c:
                c.call_raw("/emu3.v1.Nope/Missing", b"", 2000)
        self.assertEqual(cm.exception.code, StatusCode.UNIMPLEMENTED)
        self.assertIn("/emu3.v1.Nope/Missing", cm.exception.message)

    def test_deadline_in_the_past_is_deadline_exceeded(self):
        envelope = rpc_pb2.RpcRequest(method=emu3_client.HEALTH_CHECK, request_id="py-1",
                                      deadline_unix_ms=int(time.time() * 1000) - 1000)
        with Client(URL) as c:
            c._wait_for_connection(int(time.time() * 1000) + 2000)
            reply = rpc_pb2.RpcReply()
            reply.ParseFromString(c.exchange(envelope.SerializeToString(), int(time.time() * 1000) + 2000))
        self.assertEqual(reply.code, StatusCode.DEADLINE_EXCEEDED)
        self.assertEqual(reply.request_id, "py-1")

    def test_garbage_bytes_are_invalid_argument_and_the_service_survives(self):
        with Client(URL) as c:
            c._wait_for_connection(int(time.time() * 1000) + 2000)
            reply = rpc_pb2.RpcReply()
            reply.ParseFromString(c.exchange(b"\xff\x00garbage", int(time.time() * 1000) + 2000))
            self.assertEqual(reply.code, StatusCode.INVALID_ARGUMENT)
            self.assertEqual(c.health(), "SERVING")

    def test_one_client_makes_many_calls(self):
        with Client(URL, resend=True) as c:
            for _ in range(50):
                self.assertEqual(c.health(), "SERVING")

    def test_nobody_listening_is_unavailable_quickly(self):
        start = time.monotonic()
        with self.assertRaises(Emu3Error) as cm:
            emu3_client.health(DOWN_URL, timeout_ms=3000)
        self.assertEqual(cm.exception.code, StatusCode.UNAVAILABLE)
        self.assertLess(time.monotonic() - start, 2.5)


@unittest.skipUnless(ORCHESTRATOR_URL, "EMU3_TEST_ORCHESTRATOR_URL is not set")
class PipelineTests(unittest.TestCase):
    PROMPT = "a red circle on a blue background"
    _first = None

    def setUp(self):
        methods = list(emu3_client.info(ORCHESTRATOR_URL).methods)
        if emu3_client.ORCHESTRATOR_GENERATE not in methods or emu3_client.ORCHESTRATOR_UNDERSTAND not in methods:
            self.skipTest(f"the orchestrator does not serve the pipelines yet (methods: {methods})")

    @classmethod
    def first_image(cls):
        """One generation shared by the tests (generation is the slow part)."""
        if cls._first is None:
            cls._first = emu3_client.generate(ORCHESTRATOR_URL, cls.PROMPT, seed=7)
        return cls._first

    def test_generate_gives_a_png_and_the_same_seed_gives_the_same_tokens(self):
        first = self.first_image()
        self.assertTrue(first.png.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertGreater(first.width, 0)
        self.assertGreater(first.height, 0)
        self.assertEqual(first.seed, 7)
        self.assertGreater(len(first.token_ids), 0)
        second = emu3_client.generate(ORCHESTRATOR_URL, self.PROMPT, seed=7)
        self.assertEqual(list(first.token_ids), list(second.token_ids))
        self.assertEqual((first.width, first.height), (second.width, second.height))

    def test_understand_returns_text(self):
        answer = emu3_client.understand(ORCHESTRATOR_URL, self.first_image().png, "What is in the picture?",
                                        max_tokens=8)
        self.assertIsInstance(answer.text, str)
        self.assertGreater(len(answer.token_ids), 0)

    def test_a_non_png_is_invalid_argument(self):
        with self.assertRaises(Emu3Error) as cm:
            emu3_client.understand(ORCHESTRATOR_URL, b"not a png", "What?", timeout_ms=10_000)
        self.assertEqual(cm.exception.code, StatusCode.INVALID_ARGUMENT)


if __name__ == "__main__":
    unittest.main(verbosity=2)
