"""The CodeT5+ server's wire protocol, with neither a web framework nor a model in it: what a request may
ask for, how stop sequences end a stream, and the events sent back, shaped as TGI 3 shapes them
(OpenAI's completions stream ending with `data: [DONE]`, and TGI's native /generate_stream).

The model side hands this module an async iterator of `Piece`s (text released by the tokenizer, with
the ids of the tokens behind it) ending with one `Finished`; everything here is plain data in, text out.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, replace
from typing import Any, AsyncIterator, Callable, Optional, Union

MAX_NEW_TOKENS = 1024
DEFAULT_MAX_NEW_TOKENS = 256
MAX_STOP_SEQUENCES = 4
MAX_STOP_LENGTH = 64
MAX_PROMPT_CHARS = 16_000
SYSTEM_FINGERPRINT = "codet5p-server-1"


class RequestError(Exception):
    """A request refused before any generation: HTTP `status` with {"error", "error_type"}, as TGI does."""

    def __init__(self, message: str, status: int = 422, error_type: str = "validation", **extra: Any):
        super().__init__(message)
        self.status = status
        self.body = {"error": message, "error_type": error_type, **extra}


class GenerationError(Exception):
    """The model failed after the stream had started: reported as an error event, not an HTTP status."""


@dataclass(frozen=True)
class Piece:
    """Text the tokenizer released (may be empty while a word is unfinished) and the ids behind it."""

    text: str
    token_ids: tuple[int, ...] = ()
    special: bool = False


@dataclass(frozen=True)
class Finished:
    """The model stopped by itself: "eos", "length" (max_new_tokens reached) or "cancelled"."""

    reason: str
    generated_tokens: int


@dataclass(frozen=True)
class Waiting:
    """The request is still queued behind other generations: a sign of life for the client, no text.
    The OpenAI stream sends it as a chunk with empty text; the native one as an SSE comment."""


ModelEvent = Union[Piece, Finished]
QueuedEvent = Union[Piece, Finished, Waiting]


@dataclass(frozen=True)
class Sampling:
    max_new_tokens: int
    temperature: float  # 0 means greedy decoding
    top_p: Optional[float]  # None: no nucleus sampling
    seed: Optional[int]
    stop: tuple[str, ...]

    @property
    def greedy(self) -> bool:
        return self.temperature == 0

    def within(self, room: int) -> "Sampling":
        """The same sampling with max_new_tokens cut to the room the model has left after the prompt."""
        return replace(self, max_new_tokens=max(1, min(self.max_new_tokens, room)))


@dataclass(frozen=True)
class CompletionRequest:
    prompt: str
    sampling: Sampling
    stream: bool
    model: Optional[str]


# ---- the instruction template --------------------------------------------------------------------

# Salesforce's instruction template for instructcodet5p-16b, as its tuning script (CodeT5+/instruct_tune_codet5p.py,
# "prompt_no_input") builds every training example; the model saw nothing else, so a bare prompt is
# wrapped in it. A prompt that already starts with the template's opening is sent as it is.
INSTRUCTION_OPENING = "Below is an instruction that describes a task"
INSTRUCTION_TEMPLATE = (
    "Below is an instruction that describes a task. "
    "Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n### Response:"
)
PROMPT_TEMPLATES = ("instruction", "none")


def templated_prompt(prompt: str, template: str) -> str:
    """The prompt as the model is given it: wrapped in the instruction template (`instruction`), or
    as sent (`none`, or a prompt already written in the template)."""
    if template == "none" or prompt.lstrip().startswith(INSTRUCTION_OPENING):
        return prompt
    return INSTRUCTION_TEMPLATE.format(instruction=prompt.strip())


# ---- reading requests ---------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _optional_number(body: dict, name: str, low: float, high: float, *, low_open: bool = False) -> Optional[float]:
    value = body.get(name)
    if value is None:
        return None
    if not _is_number(value) or value > high or value < low or (low_open and value == low):
        bound = f"in ({low}, {high}]" if low_open else f"in [{low}, {high}]"
        raise RequestError(f"`{name}` must be a number {bound}")
    return float(value)


def _optional_int(body: dict, name: str, low: int, high: int) -> Optional[int]:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise RequestError(f"`{name}` must be an integer in [{low}, {high}]")
    return value


def _stop_sequences(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise RequestError("`stop` must be a string or a list of strings")
    if len(stops) > MAX_STOP_SEQUENCES:
        raise RequestError(f"`stop` supports up to {MAX_STOP_SEQUENCES} sequences. Given: {len(stops)}")
    if any(not s or len(s) > MAX_STOP_LENGTH for s in stops):
        raise RequestError(f"each stop sequence must be 1 to {MAX_STOP_LENGTH} characters")
    return tuple(dict.fromkeys(stops))


def _prompt_text(value: Any, name: str) -> str:
    # OpenAI accepts a list of prompts; one generation per request here, so a list of exactly one.
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        raise RequestError(f"`{name}` must be a string")
    if not value:
        raise RequestError(f"`{name}` cannot be empty")
    if len(value) > MAX_PROMPT_CHARS:
        raise RequestError(f"`{name}` is too long: {len(value)} characters, at most {MAX_PROMPT_CHARS}")
    return value


def _max_new_tokens(body: dict, name: str) -> int:
    requested = _optional_int(body, name, 1, 1_000_000)
    # Capped rather than refused: a client asking for more simply gets finish_reason "length".
    return min(requested or DEFAULT_MAX_NEW_TOKENS, MAX_NEW_TOKENS)


def _object(body: Any, name: str) -> dict:
    if not isinstance(body, dict):
        raise RequestError(f"{name} must be a JSON object")
    return body


def parse_completion_request(body: Any) -> CompletionRequest:
    """OpenAI's POST /v1/completions body, as @huggingface/inference's textGenerationStream sends it."""
    body = _object(body, "the body")
    temperature = _optional_number(body, "temperature", 0.0, 2.0)
    top_p = _optional_number(body, "top_p", 0.0, 1.0, low_open=True)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise RequestError("`stream` must be a boolean")
    model = body.get("model")
    return CompletionRequest(
        prompt=_prompt_text(body.get("prompt"), "prompt"),
        sampling=Sampling(
            max_new_tokens=_max_new_tokens(body, "max_tokens"),
            temperature=1.0 if temperature is None else temperature,  # OpenAI's default
            top_p=None if top_p is None or top_p == 1.0 else top_p,
            seed=_optional_int(body, "seed", 0, 2**63 - 1),
            stop=_stop_sequences(body.get("stop")),
        ),
        stream=stream,
        model=model if isinstance(model, str) and model else None,
    )


def parse_generate_request(body: Any) -> CompletionRequest:
    """TGI's POST /generate_stream body: {"inputs": ..., "parameters": {...}}."""
    body = _object(body, "the body")
    parameters = _object(body.get("parameters") or {}, "`parameters`")
    temperature = _optional_number(parameters, "temperature", 0.0, 100.0)
    top_p = _optional_number(parameters, "top_p", 0.0, 1.0, low_open=True)
    do_sample = parameters.get("do_sample", False)
    if not isinstance(do_sample, bool):
        raise RequestError("`do_sample` must be a boolean")
    # TGI samples when asked to or when any sampling parameter is given; a temperature of 0 is greedy.
    if temperature is None:
        temperature = 1.0 if do_sample or top_p is not None else 0.0
    return CompletionRequest(
        prompt=_prompt_text(body.get("inputs"), "inputs"),
        sampling=Sampling(
            max_new_tokens=_max_new_tokens(parameters, "max_new_tokens"),
            temperature=temperature,
            top_p=None if top_p is None or top_p == 1.0 else top_p,
            seed=_optional_int(parameters, "seed", 0, 2**63 - 1),
            stop=_stop_sequences(parameters.get("stop")),
        ),
        stream=True,
        model=None,
    )


# ---- stop sequences -----------------------------------------------------------------------------


class StopMatcher:
    """Finds stop sequences in streamed text. Text that might be the start of a stop sequence is held
    back until the next piece shows whether it is one, so nothing past a stop is ever sent."""

    def __init__(self, stops: tuple[str, ...], include_stop: bool):
        self.stops = stops
        self.include_stop = include_stop
        self.held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """The text that is safe to send now; sets `stopped` when a stop sequence was found."""
        if not self.stops:
            return text
        buffer = self.held + text
        found = [(buffer.find(stop), stop) for stop in self.stops if stop in buffer]
        if found:
            at, stop = min(found)
            self.held = ""
            self.stopped = True
            return buffer[: at + len(stop)] if self.include_stop else buffer[:at]
        keep = max((n for stop in self.stops for n in range(1, len(stop)) if buffer.endswith(stop[:n])), default=0)
        self.held = buffer[len(buffer) - keep :] if keep else ""
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        """What is still held back once the model has stopped by itself."""
        held, self.held = self.held, ""
        return held


# ---- events -------------------------------------------------------------------------------------

OPENAI_FINISH = {"eos": "stop", "stop_sequence": "stop", "length": "length"}
NATIVE_FINISH = {"eos": "eos_token", "stop_sequence": "stop_sequence", "length": "length"}
DONE = "data: [DONE]\n\n"
KEEPALIVE_COMMENT = ": waiting for the model\n\n"


def _openai_event(value: dict) -> str:
    return f"data: {json.dumps(value, ensure_ascii=False)}\n\n"


def _native_event(value: dict) -> str:
    # TGI writes its native events without a space after "data:".
    return f"data:{json.dumps(value, ensure_ascii=False)}\n\n"


def _usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


class _Cut:
    """Iterates one generation as (text to send, the piece it came from) pairs, cut at the first stop
    sequence (calling `on_stop`, so the model stops too). Once iteration is over, `reason` says how it
    ended ("eos", "length", "stop_sequence", "cancelled"; None if the model never said) or `error` why
    it failed. The final pair of text still held back by the matcher has no piece (None); a Waiting
    (the request is still queued) comes through as an empty text with the Waiting."""

    def __init__(self, events: AsyncIterator[QueuedEvent], stops: tuple[str, ...], include_stop: bool, on_stop: Callable[[], None]):
        self.events = events
        self.matcher = StopMatcher(stops, include_stop)
        self.on_stop = on_stop
        self.text = ""
        self.reason: Optional[str] = None
        self.generated_tokens = 0
        self.error: Optional[str] = None

    async def __aiter__(self) -> AsyncIterator[tuple[str, Union[Piece, Waiting, None]]]:
        try:
            async for event in self.events:
                if isinstance(event, Waiting):
                    yield "", event
                    continue
                if isinstance(event, Finished):
                    self.reason = event.reason
                    self.generated_tokens = max(self.generated_tokens, event.generated_tokens)
                    break
                self.generated_tokens += len(event.token_ids)
                text = self.matcher.feed(event.text)
                self.text += text
                yield text, event
                if self.matcher.stopped:
                    self.reason = "stop_sequence"
                    self.on_stop()
                    return
        except GenerationError as error:
            self.error = str(error) or "generation failed"
            return
        rest = self.matcher.flush()
        if rest:
            self.text += rest
            yield rest, None


async def openai_stream(
    events: AsyncIterator[QueuedEvent],
    request: CompletionRequest,
    prompt_tokens: int,
    model_name: str,
    on_stop: Callable[[], None],
) -> AsyncIterator[str]:
    """OpenAI completion chunks: one per piece of text, then one with finish_reason and usage, then
    [DONE]. An error mid-stream is one `{"error": {...}}` event and the end of the stream."""
    base = {
        "id": "",
        "object": "text_completion",
        "created": int(time.time()),
        "model": request.model or model_name,
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }

    def chunk(text: str, finish_reason: Optional[str] = None, usage: Optional[dict] = None) -> str:
        value = {**base, "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": finish_reason}]}
        if usage is not None:
            value["usage"] = usage
        return _openai_event(value)

    cut = _Cut(events, request.sampling.stop, False, on_stop)
    async for text, piece in cut:
        if isinstance(piece, Waiting):
            # An empty chunk: OpenAI clients append nothing, and a client's idle timer sees life.
            yield chunk("")
        elif text:
            yield chunk(text)
    if cut.error is not None:
        yield _openai_event({"error": {"message": cut.error, "http_status_code": 500}})
        return
    if cut.reason is None or cut.reason == "cancelled":
        return  # the client went away: nobody is reading
    yield chunk("", OPENAI_FINISH[cut.reason], _usage(prompt_tokens, cut.generated_tokens))
    yield DONE


async def openai_completion(
    events: AsyncIterator[QueuedEvent],
    request: CompletionRequest,
    prompt_tokens: int,
    model_name: str,
    on_stop: Callable[[], None],
) -> dict:
    """The whole completion as one OpenAI `text_completion` object (a request without stream: true)."""
    cut = _Cut(events, request.sampling.stop, False, on_stop)
    async for _ in cut:
        pass
    if cut.error is not None:
        raise GenerationError(cut.error)
    return {
        "id": "",
        "object": "text_completion",
        "created": int(time.time()),
        "model": request.model or model_name,
        "system_fingerprint": SYSTEM_FINGERPRINT,
        "choices": [{"index": 0, "text": cut.text, "logprobs": None, "finish_reason": OPENAI_FINISH.get(cut.reason or "", "stop")}],
        "usage": _usage(prompt_tokens, cut.generated_tokens),
    }


async def native_stream(
    events: AsyncIterator[QueuedEvent],
    request: CompletionRequest,
    prompt_tokens: int,
    on_stop: Callable[[], None],
) -> AsyncIterator[str]:
    """TGI's /generate_stream: one event per generated token; the last one also carries generated_text
    and details (finish_reason "length", "eos_token" or "stop_sequence"). No [DONE]; an error is one
    `{"error", "error_type"}` event. The stop sequence stays in the text, as TGI leaves it."""

    def token_event(index: int, token_id: int, text: str, special: bool) -> dict:
        # No logprob: generate() is not asked for scores, and a made-up number would mislead.
        return {
            "index": index,
            "token": {"id": token_id, "text": text, "logprob": None, "special": special},
            "generated_text": None,
            "details": None,
        }

    # Each token's event is sent when the next one arrives, so that the last can carry the details.
    pending: Optional[dict] = None
    index = 0
    cut = _Cut(events, request.sampling.stop, True, on_stop)
    async for text, piece in cut:
        if isinstance(piece, Waiting):
            # An SSE comment: TGI's clients read only `data:` lines, so no token appears from nowhere.
            yield KEEPALIVE_COMMENT
            continue
        if piece is None or not piece.token_ids:
            # Text released at the end of the stream, with no token of its own: it ends the last token.
            if pending is not None:
                pending["token"]["text"] += text
                continue
            index += 1
            pending = token_event(index, 0, text, True)
            continue
        if pending is not None:
            yield _native_event(pending)
        index += 1
        pending = token_event(index, piece.token_ids[-1], text, piece.special)
    if cut.error is not None:
        if pending is not None:
            yield _native_event(pending)
        yield _native_event({"error": cut.error, "error_type": "generation"})
        return
    if cut.reason is None or cut.reason == "cancelled":
        return
    if pending is None:
        pending = token_event(1, 0, "", True)
    pending["generated_text"] = cut.text
    pending["details"] = {
        "finish_reason": NATIVE_FINISH[cut.reason],
        "generated_tokens": cut.generated_tokens,
        "seed": request.sampling.seed,
        "input_length": prompt_tokens,
    }
    yield _native_event(pending)
