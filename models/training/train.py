"""Train the shipped model for a fixed wall-clock budget and keep the checkpoint with the best validation loss."""
import argparse
import json
import math
import os
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import bpe
from gpt import GPT, GPTConfig


def encoded(work: Path, encoder, name):
    cache = work / f"{name}.ids.npy"
    if not cache.exists():
        ids = encoder.encode((work / f"{name}.txt").read_text(encoding="utf-8"))
        np.save(cache, np.array(ids, dtype=np.int16))
    return torch.from_numpy(np.load(cache).astype(np.int64))


def batch_at(data, starts, block):
    x = torch.stack([data[s:s + block] for s in starts])
    y = torch.stack([data[s + 1:s + 1 + block] for s in starts])
    return x, y


@torch.no_grad()
def validation_loss(model, valid, block, batch):
    model.eval()
    starts = list(range(0, len(valid) - block - 1, block))
    losses = []
    for i in range(0, len(starts), batch):
        x, y = batch_at(valid, starts[i:i + batch], block)
        logits, _ = model(x)
        losses.append(F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1), reduction="sum").item())
    model.train()
    return sum(losses) / (len(starts) * block)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default="work")
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--batch", type=int, default=8)
    # the whole context: positions a model never trained on give it nothing to say (it ends at once)
    parser.add_argument("--block", type=int, default=512)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=1337)
    # a checkpoint to go on from (from_onnx.py reads one out of a shipped model) instead of random weights
    parser.add_argument("--init")
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    work = Path(args.work)
    encoder = bpe.load(args.tokenizer)
    train, valid = encoded(work, encoder, "train"), encoded(work, encoder, "valid")
    config = GPTConfig(vocab_size=len(encoder.vocab))
    model = GPT(config)
    if args.init:
        start = torch.load(args.init)
        config = GPTConfig(**start["config"])
        model = GPT(config)
        model.load_state_dict(start["state"])
    parameters = sum(p.numel() for p in model.parameters())
    print(json.dumps({"parameters": parameters, "train_tokens": len(train), "valid_tokens": len(valid)}), flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.95))
    budget = args.minutes * 60
    warmup = args.warmup
    generator = torch.Generator().manual_seed(args.seed)
    best, step, history = float("inf"), 0, []
    init_loss = None
    if args.init:
        # where the run starts from: a run that never beats it keeps the starting weights
        best = init_loss = validation_loss(model, valid, args.block, 32)
        torch.save({"config": config.to_dict(), "state": model.state_dict()}, work / "best.pt")
        print(json.dumps({"init": args.init, "valid_loss": round(init_loss, 4)}), flush=True)
    started = time.time()
    while True:
        elapsed = time.time() - started
        if elapsed >= budget:
            break
        # cosine decay over the wall-clock budget, since the step count is not known in advance
        progress = elapsed / budget
        lr = args.lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
        for group in optimizer.param_groups:
            group["lr"] = lr
        starts = torch.randint(0, len(train) - args.block - 1, (args.batch,), generator=generator).tolist()
        x, y = batch_at(train, starts, args.block)
        logits, _ = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        if step % args.eval_every == 0:
            valid_loss = validation_loss(model, valid, args.block, 32)
            history.append({"step": step, "minutes": round((time.time() - started) / 60, 2),
                            "train_loss": round(loss.item(), 4), "valid_loss": round(valid_loss, 4)})
            print(json.dumps(history[-1]), flush=True)
            if valid_loss < best:
                best = valid_loss
                torch.save({"config": config.to_dict(), "state": model.state_dict()}, work / "best.pt")
    valid_loss = validation_loss(model, valid, args.block, 32)
    if valid_loss < best:
        best = valid_loss
        torch.save({"config": config.to_dict(), "state": model.state_dict()}, work / "best.pt")
    summary = {"parameters": parameters, "steps": step, "tokens_seen": step * args.batch * args.block,
               "minutes": round((time.time() - started) / 60, 1), "best_valid_loss": round(best, 4),
               "batch": args.batch, "block": args.block, "lr": args.lr, "warmup": warmup, "threads": args.threads,
               "init": args.init and Path(args.init).name, "init_valid_loss": init_loss and round(init_loss, 4),
               "train_tokens": len(train), "valid_tokens": len(valid), "history": history}
    (work / "training.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}), flush=True)


if __name__ == "__main__":
    main()
