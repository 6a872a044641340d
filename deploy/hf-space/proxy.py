"""The Space's front door on port 7860: /whiterabbitneo/* goes to TGI, /codet5p/* to the CodeT5+ server
(prefix stripped), with responses streamed through as they come; /health answers for both.

A model whose server is not listening yet (TGI opens its port only once its weights are loaded and
warmed up) is answered 503 {"error": "Model is loading", "error_type": "loading", "estimated_time": N}
rather than with a refused connection or a 502: the studio shows a 503 "loading" as "waking the model"
and retries it.

Settings from the environment:
  API_KEY                    if set, model routes need `Authorization: Bearer <API_KEY>` (for a public Space)
  WRN_EXPECTED_LOAD_S        how long TGI usually takes to load, for estimated_time (default 600)
  CODET5P_EXPECTED_LOAD_S    the same for the CodeT5+ server (default 900: it loads after TGI)

    python proxy.py --host 0.0.0.0 --port 7860
"""
from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import os
import time
from dataclasses import dataclass
from typing import AsyncIterator

import anyio
import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

log = logging.getLogger("proxy")

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


def _upstreams() -> dict[str, Upstream]:
    return {
        "whiterabbitneo": Upstream("whiterabbitneo", "http://127.0.0.1:8081", float(os.environ.get("WRN_EXPECTED_LOAD_S") or 600)),
        "codet5p": Upstream("codet5p", "http://127.0.0.1:8082", float(os.environ.get("CODET5P_EXPECTED_LOAD_S") or 900)),
    }


def _error(status: int, message: str, error_type: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": message, "error_type": error_type, **extra}, status_code=status)


def build_app(upstreams: dict[str, Upstream], api_key: str | None = None) -> FastAPI:
    app = FastAPI(title="CodeTuneStudio models", docs_url=None, redoc_url=None, openapi_url=None)
    started = time.monotonic()
    # No read timeout: a long prompt's prefill can take a while before the first byte. Connecting is
    # local and instant, or refused while a model loads.
    client = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=5.0))

    def loading(upstream: Upstream) -> JSONResponse:
        left = upstream.expected_load_s - (time.monotonic() - started)
        return _error(503, "Model is loading", "loading", estimated_time=round(max(10.0, left)))

    def authorised(request: Request) -> bool:
        if not api_key:
            return True
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {api_key}".encode())

    async def state(upstream: Upstream) -> str:
        try:
            response = await client.get(f"{upstream.url}/health", timeout=5.0)
        except httpx.HTTPError:
            return "loading"
        return "ready" if response.status_code == 200 else "loading"

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
        url = f"{upstream.url}/{path}"
        if request.url.query:
            url += f"?{request.url.query}"
        headers = [(k, v) for k, v in request.headers.raw if k.decode("latin-1").lower() not in HOP_BY_HOP]
        outgoing = client.build_request(request.method, url, headers=headers, content=await request.body())
        try:
            response = await client.send(outgoing, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            return loading(upstream)
        except httpx.HTTPError as error:
            log.warning("%s did not answer %s %s: %r", name, request.method, path, error)
            return _error(502, f"{name} did not answer: {error}", "upstream")
        headers_out = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            headers_out["x-accel-buffering"] = "no"  # ask any proxy in front of the Space not to buffer
        return StreamingResponse(_relay(name, response), status_code=response.status_code, headers=headers_out)

    return app


async def _relay(name: str, response: httpx.Response) -> AsyncIterator[bytes]:
    """The upstream's bytes as they arrive. If the client goes away this generator is closed, and
    closing the upstream response makes the model server see the disconnect and stop generating."""
    try:
        async for chunk in response.aiter_raw():
            yield chunk
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
    app = build_app(_upstreams(), os.environ.get("API_KEY") or None)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
