"""The Space's front door on port 7860: /whiterabbitneo/* goes to TGI, /codet5p/* to the CodeT5+ server
(prefix stripped), with responses streamed through as they come; /health answers for both.

A model whose server is not listening yet (TGI opens its port only once its weights are loaded and
warmed up) is answered 503 {"error": "<model> is downloading its weights (…)", "error_type": "loading",
"estimated_time": N} rather than with a refused connection or a 502: the studio shows a 503 "loading"
as "waking the model", with those words, and retries it. A model that cannot run on this Space (the
preflight refused it, or its server stopped: start.sh writes `<name>.failed` in MODEL_STATE_DIR) is
answered 500 {"error": <why>, "error_type": "failed"}, which the studio shows at once, while the other
model goes on serving. Requests for WhiteRabbitNeo get its "\nUSER:" turn stop (whiterabbitneo_stop.py).

Settings from the environment:
  API_KEY                    if set, model routes need `Authorization: Bearer <API_KEY>` (for a public Space)
  WRN_EXPECTED_LOAD_S        how long TGI usually takes to load, for estimated_time (default 600)
  CODET5P_EXPECTED_LOAD_S    the same for the CodeT5+ server (default 900: it loads after TGI)
  MODEL_STATE_DIR            where start.sh and preflight.py write `<name>.failed` (default /tmp/codetune-models)
  WRN_UPSTREAM_URL, CODET5P_UPSTREAM_URL   the two model servers (default 127.0.0.1:8081 and :8082)

    python proxy.py --host 0.0.0.0 --port 7860
"""
from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import os
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Optional

import anyio
import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

import model_cache
import whiterabbitneo_stop

log = logging.getLogger("proxy")

# Seconds from the end of a download to a model answering (quantising, loading, TGI's warm-up): a guess.
LOAD_AFTER_DOWNLOAD_S = 300

# Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus Host, which httpx sets.
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host",
}


@dataclass(frozen=True)
class Upstream:
    name: str
    url: str
    expected_load_s: float
    display_name: str = ""
    # The Hub id (or mounted path) of its weights, to tell a download from a load while it is not up.
    model_id: str = ""


def _upstreams() -> dict[str, Upstream]:
    env = os.environ.get
    return {
        "whiterabbitneo": Upstream(
            "whiterabbitneo",
            env("WRN_UPSTREAM_URL") or "http://127.0.0.1:8081",
            float(env("WRN_EXPECTED_LOAD_S") or 600),
            "WhiteRabbitNeo-33B",
            env("WRN_MODEL_ID") or "WhiteRabbitNeo/WhiteRabbitNeo-33B-v1",
        ),
        "codet5p": Upstream(
            "codet5p",
            env("CODET5P_UPSTREAM_URL") or "http://127.0.0.1:8082",
            float(env("CODET5P_EXPECTED_LOAD_S") or 900),
            "CodeT5+ 16B",
            env("CODET5P_MODEL_ID") or "Salesforce/instructcodet5p-16b",
        ),
    }


def _failure(state_dir: Optional[Path], name: str) -> Optional[str]:
    """Why the model `name` cannot run on this Space (start.sh or preflight.py wrote it), or None."""
    if state_dir is None:
        return None
    try:
        return (state_dir / f"{name}.failed").read_text().strip()[:1000] or f"{name} stopped"
    except OSError:
        return None


def _error(status: int, message: str, error_type: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": message, "error_type": error_type, **extra}, status_code=status)


def build_app(upstreams: dict[str, Upstream], api_key: str | None = None, state_dir: Optional[Path] = None) -> FastAPI:
    app = FastAPI(title="CodeTuneStudio models", docs_url=None, redoc_url=None, openapi_url=None)
    started = time.monotonic()
    # No read timeout: a long prompt's prefill can take a while before the first byte. Connecting is
    # local and instant, or refused while a model loads.
    client = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=5.0))

    downloads: dict[str, tuple[float, int]] = {}  # upstream -> (when, bytes) first seen downloading

    def loading(upstream: Upstream) -> JSONResponse:
        now = time.monotonic()
        estimate = upstream.expected_load_s - (now - started)
        doing = model_cache.progress(upstream.model_id) if upstream.model_id else None
        if doing is not None and doing.downloaded is not None and doing.total:
            # A cold start: the rest of the download at the speed seen so far, then the load itself.
            since, then = downloads.setdefault(upstream.name, (now, doing.downloaded))
            if now - since >= 5 and doing.downloaded > then:
                rate = (doing.downloaded - then) / (now - since)
                estimate = (doing.total - doing.downloaded) / rate + LOAD_AFTER_DOWNLOAD_S
        message = f"{upstream.display_name or upstream.name} {doing.words if doing else 'is starting'}"
        return _error(503, message, "loading", estimated_time=round(max(10.0, estimate)))

    def failed(upstream: Upstream, reason: str) -> JSONResponse:
        return _error(500, reason, "failed")

    def authorised(request: Request) -> bool:
        if not api_key:
            return True
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {api_key}".encode())

    async def state(upstream: Upstream) -> str:
        if _failure(state_dir, upstream.name) is not None:
            return "failed"
        try:
            response = await client.get(f"{upstream.url}/health", timeout=5.0)
        except httpx.HTTPError:
            return "loading"
        if response.status_code == 200:
            return "ready"
        try:
            said = response.json()
        except ValueError:
            said = None
        return "failed" if isinstance(said, dict) and said.get("error_type") == "failed" else "loading"

    @app.get("/")
    async def index():
        return {
            "service": "CodeTuneStudio models",
            "endpoints": {name: f"/{name}" for name in upstreams},
            "health": "/health",
        }

    @app.get("/health")
    async def health():
        names = list(upstreams)
        states = dict(zip(names, await asyncio.gather(*(state(upstreams[n]) for n in names))))
        ready = all(s == "ready" for s in states.values())
        return JSONResponse({"status": "ok" if ready else "loading", "models": states}, status_code=200 if ready else 503)

    @app.api_route("/{name}/{path:path}", methods=["GET", "POST"])
    async def forward(name: str, path: str, request: Request) -> Response:
        upstream = upstreams.get(name)
        if upstream is None:
            return _error(404, f"No model at /{name}: use " + " or ".join(f"/{n}" for n in upstreams), "not_found")
        if not authorised(request):
            return _error(401, "Missing or wrong API key", "unauthorized")
        reason = _failure(state_dir, name)
        if reason is not None:
            return failed(upstream, reason)
        url = f"{upstream.url}/{path}"
        if request.url.query:
            url += f"?{request.url.query}"
        body = await request.body()
        strip_stop = False
        if name == "whiterabbitneo" and request.method == "POST":
            body, strip_stop = whiterabbitneo_stop.with_turn_stop(path, body)
        headers = [
            (k, v) for k, v in request.headers.raw if k.decode("latin-1").lower() not in HOP_BY_HOP | {"content-length"}
        ]
        outgoing = client.build_request(request.method, url, headers=headers, content=body)
        try:
            response = await client.send(outgoing, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            # Not listening: still loading, unless it stopped meanwhile.
            reason = _failure(state_dir, name)
            return failed(upstream, reason) if reason is not None else loading(upstream)
        except httpx.HTTPError as error:
            log.warning("%s did not answer %s %s: %r", name, request.method, path, error)
            return _error(502, f"{name} did not answer: {error}", "upstream")
        headers_out = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        streaming = response.headers.get("content-type", "").startswith("text/event-stream")
        if streaming:
            headers_out["x-accel-buffering"] = "no"  # ask any proxy in front of the Space not to buffer
        if strip_stop and response.status_code == 200:
            if streaming:
                return StreamingResponse(_relay(name, response, whiterabbitneo_stop.StreamStripper()), status_code=200, headers=headers_out)
            return await _stripped_answer(response, headers_out)
        return StreamingResponse(_relay(name, response), status_code=response.status_code, headers=headers_out)

    return app


async def _stripped_answer(response: httpx.Response, headers: dict[str, str]) -> Response:
    """A whole JSON answer from WhiteRabbitNeo with the turn stop taken off its end."""
    try:
        raw = await response.aread()
    finally:
        await response.aclose()
    headers = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "content-encoding")}
    try:
        answer = json.loads(raw)
    except ValueError:
        return Response(raw, status_code=response.status_code, headers=headers)
    if isinstance(answer, dict):
        answer = whiterabbitneo_stop.strip_turn_stop(answer)
    return JSONResponse(answer, status_code=response.status_code, headers=headers)


async def _relay(name: str, response: httpx.Response, rewrite: Optional[whiterabbitneo_stop.StreamStripper] = None) -> AsyncIterator[bytes]:
    """The upstream's bytes as they arrive (through `rewrite` when given). If the client goes away this
    generator is closed, and closing the upstream response makes the model server see the disconnect
    and stop generating."""
    try:
        async for chunk in (response.aiter_bytes() if rewrite else response.aiter_raw()):
            if rewrite:
                chunk = rewrite.feed(chunk)
                if not chunk:
                    continue
            yield chunk
        if rewrite:
            rest = rewrite.close()
            if rest:
                yield rest
    except httpx.HTTPError as error:
        # The model server died mid-stream: end ours too; the client sees a stream with no finish.
        log.warning("the stream from %s broke: %r", name, error)
    finally:
        with anyio.CancelScope(shield=True):  # a cancelled task may still close what it opened
            await response.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description="The Space's reverse proxy to TGI and the CodeT5+ server.")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    state_dir = Path(os.environ.get("MODEL_STATE_DIR") or "/tmp/codetune-models")
    app = build_app(_upstreams(), os.environ.get("API_KEY") or None, state_dir)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
