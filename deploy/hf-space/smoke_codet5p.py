"""The CodeT5+ server's smoke test on CodeT5+'s own architecture, with no GPU and no weights: starts
codet5p_server.py with CODET5P_RANDOM_INIT=1 (a tiny randomly initialised model built from the
configuration and modelling code fetch_codet5p_architecture.py fetched, under the server's pinned
transformers), then streams both of its protocols over HTTP and checks what a client would read.
The image build runs it, so an image whose CodeT5+ stack cannot generate is never built.

    PYTHONPATH=/opt/codet5p/lib python smoke_codet5p.py [--architecture-dir /app/codet5p_architecture]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def events(response: httpx.Response) -> list[str]:
    """The `data:` payloads of a server-sent event stream, comments left out."""
    return [line.split(":", 1)[1].strip() for line in response.iter_lines() if line.startswith("data:")]


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke_codet5p: FAILED: {what}")
    print(f"smoke_codet5p: ok: {what}")


def check_the_cache(architecture_dir: Path) -> None:
    """In this process, on the same tiny model: generate() feeds the decoder the whole decoder prompt
    once, then only the newest token (its key/value cache is in use: codet5p_cache.py), and a step
    taken from the cache gives the logits a full pass over the same tokens gives."""
    import torch

    from codet5p_model import CodeT5pModel, Settings, decoder_prompt
    from codet5p_protocol import Sampling

    settings = Settings(
        model_id="", revision="", random_init=True, architecture_dir=architecture_dir,
        max_input_tokens=1024, max_total_tokens=2048,
    )
    model = CodeT5pModel.load(settings)
    net = model.model
    encoded = model.encode("def add(a, b):")
    decoder_ids = decoder_prompt(encoded.input_ids, model.decoder_start_id)

    lengths: list[int] = []
    hook = net.decoder.register_forward_pre_hook(
        lambda _module, _args, kwargs: lengths.append(int(kwargs["input_ids"].shape[1])), with_kwargs=True
    )
    try:
        # The server's own generation path (model.stream), greedy, six new tokens at most.
        sampling = Sampling(max_new_tokens=6, temperature=0, top_p=None, seed=None, stop=())
        events = list(model.stream(encoded, sampling, threading.Event()))
    finally:
        hook.remove()
    check(len(events) > 2, f"the tiny model streamed {len(events) - 1} pieces in this process")
    # Without the cache the answers are the same, only slower: said loudly, but no reason to refuse the image.
    cache_in_use = len(lengths) > 1 and lengths[0] == decoder_ids.shape[1] and all(n == 1 for n in lengths[1:])
    print(
        f"smoke_codet5p: {'ok' if cache_in_use else 'WARNING'}: generate() "
        f"{'feeds the decoder its prompt once, then one token a step' if cache_in_use else 'does not use the key/value cache: each token re-runs the decoder over every token so far'}"
        f" (tokens per step: {lengths})"
    )

    with torch.no_grad():
        encoder_outputs = net.get_encoder()(
            input_ids=encoded.input_ids, attention_mask=encoded.attention_mask, return_dict=True
        )
        common = dict(attention_mask=encoded.attention_mask, encoder_outputs=encoder_outputs)
        full = net(**common, decoder_input_ids=decoder_ids, use_cache=False).logits[:, -1]
        prefix = net(**common, decoder_input_ids=decoder_ids[:, :-1], use_cache=True)
        step = net.prepare_inputs_for_generation(decoder_ids, past_key_values=prefix.past_key_values, use_cache=True, **common)
        cached = net(**step).logits[:, -1]
    difference = float((full - cached).abs().max())
    check(
        torch.allclose(full, cached, rtol=1e-3, atol=1e-4),
        f"a step from the cache gives a full pass's logits (largest difference {difference:.1e})",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--architecture-dir", default=os.environ.get("CODET5P_ARCHITECTURE_DIR") or "/app/codet5p_architecture")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the model to load")
    args = parser.parse_args()

    check_the_cache(Path(args.architecture_dir))

    port = free_port()
    env = {
        **os.environ,
        "CODET5P_RANDOM_INIT": "1",
        "CODET5P_ARCHITECTURE_DIR": args.architecture_dir,
        "CODET5P_LOAD_AFTER": "",
    }
    server = subprocess.Popen([sys.executable, str(HERE / "codet5p_server.py"), "--port", str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + args.timeout
        with httpx.Client(base_url=base, timeout=120) as client:
            while True:
                check_alive(server)
                try:
                    health = client.get("/health")
                    if health.status_code == 200:
                        break
                    if health.status_code == 500:
                        raise SystemExit(f"smoke_codet5p: FAILED: the model did not load: {health.text}")
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("smoke_codet5p: FAILED: the model did not load in time")
                time.sleep(1)
            info = client.get("/info").json()
            check(info["status"] == "ready" and "CodeT5p" in info["model_id"], f"CodeT5+'s own architecture loaded: {info['model_id']}")

            body = {"prompt": "Write a function that adds two numbers.", "max_tokens": 12, "temperature": 0, "stream": True}
            with client.stream("POST", "/v1/completions", json=body) as response:
                check(response.status_code == 200, "POST /v1/completions answers 200")
                check(response.headers["content-type"].startswith("text/event-stream"), "as an event stream")
                data = events(response)
            check(data[-1] == "[DONE]", "the OpenAI stream ends with [DONE]")
            chunks = [json.loads(d) for d in data[:-1]]
            final = chunks[-1]
            check(final["choices"][0]["finish_reason"] in ("stop", "length"), f"with a finish reason ({final['choices'][0]['finish_reason']})")
            check(0 < final["usage"]["completion_tokens"] <= 12, f"after {final['usage']['completion_tokens']} new tokens")
            # The instruction template was applied: the prompt is longer than the request's few words.
            check(final["usage"]["prompt_tokens"] > 20, f"the prompt went through Salesforce's template ({final['usage']['prompt_tokens']} tokens)")

            native = {"inputs": "def add(a, b):", "parameters": {"max_new_tokens": 8, "do_sample": True, "seed": 7}}
            with client.stream("POST", "/generate_stream", json=native) as response:
                check(response.status_code == 200, "POST /generate_stream answers 200")
                tokens = [json.loads(d) for d in events(response)]
            check(all("token" in t for t in tokens), "each native event carries a token")
            check(tokens[-1]["details"]["finish_reason"] in ("length", "eos_token"), "the last native event carries the details")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("smoke_codet5p: passed")


def check_alive(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        raise SystemExit(f"smoke_codet5p: FAILED: the server exited with {server.returncode}")


if __name__ == "__main__":
    main()
