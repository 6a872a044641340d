"""The model behind the CodeT5+ server: loads Salesforce/instructcodet5p-16b (or, for a smoke test, a tiny
randomly initialised encoder-decoder built in code), turns prompts into ids, and streams one generation
from a worker thread through a transformers streamer, stoppable at any token.

Settings come from the environment:
  CODET5P_MODEL_ID          Hub id of the model (default Salesforce/instructcodet5p-16b)
  CODET5P_REVISION          a commit of that repo; pin it, since its modelling code runs here (default main)
  CODET5P_RANDOM_INIT=1     build the tiny random model instead: nothing is downloaded
  CODET5P_MAX_INPUT_TOKENS  longest prompt accepted, in tokens (default 1024)
  CODET5P_MAX_TOTAL_TOKENS  prompt + new tokens the decoder may hold (default 2048, CodeGen's context)
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Iterator, Optional

import torch
from transformers import (
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    ByT5Tokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
    T5Config,
    T5ForConditionalGeneration,
    TextIteratorStreamer,
    set_seed,
)

from codet5p_protocol import Finished, GenerationError, ModelEvent, Piece, Sampling

log = logging.getLogger("codet5p.model")

DEFAULT_MODEL_ID = "Salesforce/instructcodet5p-16b"


@dataclass(frozen=True)
class Settings:
    model_id: str
    revision: str
    random_init: bool
    max_input_tokens: int
    max_total_tokens: int

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            model_id=os.environ.get("CODET5P_MODEL_ID") or DEFAULT_MODEL_ID,
            revision=os.environ.get("CODET5P_REVISION") or "main",
            random_init=os.environ.get("CODET5P_RANDOM_INIT") == "1",
            max_input_tokens=int(os.environ.get("CODET5P_MAX_INPUT_TOKENS") or 1024),
            max_total_tokens=int(os.environ.get("CODET5P_MAX_TOTAL_TOKENS") or 2048),
        )


@dataclass(frozen=True)
class Encoded:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor

    @property
    def length(self) -> int:
        return int(self.input_ids.shape[1])


class _Cancelled(StoppingCriteria):
    """Ends generate() at the next token once `event` is set (the client left, or a stop sequence matched)."""

    def __init__(self, event: threading.Event):
        self.event = event

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs) -> torch.BoolTensor:
        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device)


class _PieceStreamer(TextIteratorStreamer):
    """A TextIteratorStreamer whose queue holds Pieces: for each generated token, the text it released
    (empty while the streamer waits for the end of a word) with the token's id; at the end, whatever
    text was still held, with no id."""

    def __init__(self, tokenizer, special_ids: frozenset[int]):
        super().__init__(tokenizer, skip_prompt=True, skip_special_tokens=True)
        self.special_ids = special_ids
        self.new_ids: list[int] = []

    def put(self, value: torch.Tensor) -> None:
        # The first call carries the decoder's prompt, which the parent class skips; every later call
        # carries the one token just generated.
        if not (self.skip_prompt and self.next_tokens_are_prompt):
            self.new_ids = (value[0] if value.dim() > 1 else value).tolist()
        super().put(value)

    def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
        ids, self.new_ids = self.new_ids, []
        if text or ids:
            special = bool(ids) and all(i in self.special_ids for i in ids)
            self.text_queue.put(Piece(text, tuple(ids), special), timeout=self.timeout)
        if stream_end:
            self.text_queue.put(self.stop_signal, timeout=self.timeout)


class CodeT5pModel:
    def __init__(self, tokenizer, model, name: str, settings: Settings):
        self.tokenizer = tokenizer
        self.model = model
        self.name = name
        self.max_input_tokens = settings.max_input_tokens
        self.max_total_tokens = settings.max_total_tokens
        self.device = next(model.parameters()).device
        self.dtype = next(model.parameters()).dtype
        self.eos_id: int = tokenizer.eos_token_id
        self.pad_id: int = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        self.special_ids = frozenset(tokenizer.all_special_ids)

    @classmethod
    def load(cls, settings: Settings) -> "CodeT5pModel":
        if settings.random_init:
            return cls._random(settings)
        if not torch.cuda.is_available():
            raise RuntimeError(f"{settings.model_id} needs a CUDA GPU (CODET5P_RANDOM_INIT=1 runs a tiny model anywhere)")
        log.info("loading %s@%s in float16", settings.model_id, settings.revision)
        tokenizer = AutoTokenizer.from_pretrained(settings.model_id, revision=settings.revision)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            settings.model_id,
            revision=settings.revision,
            torch_dtype=torch.float16,
            low_cpu_mem_usage=True,
            trust_remote_code=True,  # CodeT5+ 2B-16B ship their own modelling code (CodeGen-based)
        )
        model.to("cuda").eval()
        return cls(tokenizer, model, settings.model_id, settings)

    @classmethod
    def _random(cls, settings: Settings) -> "CodeT5pModel":
        # A smoke test with no download: T5's own encoder-decoder classes, tiny and randomly initialised,
        # with the byte-level ByT5 tokenizer (it needs no vocabulary file). It exercises the same
        # generation path as the 16B model (generate() on an encoder-decoder, the decoder seeded with the
        # prompt, the streamer, the stopping criteria), not the 16B model's custom modelling code, and
        # what it writes is noise. float32: T5 is prone to overflow in float16, and speed is no concern.
        tokenizer = ByT5Tokenizer()
        config = T5Config(
            vocab_size=tokenizer.vocab_size,
            d_model=64,
            d_kv=32,
            d_ff=128,
            num_layers=2,
            num_heads=2,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
            decoder_start_token_id=tokenizer.pad_token_id,
        )
        torch.manual_seed(0)
        model = T5ForConditionalGeneration(config)
        model.to("cuda" if torch.cuda.is_available() else "cpu").eval()
        log.info("built a tiny randomly initialised T5 (CODET5P_RANDOM_INIT=1) on %s", next(model.parameters()).device)
        return cls(tokenizer, model, "random-init-t5-tiny", settings)

    def info(self) -> dict:
        return {
            "model_id": self.name,
            "model_dtype": str(self.dtype).replace("torch.", ""),
            "model_device_type": self.device.type,
            "max_input_tokens": self.max_input_tokens,
            "max_total_tokens": self.max_total_tokens,
        }

    def encode(self, prompt: str) -> Encoded:
        encoding = self.tokenizer(prompt, return_tensors="pt")
        return Encoded(encoding["input_ids"].to(self.device), encoding["attention_mask"].to(self.device))

    def stream(self, encoded: Encoded, sampling: Sampling, cancelled: threading.Event) -> Iterator[ModelEvent]:
        """Generates in a worker thread and yields its Pieces as they come, then one Finished. Blocking:
        call it off the event loop. Setting `cancelled` ends the generation at the next token."""
        streamer = _PieceStreamer(self.tokenizer, self.special_ids)
        arguments = dict(
            input_ids=encoded.input_ids,
            attention_mask=encoded.attention_mask,
            # CodeT5+ 16B's decoder continues the prompt itself (its model card sets decoder_input_ids to
            # a copy of input_ids); the streamer skips that copy, so only new tokens are streamed.
            decoder_input_ids=encoded.input_ids.clone(),
            max_new_tokens=sampling.max_new_tokens,
            eos_token_id=self.eos_id,
            pad_token_id=self.pad_id,
            streamer=streamer,
            stopping_criteria=StoppingCriteriaList([_Cancelled(cancelled)]),
        )
        if sampling.greedy:
            arguments.update(do_sample=False)
        else:
            # top_k=0 turns off the library's default top-k of 50, which the request did not ask for.
            arguments.update(do_sample=True, temperature=sampling.temperature, top_p=sampling.top_p or 1.0, top_k=0)
        failure: list[BaseException] = []

        def generate() -> None:
            try:
                if sampling.seed is not None:
                    set_seed(sampling.seed)  # global RNGs: fine, one generation runs at a time
                self.model.generate(**arguments)
            except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread below
                failure.append(error)
                # generate() died before ending the stream: end it, or the loop below waits forever.
                streamer.text_queue.put(streamer.stop_signal)

        worker = threading.Thread(target=generate, name="codet5p-generate", daemon=True)
        worker.start()
        count = 0
        last_id: Optional[int] = None
        for piece in streamer:
            count += len(piece.token_ids)
            if piece.token_ids:
                last_id = piece.token_ids[-1]
            yield piece
        worker.join()
        if failure:
            log.error("generation failed", exc_info=failure[0])
            raise GenerationError(f"Request failed during generation: {failure[0]}")
        if cancelled.is_set():
            reason = "cancelled"
        elif last_id == self.eos_id:
            reason = "eos"
        else:
            reason = "length" if count >= sampling.max_new_tokens else "eos"
        yield Finished(reason, count)
