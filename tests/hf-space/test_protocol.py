"""codet5p_protocol.py: the instruction template, and the signs of life a queued request is sent."""
import asyncio
import json
import unittest

import _space_path  # noqa: F401

import codet5p_protocol as protocol


async def events(*items):
    for item in items:
        yield item


def request(stream=True):
    return protocol.parse_completion_request({"prompt": "x", "max_tokens": 5, "stream": stream})


async def collect(iterator):
    return [line async for line in iterator]


class TemplateTest(unittest.TestCase):
    def test_a_bare_prompt_is_wrapped_in_salesforces_template(self):
        self.assertEqual(
            protocol.templated_prompt("  Sort a list.\n", "instruction"),
            "Below is an instruction that describes a task. Write a response that appropriately completes the request."
            "\n\n### Instruction:\nSort a list.\n\n### Response:",
        )

    def test_a_templated_prompt_or_no_template_leaves_it_as_it_is(self):
        own = "Below is an instruction that describes a task, paired with an input.\n\n### Instruction:\nx"
        self.assertEqual(protocol.templated_prompt(own, "instruction"), own)
        self.assertEqual(protocol.templated_prompt("def f():", "none"), "def f():")


class KeepaliveTest(unittest.TestCase):
    def test_the_openai_stream_sends_an_empty_chunk_while_queued(self):
        lines = asyncio.run(collect(protocol.openai_stream(
            events(protocol.Waiting(), protocol.Piece("hi", (1,)), protocol.Finished("eos", 1)), request(), 1, "m", lambda: None)))
        first = json.loads(lines[0][len("data: "):])
        self.assertEqual(first["choices"][0], {"index": 0, "text": "", "logprobs": None, "finish_reason": None})
        self.assertEqual(json.loads(lines[1][len("data: "):])["choices"][0]["text"], "hi")
        self.assertEqual(lines[-1], protocol.DONE)

    def test_the_native_stream_sends_a_comment_and_counts_no_token(self):
        lines = asyncio.run(collect(protocol.native_stream(
            events(protocol.Waiting(), protocol.Piece("hi", (1,)), protocol.Finished("eos", 1)), request(), 1, lambda: None)))
        self.assertEqual(lines[0], protocol.KEEPALIVE_COMMENT)
        last = json.loads(lines[-1][len("data:"):])
        self.assertEqual((last["index"], last["generated_text"]), (1, "hi"))

    def test_a_whole_completion_ignores_them(self):
        body = asyncio.run(protocol.openai_completion(
            events(protocol.Waiting(), protocol.Piece("hi", (1,)), protocol.Finished("eos", 1)), request(False), 1, "m", lambda: None))
        self.assertEqual(body["choices"][0]["text"], "hi")


if __name__ == "__main__":
    unittest.main()
