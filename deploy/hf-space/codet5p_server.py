"""HTTP face of the CodeT5+ model, speaking what TGI speaks: POST /v1/completions (OpenAI's completions,
streamed as server-sent events or whole), POST /generate_stream (TGI's native stream), GET /health and
GET /info. It listens at once and loads the model in the background, answering 503 "Model is loading"
until then; if loading fails it stays up and answers 500 "failed to load" with the reason, so that the
Space's other model keeps serving. One generation runs at a time (a 16B model on one GPU); a few more
wait their turn, each stream sent a sign of life every few seconds while it waits, and the rest get 429.
A client that goes away, or a stop sequence, stops its generation at the next token.

The wire format lives in codet5p_protocol.py, the model in codet5p_model.py (imported only once the
server is up, since torch takes a while to import).

    python codet5p_server.py --host 127.0.0.1 --port 8082
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import threading
import time
import urllib.request
from typing import Any, AsyncIterator, Callable, Iterator, Optional, Protocol

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

import codet5p_protocol as protocol
import model_cache

log = logging.getLogger("codet5p.server")

MAX_BODY_BYTES = 256 * 1024
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class Model(Protocol):
    """What the server needs of a model (codet5p_model.CodeT5pModel, or a stand-in in a test)."""

    name: str
    max_input_tokens: int
    max_total_tokens: int

    def encode(self, prompt: str) -> Any: ...  # returns something with a `length` in tokens

    def stream(self, encoded: Any, sampling: protocol.Sampling, cancelled: threading.Event) -> Iterator[protocol.ModelEvent]: ...

    def info(self) -> dict: ...


class ModelHost:
    """Owns the model's life: loading it in the background, then handing out its one GPU slot."""

    def __init__(
        self,
        load: Callable[[], Model],
        *,
        expected_load_s: float,
        max_waiting: int,
        load_after: Optional[str] = None,
        load_after_failed: Optional[str] = None,
        keepalive_s: float = 15.0,
        prompt_template: str = "none",
        progress: Callable[[], Optional[str]] = lambda: None,
        display_name: str = "CodeT5+",
    ):
        self._load = load
        self.expected_load_s = expected_load_s
        self.max_waiting = max_waiting
        self.load_after = load_after
        # A file whose appearance means the model we wait for will never be ready (start.sh writes it).
        self.load_after_failed = load_after_failed
        self.keepalive_s = keepalive_s
        self.prompt_template = prompt_template
        self._progress = progress
        self.display_name = display_name
        self.model: Optional[Model] = None
        self.failure: Optional[str] = None
        self.phase = "starting"
        self.started = time.monotonic()
        self.waiting = 0
        self._slot = asyncio.Lock()

    def start_loading(self) -> None:
        threading.Thread(target=self._load_in_background, name="codet5p-load", daemon=True).start()

    def _load_in_background(self) -> None:
        try:
            if self.load_after:
                self.phase = "waiting"
                _wait_until_healthy(self.load_after, self.load_after_failed)
            self.phase = "loading"
            began = time.monotonic()
            model = self._load()
            log.info("model %s ready in %.0f s", model.name, time.monotonic() - began)
            self.model = model
            self.phase = "ready"
        except BaseException as error:  # noqa: BLE001 - reported to every request from now on
            # Staying up keeps the Space's other model serving: this one answers "failed to load".
            log.exception("loading the model failed; answering every request with the reason")
            self.failure = f"{type(error).__name__}: {error}"[:500]
            self.phase = "failed"

    def loading_response(self) -> JSONResponse:
        left = self.expected_load_s - (time.monotonic() - self.started)
        if self.phase == "waiting":
            what = "waits for WhiteRabbitNeo-33B to load first (they share the GPU)"
        else:
            what = self._progress() or "is loading"
        return JSONResponse(
            {"error": f"{self.display_name} {what}", "error_type": "loading", "estimated_time": round(max(5.0, left))},
            status_code=503,
        )

    def failed_response(self) -> JSONResponse:
        return JSONResponse(
            {
                "error": f"{self.display_name} failed to load on this Space ({self.failure}); the Space's logs say more. Its other model is not affected.",
                "error_type": "failed",
            },
            status_code=500,
        )

    def ready_model(self) -> Model:
        if self.model is None:
            raise _Failed() if self.failure is not None else _Loading()
        return self.model

    def check_capacity(self) -> None:
        # A soft limit, checked before the response starts: the count moves only once streaming begins.
        if self.waiting >= self.max_waiting:
            raise protocol.RequestError(
                f"{self.display_name} is busy: {self.waiting} requests are already waiting for it. Try again in a minute.",
                status=429,
                error_type="overloaded",
            )

    async def _take_slot(self) -> AsyncIterator[protocol.Waiting]:
        """Waits for the GPU slot, yielding a Waiting every keepalive_s meanwhile (a queued stream would
        otherwise send nothing for minutes, and a client's idle timeout would end it). Returns holding
        the slot; if the waiter goes away first, it never takes it (or gives it straight back)."""
        self.waiting += 1
        acquire = asyncio.ensure_future(self._slot.acquire())
        taken = False
        try:
            while not acquire.done():
                done, _ = await asyncio.wait({acquire}, timeout=self.keepalive_s or None)
                if not done:
                    yield protocol.Waiting()
            acquire.result()
            taken = True
        finally:
            self.waiting -= 1
            if not taken:
                if acquire.done() and not acquire.cancelled() and acquire.exception() is None:
                    self._slot.release()
                else:
                    acquire.cancel()

    async def generate(self, model: Model, encoded: Any, sampling: protocol.Sampling, cancelled: threading.Event) -> AsyncIterator[protocol.QueuedEvent]:
        """Waits for the GPU slot (yielding Waiting meanwhile), then the model's events, awaited off the
        event loop. The slot is freed when the generation has really ended, which after `cancelled` is
        set is one token later."""
        slot = self._slot
        async for waiting in self._take_slot():
            yield waiting
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        end = object()

        def put(item: object) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:
                pass  # the event loop is closing: the server is shutting down

        def pump() -> None:
            try:
                for event in model.stream(encoded, sampling, cancelled):
                    put(event)
            except protocol.GenerationError as error:
                put(error)
            except Exception as error:  # noqa: BLE001 - reported to the client as a generation error
                log.exception("generation failed")
                put(protocol.GenerationError(f"Request failed during generation: {error}"))
            finally:
                put(end)

        def release(_future: object) -> None:
            slot.release()

        try:
            loop.run_in_executor(None, pump).add_done_callback(release)
        except BaseException:
            release(None)
            raise
        try:
            while True:
                item = await queue.get()
                if item is end:
                    return
                if isinstance(item, protocol.GenerationError):
                    raise item
                yield item
        finally:
            # Reached on a normal end, a stop sequence, or a client gone (the stream is cancelled or
            # closed): in each case the model must stop. No await here: a cancelled task may not wait.
            cancelled.set()


class _Loading(Exception):
    pass


class _Failed(Exception):
    pass


def _wait_until_healthy(url: str, failed_file: Optional[str] = None) -> None:
    """Blocks until `url` answers 200, or `failed_file` exists (that model will never be ready, so the
    GPU is ours to take). TGI sizes its KV cache from the GPU memory free when it warms up, so this
    model is put on the GPU only after TGI is ready (see start.sh)."""
    log.info("waiting for %s before loading the model onto the GPU", url)
    while True:
        if failed_file and os.path.exists(failed_file):
            log.info("%s exists: the other model failed, loading this one now", failed_file)
            return
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise protocol.RequestError(f"the body is too large: at most {MAX_BODY_BYTES} bytes", status=413)
    try:
        return json.loads(raw)
    except ValueError as error:
        raise protocol.RequestError(f"Failed to parse the JSON body: {error}") from None


def build_app(host: ModelHost) -> FastAPI:
    app = FastAPI(title="CodeT5+ server", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(protocol.RequestError)
    async def refused(_request: Request, error: protocol.RequestError) -> JSONResponse:
        return JSONResponse(error.body, status_code=error.status)

    @app.exception_handler(_Loading)
    async def loading(_request: Request, _error: _Loading) -> JSONResponse:
        return host.loading_response()

    @app.exception_handler(_Failed)
    async def failed(_request: Request, _error: _Failed) -> JSONResponse:
        return host.failed_response()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(error.detail), "error_type": "http"}, status_code=error.status_code)

    def prepare(request: protocol.CompletionRequest) -> tuple[Model, Any, protocol.CompletionRequest]:
        model = host.ready_model()
        request = dataclasses.replace(request, prompt=protocol.templated_prompt(request.prompt, host.prompt_template))
        encoded = model.encode(request.prompt)
        if encoded.length > model.max_input_tokens:
            raise protocol.RequestError(f"The prompt is {encoded.length} tokens long; at most {model.max_input_tokens} are accepted")
        # The decoder holds its start token, the prompt, and the new tokens.
        sampling = request.sampling.within(model.max_total_tokens - encoded.length - 1)
        host.check_capacity()
        log.info(
            "generate: %d prompt tokens, max_new_tokens=%d temperature=%s top_p=%s seed=%s stop=%d",
            encoded.length, sampling.max_new_tokens, sampling.temperature, sampling.top_p, sampling.seed, len(sampling.stop),
        )
        return model, encoded, dataclasses.replace(request, sampling=sampling)

    @app.post("/v1/completions")
    async def completions(http: Request):
        model, encoded, request = prepare(protocol.parse_completion_request(await _json_body(http)))
        cancelled = threading.Event()
        events = host.generate(model, encoded, request.sampling, cancelled)
        if request.stream:
            lines = protocol.openai_stream(events, request, encoded.length, model.name, cancelled.set)
            return StreamingResponse(lines, media_type="text/event-stream", headers=SSE_HEADERS)
        try:
            body = await protocol.openai_completion(events, request, encoded.length, model.name, cancelled.set)
        except protocol.GenerationError as error:
            return JSONResponse({"error": str(error), "error_type": "generation"}, status_code=500)
        return JSONResponse(body)

    @app.post("/generate_stream")
    async def generate_stream(http: Request):
        model, encoded, request = prepare(protocol.parse_generate_request(await _json_body(http)))
        cancelled = threading.Event()
        events = host.generate(model, encoded, request.sampling, cancelled)
        lines = protocol.native_stream(events, request, encoded.length, cancelled.set)
        return StreamingResponse(lines, media_type="text/event-stream", headers=SSE_HEADERS)

    @app.get("/health")
    async def health():
        host.ready_model()
        return JSONResponse({"status": "ok"})

    @app.get("/info")
    async def info():
        limits = {
            "max_new_tokens": protocol.MAX_NEW_TOKENS,
            "max_stop_sequences": protocol.MAX_STOP_SEQUENCES,
            "max_concurrent_requests": host.max_waiting + 1,
            "version": protocol.SYSTEM_FINGERPRINT,
            "prompt_template": host.prompt_template,
        }
        if host.model is None:
            if host.failure is not None:
                return {"status": "failed", "error": host.failure, **limits}
            return {"status": "loading", **limits}
        return {"status": "ready", **host.model.info(), **limits}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def load() -> Model:
        import codet5p_model  # torch and transformers: seconds to import, so after the port is open

        return codet5p_model.CodeT5pModel.load(codet5p_model.Settings.from_env())

    model_id = os.environ.get("CODET5P_MODEL_ID") or "Salesforce/instructcodet5p-16b"
    template = os.environ.get("CODET5P_PROMPT_TEMPLATE") or ("instruction" if "instructcodet5p" in model_id.lower() else "none")
    if template not in protocol.PROMPT_TEMPLATES:
        parser.error(f"CODET5P_PROMPT_TEMPLATE must be one of {', '.join(protocol.PROMPT_TEMPLATES)}, not {template!r}")
    host = ModelHost(
        load,
        # Counted from the start of the container: this model loads after TGI's.
        expected_load_s=float(os.environ.get("CODET5P_EXPECTED_LOAD_S") or 900),
        max_waiting=int(os.environ.get("CODET5P_MAX_WAITING") or 8),
        load_after=os.environ.get("CODET5P_LOAD_AFTER") or None,
        load_after_failed=os.environ.get("CODET5P_LOAD_AFTER_FAILED") or None,
        keepalive_s=float(os.environ.get("CODET5P_KEEPALIVE_S") or 15),
        prompt_template=template,
        progress=lambda: getattr(model_cache.progress(model_id), "words", None),
    )
    host.start_loading()
    uvicorn.run(build_app(host), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
