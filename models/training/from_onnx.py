"""Read a shipped model's weights back out of its onnx/model.onnx into a checkpoint train.py can
continue from (`--init`), and report its validation loss.

The repository keeps only the exported model, not the PyTorch checkpoint: this lets a later run
build on the minutes an earlier one spent instead of starting from random weights. The export
stored each Linear weight transposed, as the right-hand side of a MatMul named after its module
(`/model/h.0/attn/c_attn/MatMul`); the other parameters keep their names (`model.h.0.ln_1.weight`).
"""
import argparse
import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import bpe
from gpt import GPT, GPTConfig
from train import encoded, validation_loss


def state_from_onnx(path: Path):
    graph = onnx.load(str(path)).graph
    weights = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    state = {name[len("model."):]: array for name, array in weights.items() if name.startswith("model.")}
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in weights:
            continue
        module = node.name.strip("/").split("/")[1:-1]  # ['h.0', 'attn', 'c_attn'], or [] for the output head
        if module:
            state[".".join(module) + ".weight"] = weights[node.input[1]].T
        elif not np.allclose(weights[node.input[1]].T, state["wte.weight"]):
            raise ValueError("the output head is not the input embedding: not a model this script exported")
    return {name: torch.from_numpy(np.array(array, dtype=np.float32)) for name, array in state.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, help="the model folder (config.json, onnx/model.onnx)")
    parser.add_argument("--out", required=True, help="the checkpoint to write")
    parser.add_argument("--work", help="a corpus folder (corpus.py): report the validation loss on its held-out files")
    args = parser.parse_args()
    folder = Path(args.model)
    hf = json.loads((folder / "config.json").read_text())
    config = GPTConfig(vocab_size=hf["vocab_size"], n_positions=hf["n_positions"], n_embd=hf["n_embd"],
                       n_layer=hf["n_layer"], n_head=hf["n_head"])
    model = GPT(config)
    model.load_state_dict(state_from_onnx(folder / "onnx" / "model.onnx"), strict=True)
    torch.save({"config": config.to_dict(), "state": model.state_dict()}, args.out)
    report = {"checkpoint": args.out, "parameters": sum(p.numel() for p in model.parameters())}
    if args.work:
        valid = encoded(Path(args.work), bpe.load(str(folder / "tokenizer.json")), "valid")
        report["valid_loss"] = round(validation_loss(model, valid, config.n_positions, 32), 4)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
