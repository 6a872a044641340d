"""The model behind the CodeT5+ server: loads Salesforce/instructcodet5p-16b (or, for a smoke test, a tiny
randomly initialised model of the same architecture, built from CodeT5+'s own configuration and
modelling code), turns prompts into ids, and streams one generation from a worker thread through a
transformers streamer, stoppable at any token.

Settings come from the environment:
  CODET5P_MODEL_ID          Hub id of the model, or the path of a mounted copy (default Salesforce/instructcodet5p-16b)
  CODET5P_REVISION          the commit of that repo whose modelling code runs here (default: the one the
                            image was built and smoke-tested with, in CODET5P_ARCHITECTURE_DIR/revision)
  CODET5P_RANDOM_INIT=1     build the tiny random CodeT5+ instead: no weights are downloaded
  CODET5P_ARCHITECTURE_DIR  the repo's config, modelling code and tokenizer at that commit, fetched when
                            the image is built (fetch_codet5p_architecture.py; default /app/codet5p_architecture)
  CODET5P_MAX_INPUT_TOKENS  longest prompt accepted, in tokens (default 1024)
  CODET5P_MAX_TOTAL_TOKENS  prompt + new tokens the decoder may hold (default 2048, CodeGen's context)
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import torch
from transformers import (
    AutoConfig,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
    TextIteratorStreamer,
    set_seed,
)

from codet5p_cache import keep_cache_in_use
from codet5p_protocol import Finished, GenerationError, ModelEvent, Piece, Sampling

log = logging.getLogger("codet5p.model")

DEFAULT_MODEL_ID = "Salesforce/instructcodet5p-16b"
DEFAULT_ARCHITECTURE_DIR = "/app/codet5p_architecture"


@dataclass(frozen=True)
class Settings:
    model_id: str
    revision: str
    random_init: bool
    architecture_dir: Path
    max_input_tokens: int
    max_total_tokens: int

    @classmethod
    def from_env(cls) -> "Settings":
        architecture_dir = Path(os.environ.get("CODET5P_ARCHITECTURE_DIR") or DEFAULT_ARCHITECTURE_DIR)
        return cls(
            model_id=os.environ.get("CODET5P_MODEL_ID") or DEFAULT_MODEL_ID,
            revision=os.environ.get("CODET5P_REVISION") or _built_revision(architecture_dir) or "main",
            random_init=os.environ.get("CODET5P_RANDOM_INIT") == "1",
            architecture_dir=architecture_dir,
            max_input_tokens=int(os.environ.get("CODET5P_MAX_INPUT_TOKENS") or 1024),
            max_total_tokens=int(os.environ.get("CODET5P_MAX_TOTAL_TOKENS") or 2048),
        )


def _built_revision(architecture_dir: Path) -> Optional[str]:
    """The commit whose modelling code the image was smoke-tested with (written at build time)."""
    try:
        return (architecture_dir / "revision").read_text().strip() or None
    except OSError:
        return None


def tiny_config(config):
    """The same architecture, shrunk to a few hundred thousand weights per layer: two layers each side,
    the encoder narrower than the decoder as in the 16B model (so the projection between them is
    built), heads a multiple of four (CodeT5+'s attention splits into four parts), rotary embeddings
    on half of each head. Vocabulary, positions and special tokens stay as they are."""
    for part, width in ((config.encoder, 32), (config.decoder, 64)):
        # Both spellings: CodeGen-style names, and the standard ones its modelling code also reads
        # (aliases of each other when the config class maps them, separate attributes otherwise).
        for names, value in ((("n_layer", "num_hidden_layers"), 2), (("n_embd", "hidden_size"), width), (("n_head", "num_attention_heads"), 4)):
            for name in names:
                setattr(part, name, value)
        part.n_inner = None
        part.rotary_dim = (width // 4) // 2
    if getattr(config.decoder, "cross_attention_hidden_size", None) is not None:
        config.decoder.cross_attention_hidden_size = config.encoder.n_embd
    return config


def _keep_cache_in_use(model) -> None:
    if keep_cache_in_use(model):
        log.info("%s takes its cache as `past`: passing generate()'s past_key_values on to its decoder", type(model).__name__)


@dataclass(frozen=True)
class Encoded:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor

    @property
    def length(self) -> int:
        return int(self.input_ids.shape[1])


def decoder_prompt(input_ids: torch.Tensor, start_id: int) -> torch.Tensor:
    """The decoder's input for a prompt: its start token, then the prompt's ids."""
    start = torch.full((input_ids.shape[0], 1), start_id, dtype=input_ids.dtype, device=input_ids.device)
    return torch.cat([start, input_ids], dim=1)


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
        # What the decoder starts with: instructcodet5p-16b was tuned on decoder inputs made of the
        # end-of-text token followed by the prompt (instruct_tune_codet5p.py shifts the labels right
        # with decoder_start_id = tokenizer.eos_token_id). Given explicitly, generate() neither adds
        # another token of its own choosing nor leaves it out.
        self.decoder_start_id: int = tokenizer.eos_token_id
        self.special_ids = frozenset(tokenizer.all_special_ids)

    @classmethod
    def load(cls, settings: Settings) -> "CodeT5pModel":
        if settings.random_init:
            return cls._random(settings)
        if not torch.cuda.is_available():
            raise RuntimeError(f"{settings.model_id} needs a CUDA GPU (CODET5P_RANDOM_INIT=1 runs a tiny model anywhere)")
        # A mounted copy of the repo (a local path) has no revisions: it is what it is.
        revision = None if os.path.isdir(settings.model_id) else settings.revision
        log.info("loading %s%s in float16", settings.model_id, f"@{revision}" if revision else "")
        tokenizer = AutoTokenizer.from_pretrained(settings.model_id, revision=revision)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            settings.model_id,
            revision=revision,
            torch_dtype=torch.float16,
            low_cpu_mem_usage=True,
            trust_remote_code=True,  # CodeT5+ 2B-16B ship their own modelling code (CodeGen-based)
        )
        model.to("cuda").eval()
        _keep_cache_in_use(model)
        return cls(tokenizer, model, settings.model_id, settings)

    @classmethod
    def _random(cls, settings: Settings) -> "CodeT5pModel":
        # A smoke test with no weights: CodeT5+'s own configuration and modelling code (the files the
        # 16B model runs, fetched with its tokenizer when the image was built), shrunk by tiny_config
        # and randomly initialised. It takes the 16B model's path through transformers: its config
        # class, its encoder-decoder and attention code, generate() with the decoder seeded with the
        # start token and the prompt, the streamer and the stopping criteria. What it writes is noise.
        # float32 on the CPU, float16 on a GPU as in production.
        directory = settings.architecture_dir
        if not (directory / "modeling_codet5p.py").is_file():
            raise RuntimeError(
                f"CODET5P_RANDOM_INIT=1 builds CodeT5+'s own architecture from the files in {directory} "
                "(config.json, configuration_codet5p.py, modeling_codet5p.py and the tokenizer), which the "
                "image fetches when it is built: run fetch_codet5p_architecture.py to get them"
            )
        tokenizer = AutoTokenizer.from_pretrained(directory)
        config = tiny_config(AutoConfig.from_pretrained(directory, trust_remote_code=True))
        torch.manual_seed(0)
        model = AutoModelForSeq2SeqLM.from_config(config, trust_remote_code=True)
        if torch.cuda.is_available():
            model.to("cuda", dtype=torch.float16)
        model.eval()
        _keep_cache_in_use(model)
        log.info(
            "built a tiny randomly initialised %s (CODET5P_RANDOM_INIT=1) on %s",
            type(model).__name__, next(model.parameters()).device,
        )
        return cls(tokenizer, model, f"random-init-{type(model).__name__}-tiny", settings)

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
            # CodeT5+ 16B's decoder continues the prompt itself, after its start token (see
            # decoder_start_id); the streamer skips that prompt, so only new tokens are streamed.
            decoder_input_ids=decoder_prompt(encoded.input_ids, self.decoder_start_id),
            decoder_start_token_id=self.decoder_start_id,
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
