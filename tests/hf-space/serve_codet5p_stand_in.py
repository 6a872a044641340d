"""The Space's real CodeT5+ server (deploy/hf-space/codet5p_server.py: its HTTP app, queue, keepalives,
loading and failure answers, prompt template, wire protocol) around a scripted stand-in model, so that
the studio's tests can drive it with no torch, no transformers and no weights. The stand-in answers
every prompt with the same few tokens; a prompt holding "[hold]" waits for POST /__release before it
answers (a generation that keeps the GPU busy while others queue). GET /__prompts lists the prompts
the model was given, as the server handed them over (after the instruction template).

    python3 tests/hf-space/serve_codet5p_stand_in.py --port 8082 [--fail-load MESSAGE]
        [--load-after URL --load-after-failed FILE] [--keepalive SECONDS] [--template instruction|none]
"""
from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "hf-space"))

import uvicorn  # noqa: E402

import codet5p_protocol as protocol  # noqa: E402
import codet5p_server  # noqa: E402

ANSWER = ["def", " add", "(a,", " b):", "\n   ", " return", " a", " +", " b"]


@dataclass(frozen=True)
class Encoded:
    prompt: str

    @property
    def length(self) -> int:
        return len(self.prompt.split())


class StandInModel:
    name = "codet5p-stand-in"
    max_input_tokens = 1024
    max_total_tokens = 2048

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self.release = threading.Event()

    def encode(self, prompt: str) -> Encoded:
        return Encoded(prompt)

    def stream(self, encoded: Encoded, sampling: protocol.Sampling, cancelled: threading.Event):
        self.prompts.append(encoded.prompt)
        if "[hold]" in encoded.prompt:
            while not self.release.wait(0.05):
                if cancelled.is_set():
                    yield protocol.Finished("cancelled", 0)
                    return
        count = 0
        for i, text in enumerate(ANSWER[: sampling.max_new_tokens]):
            if cancelled.is_set():
                yield protocol.Finished("cancelled", count)
                return
            count += 1
            yield protocol.Piece(text, (100 + i,), False)
        yield protocol.Finished("length" if count >= sampling.max_new_tokens else "eos", count)

    def info(self) -> dict:
        return {"model_id": self.name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fail-load", default=None, help="loading fails with this message")
    parser.add_argument("--load-after", default=None)
    parser.add_argument("--load-after-failed", default=None)
    parser.add_argument("--keepalive", type=float, default=15.0)
    parser.add_argument("--max-waiting", type=int, default=8)
    parser.add_argument("--template", default="instruction", choices=protocol.PROMPT_TEMPLATES)
    args = parser.parse_args()

    model = StandInModel()

    def load() -> StandInModel:
        if args.fail_load:
            raise RuntimeError(args.fail_load)
        return model

    host = codet5p_server.ModelHost(
        load,
        expected_load_s=900,
        max_waiting=args.max_waiting,
        load_after=args.load_after,
        load_after_failed=args.load_after_failed,
        keepalive_s=args.keepalive,
        prompt_template=args.template,
    )
    app = codet5p_server.build_app(host)

    @app.post("/__release")
    async def release():
        model.release.set()
        return {"released": True}

    @app.get("/__prompts")
    async def prompts():
        return {"prompts": model.prompts}

    host.start_loading()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
