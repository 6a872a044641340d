"""Export the trained checkpoint as the model folder transformers.js loads: config.json,
generation_config.json and onnx/model.onnx with GPT-2's cache inputs and outputs."""
import argparse
import json
from pathlib import Path

import onnx
import torch

from gpt import GPT, GPTConfig


class ExportedGPT(torch.nn.Module):
    """Flattens the cache into the positional inputs and outputs ONNX needs."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[i], flat_past[i + 1]) for i in range(0, len(flat_past), 2)]
        logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        return (logits, *[t for pair in presents for t in pair])


def hf_config(config: GPTConfig):
    return {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
        "vocab_size": config.vocab_size, "n_positions": config.n_positions, "n_ctx": config.n_positions,
        "n_embd": config.n_embd, "n_layer": config.n_layer, "n_head": config.n_head,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
        "bos_token_id": 0, "eos_token_id": 0, "use_cache": True,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", default="work/best.pt")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    checkpoint = torch.load(args.checkpoint)
    config = GPTConfig(**checkpoint["config"])
    model = GPT(config)
    model.load_state_dict(checkpoint["state"])
    model.eval()

    out = Path(args.out)
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    head_size = config.n_embd // config.n_head
    past_length, length = 3, 2
    past = []
    for _ in range(config.n_layer):
        past += [torch.randn(1, config.n_head, past_length, head_size), torch.randn(1, config.n_head, past_length, head_size)]
    input_ids = torch.tensor([[5, 9]])
    attention_mask = torch.ones(1, past_length + length, dtype=torch.int64)
    position_ids = torch.tensor([[past_length, past_length + 1]])

    past_names, present_names = [], []
    for i in range(config.n_layer):
        past_names += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
        present_names += [f"present.{i}.key", f"present.{i}.value"]
    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}
    for name in past_names:
        dynamic[name] = {0: "batch_size", 2: "past_sequence_length"}
    for name in present_names:
        dynamic[name] = {0: "batch_size", 2: "total_sequence_length"}

    path = out / "onnx" / "model.onnx"
    with torch.no_grad():
        torch.onnx.export(ExportedGPT(model), (input_ids, attention_mask, position_ids, *past), str(path),
                          input_names=["input_ids", "attention_mask", "position_ids", *past_names],
                          output_names=["logits", *present_names], dynamic_axes=dynamic, opset_version=14,
                          do_constant_folding=True)
    onnx.checker.check_model(onnx.load(str(path)))
    (out / "config.json").write_text(json.dumps(hf_config(config), indent=2))
    # A model this small falls into loops when decoding greedily ("_c_c_c_c…"); never repeating a
    # 6-token run breaks them without touching the short runs code repeats (indentation, `self.`).
    (out / "generation_config.json").write_text(json.dumps(
        {"bos_token_id": 0, "eos_token_id": 0, "max_length": config.n_positions, "no_repeat_ngram_size": 6}, indent=2))
    print(json.dumps({"onnx_bytes": path.stat().st_size}))


if __name__ == "__main__":
    main()
