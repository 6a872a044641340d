"""whiterabbitneo_stop.py: the "\\nUSER:" turn stop added to requests and kept out of answers."""
import json
import unittest

import _space_path  # noqa: F401

from whiterabbitneo_stop import TURN_STOP, StreamStripper, strip_turn_stop, with_turn_stop


def chat_event(content, finish=None):
    return b"data: " + json.dumps({"choices": [{"index": 0, "delta": {"role": "assistant", "content": content}, "finish_reason": finish}]}).encode() + b"\n\n"


def texts(stream: bytes):
    out = []
    for event in stream.split(b"\n\n"):
        if event.startswith(b"data: ") and event != b"data: [DONE]":
            out.append(json.loads(event[6:])["choices"][0]["delta"]["content"])
    return out


class RequestTest(unittest.TestCase):
    def test_a_chat_request_gains_the_stop_after_its_own(self):
        body, added = with_turn_stop("v1/chat/completions", json.dumps({"messages": [], "stop": ["###"]}).encode())
        self.assertTrue(added)
        self.assertEqual(json.loads(body)["stop"], ["###", TURN_STOP])

    def test_a_single_stop_string_and_no_stop_at_all(self):
        self.assertEqual(json.loads(with_turn_stop("v1/completions", b'{"prompt":"x","stop":"END"}')[0])["stop"], ["END", TURN_STOP])
        self.assertEqual(json.loads(with_turn_stop("v1/completions", b'{"prompt":"x"}')[0])["stop"], [TURN_STOP])

    def test_native_requests_get_it_in_their_parameters_and_keep_tgis_behaviour(self):
        body, added = with_turn_stop("generate_stream", b'{"inputs":"x"}')
        self.assertEqual(json.loads(body)["parameters"]["stop"], [TURN_STOP])
        self.assertFalse(added)

    def test_requests_left_alone(self):
        for path, body in [
            ("v1/chat/completions", json.dumps({"stop": [TURN_STOP]}).encode()),
            ("v1/chat/completions", json.dumps({"stop": ["a", "b", "c", "d"]}).encode()),  # TGI's limit
            ("v1/chat/completions", b"not json"),
            ("v1/chat/completions", b"[1]"),
            ("info", b"{}"),
        ]:
            self.assertEqual(with_turn_stop(path, body), (body, False), path)


class StreamTest(unittest.TestCase):
    def feed_bytewise(self, stream: bytes) -> bytes:
        stripper = StreamStripper()
        out = b"".join(stripper.feed(stream[i : i + 1]) for i in range(len(stream)))
        return out + stripper.close()

    def test_the_stop_split_over_tokens_and_bytes_never_reaches_the_client(self):
        stream = chat_event("Done.") + chat_event("\n") + chat_event("US") + chat_event("ER:") + chat_event("", "stop") + b"data: [DONE]\n\n"
        out = self.feed_bytewise(stream)
        self.assertEqual("".join(texts(out)), "Done.")
        self.assertTrue(out.endswith(b"data: [DONE]\n\n"))

    def test_text_that_only_looked_like_the_stop_is_released(self):
        stream = chat_event("a\nUS") + chat_event("B") + chat_event("\nUS") + chat_event(None, "length")
        self.assertEqual("".join(t or "" for t in texts(self.feed_bytewise(stream))), "a\nUSB\nUS")

    def test_completions_and_crlf_framing(self):
        event = lambda text, finish=None: b"data: " + json.dumps({"choices": [{"text": text, "finish_reason": finish}]}).encode() + b"\r\n\r\n"
        stripper = StreamStripper()
        out = stripper.feed(event("x\nUSER:") + event("", "stop"))
        chunks = [json.loads(e[6:]) for e in out.split(b"\n\n") if e.startswith(b"data: ")]
        self.assertEqual("".join(c["choices"][0]["text"] for c in chunks), "x")

    def test_a_whole_answer_loses_a_final_stop_only(self):
        answer = {"choices": [{"message": {"content": "hi\nUSER:"}, "finish_reason": "stop"}, {"text": "USER: x"}]}
        self.assertEqual(strip_turn_stop(answer)["choices"][0]["message"]["content"], "hi")
        self.assertEqual(answer["choices"][1]["text"], "USER: x")


if __name__ == "__main__":
    unittest.main()
