"""WhiteRabbitNeo's turn ends at "\\nUSER:": its chat format (SYSTEM:/USER:/ASSISTANT:) has no end-of-turn
token the model reliably writes, so left alone it goes on to write the user's next turn itself. The
proxy adds that stop sequence to each OpenAI-style request for WhiteRabbitNeo that lacks it, and, since
TGI includes a matched stop sequence in the text it sends, takes it out of the answer again: in a
stream the text that might be its start is held back until the next event shows whether it is.
TGI's native /generate routes get the stop too, and keep TGI's own behaviour (the stop in the text).
"""
from __future__ import annotations

import json
from typing import Optional

from codet5p_protocol import StopMatcher

TURN_STOP = "\nUSER:"
# TGI's --max-stop-sequences default: a request that already has as many is sent as it is.
MAX_STOP_SEQUENCES = 4
OPENAI_PATHS = ("v1/chat/completions", "v1/completions")
NATIVE_PATHS = ("generate", "generate_stream")


def with_turn_stop(path: str, body: bytes) -> tuple[bytes, bool]:
    """The request body with TURN_STOP among its stop sequences, and whether it was added by us (and so
    must be taken out of the answer). Bodies that are not JSON objects go through untouched: TGI
    answers them itself."""
    if path not in OPENAI_PATHS + NATIVE_PATHS:
        return body, False
    try:
        request = json.loads(body)
    except ValueError:
        return body, False
    if not isinstance(request, dict):
        return body, False
    holder = request
    if path in NATIVE_PATHS:
        holder = request.get("parameters")
        if holder is None:
            holder = request["parameters"] = {}
        if not isinstance(holder, dict):
            return body, False
    stops = holder.get("stop")
    if stops is None:
        stops = []
    elif isinstance(stops, str):
        stops = [stops]
    if not isinstance(stops, list) or TURN_STOP in stops or len(stops) >= MAX_STOP_SEQUENCES:
        return body, False
    holder["stop"] = [*stops, TURN_STOP]
    return json.dumps(request).encode(), path in OPENAI_PATHS


def _text_of(choice: dict) -> tuple[Optional[dict], Optional[str]]:
    """The object holding a choice's text and the key it is under (chat delta/message, or completion)."""
    for holder_key in ("delta", "message"):
        holder = choice.get(holder_key)
        if isinstance(holder, dict):
            return holder, "content"
    return (choice, "text") if "text" in choice else (None, None)


def strip_turn_stop(answer: dict) -> dict:
    """A whole (non-streamed) answer with a final TURN_STOP taken off its text."""
    for choice in answer.get("choices") or []:
        if not isinstance(choice, dict):
            continue
        holder, key = _text_of(choice)
        if holder is not None and isinstance(holder.get(key), str) and holder[key].endswith(TURN_STOP):
            holder[key] = holder[key][: -len(TURN_STOP)]
    return answer


class StreamStripper:
    """Rewrites an OpenAI-style event stream so that TURN_STOP never reaches the client."""

    def __init__(self) -> None:
        self.buffer = b""
        self.matcher = StopMatcher((TURN_STOP,), include_stop=False)

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        out = []
        while True:
            end, size = _event_end(self.buffer)
            if end < 0:
                break
            event, self.buffer = self.buffer[:end], self.buffer[end + size :]
            out.append(self._event(event) + b"\n\n")
        return b"".join(out)

    def close(self) -> bytes:
        rest, self.buffer = self.buffer, b""
        return rest

    def _event(self, event: bytes) -> bytes:
        lines = event.split(b"\n")
        for i, line in enumerate(lines):
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if payload == b"[DONE]":
                continue
            try:
                chunk = json.loads(payload)
            except ValueError:
                continue
            if isinstance(chunk, dict):
                lines[i] = b"data: " + json.dumps(self._chunk(chunk), ensure_ascii=False).encode()
        return b"\n".join(lines)

    def _chunk(self, chunk: dict) -> dict:
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return chunk
        choice = choices[0]
        holder, key = _text_of(choice)
        text = holder.get(key) if holder is not None else None
        safe = "" if self.matcher.stopped else self.matcher.feed(text if isinstance(text, str) else "")
        if choice.get("finish_reason") and not self.matcher.stopped:
            safe += self.matcher.flush()  # the answer ended: what was held back was not the stop
        if holder is not None and (isinstance(text, str) or safe):
            holder[key] = safe
        return chunk


def _event_end(buffer: bytes) -> tuple[int, int]:
    """Where the first complete event ends in `buffer` (-1 if none yet), and the separator's length."""
    ends = [(buffer.find(sep), len(sep)) for sep in (b"\n\n", b"\r\n\r\n")]
    found = [(at, size) for at, size in ends if at >= 0]
    return min(found) if found else (-1, 0)
