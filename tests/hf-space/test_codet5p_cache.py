"""codet5p_cache.py: generate()'s cache reaches CodeT5+'s decoder, so each step feeds it one token.

The stand-ins below have the signatures of CodeT5+ 2B-16B's modelling code (its encoder-decoder takes
the cache as `past`, its CodeGen decoder as `past_key_values`) and CodeGen's rule of feeding only the
last token once there is a cache. The image build checks the same on the real modelling code
(smoke_codet5p.py: tokens fed to the decoder per step, and cached against full logits)."""
import unittest

import _space_path  # noqa: F401

from codet5p_cache import drops_the_cache, keep_cache_in_use


class Decoder:
    def prepare_inputs_for_generation(self, input_ids, past_key_values=None, **kwargs):
        if past_key_values:
            input_ids = input_ids[-1:]
        return {"input_ids": input_ids, "past_key_values": past_key_values, "attention_mask": kwargs.get("attention_mask")}


class LegacyEncoderDecoder:
    """CodeT5+'s 2023 method: the cache only as `past`, handed to the decoder as `past=`."""

    def __init__(self):
        self.decoder = Decoder()

    def prepare_inputs_for_generation(self, input_ids, past=None, attention_mask=None, use_cache=None, encoder_outputs=None, **kwargs):
        decoder_inputs = self.decoder.prepare_inputs_for_generation(input_ids, past=past)
        return {
            "attention_mask": attention_mask,
            "decoder_attention_mask": decoder_inputs.get("attention_mask"),
            "decoder_input_ids": decoder_inputs["input_ids"],
            "encoder_outputs": encoder_outputs,
            "past_key_values": decoder_inputs["past_key_values"],
            "use_cache": use_cache,
        }


class CurrentEncoderDecoder(LegacyEncoderDecoder):
    def prepare_inputs_for_generation(self, input_ids, past_key_values=None, **kwargs):
        return {"decoder_input_ids": input_ids, "past_key_values": past_key_values, "untouched": True}


TOKENS = [50256, 11, 12, 13, 14]
CACHE = (("key", "value"),)


def step(model):
    """What generate() passes on its second step: the sequence so far and the cache, as past_key_values."""
    return model.prepare_inputs_for_generation(
        TOKENS, past_key_values=CACHE, attention_mask=[1, 1], use_cache=True, encoder_outputs="encoded", cache_position=[5]
    )


class KeepCacheInUseTest(unittest.TestCase):
    def test_without_it_codet5p_drops_the_cache_and_feeds_the_decoder_everything(self):
        inputs = step(LegacyEncoderDecoder())
        self.assertIsNone(inputs["past_key_values"])
        self.assertEqual(inputs["decoder_input_ids"], TOKENS)

    def test_with_it_the_decoder_gets_the_cache_and_only_the_newest_token(self):
        model = LegacyEncoderDecoder()
        self.assertTrue(drops_the_cache(model))
        self.assertTrue(keep_cache_in_use(model))
        self.assertFalse(drops_the_cache(model))
        self.assertEqual(
            step(model),
            {
                "attention_mask": [1, 1],
                "decoder_attention_mask": None,
                "decoder_input_ids": [14],
                "encoder_outputs": "encoded",
                "past_key_values": CACHE,
                "use_cache": True,
            },
        )

    def test_the_first_step_with_no_cache_feeds_the_whole_decoder_prompt(self):
        model = LegacyEncoderDecoder()
        keep_cache_in_use(model)
        inputs = model.prepare_inputs_for_generation(TOKENS, attention_mask=[1, 1], use_cache=True, encoder_outputs="encoded")
        self.assertEqual(inputs["decoder_input_ids"], TOKENS)
        self.assertIsNone(inputs["past_key_values"])

    def test_a_revision_that_already_reads_past_key_values_is_left_alone(self):
        model = CurrentEncoderDecoder()
        self.assertFalse(keep_cache_in_use(model))
        self.assertTrue(step(model)["untouched"])


if __name__ == "__main__":
    unittest.main()
