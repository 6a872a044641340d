"""Keeps CodeT5+'s key/value cache in use under the server's pinned transformers.

CodeT5+ 2B-16B's own modelling code (2023) has its encoder-decoder take the decoder's cache as `past`:

    def prepare_inputs_for_generation(self, input_ids, past=None, attention_mask=None, use_cache=None,
                                      encoder_outputs=None, **kwargs):
        decoder_inputs = self.decoder.prepare_inputs_for_generation(input_ids, past=past)

while generate() has handed the cache over as `past_key_values` since transformers 4.26, and the
decoder's own method (CodeGen's) reads `past_key_values` too. The cache then lands in **kwargs twice
over, `past` stays None, and every new token runs the decoder over the start token, the whole prompt
and every token so far: the answer is the same, but each token costs more than the one before, and a
512-token answer of the 16B decoder does a few hundred times the work it needs.

Nothing here imports torch, so the Space's unit tests run it on plain Python.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable


def _parameters(method: Callable[..., Any]) -> set[str]:
    return set(inspect.signature(method).parameters)


def drops_the_cache(model: Any) -> bool:
    """Whether `model.prepare_inputs_for_generation` takes the cache only as `past`, the name generate()
    no longer uses. A revision of the modelling code that already reads `past_key_values` is left as it is."""
    names = _parameters(model.prepare_inputs_for_generation)
    return "past" in names and "past_key_values" not in names


def keep_cache_in_use(model: Any) -> bool:
    """Gives `model` (a CodeT5pEncoderDecoderModel) a prepare_inputs_for_generation that passes
    generate()'s cache to its decoder under the name the decoder reads, so each step feeds the decoder
    only the newest token. Returns whether the model needed it. The inputs are otherwise exactly the
    ones CodeT5+'s own method builds."""
    if not drops_the_cache(model):
        return False
    decoder_prepare = model.decoder.prepare_inputs_for_generation
    cache_name = "past_key_values" if "past_key_values" in _parameters(decoder_prepare) else "past"

    def prepare_inputs_for_generation(
        input_ids, past_key_values=None, attention_mask=None, use_cache=None, encoder_outputs=None, **kwargs
    ):
        decoder_inputs = decoder_prepare(input_ids, **{cache_name: past_key_values})
        return {
            "attention_mask": attention_mask,
            "decoder_attention_mask": decoder_inputs.get("attention_mask"),
            "decoder_input_ids": decoder_inputs["input_ids"],
            "encoder_outputs": encoder_outputs,
            "past_key_values": decoder_inputs.get("past_key_values", decoder_inputs.get("past")),
            "use_cache": use_cache,
        }

    # An attribute of the instance, found before the class's method by generate() and by
    # transformers' check of which keyword arguments the model takes.
    model.prepare_inputs_for_generation = prepare_inputs_for_generation
    return True
