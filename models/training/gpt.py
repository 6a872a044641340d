"""A GPT-2 decoder written out in PyTorch, its layers named and shaped as Hugging Face's GPT2LMHeadModel.

Debian's Python has torch but not transformers, so the model is spelled out here. The forward pass
takes and returns the key/value cache in the layout transformers.js feeds an exported GPT-2:
`past_key_values.{i}.key|value` of shape (batch, heads, past_length, head_size).
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 2048
    n_positions: int = 512
    n_embd: int = 256
    n_layer: int = 4
    n_head: int = 4

    def to_dict(self):
        return asdict(self)


def gelu_new(x):
    # GPT-2's tanh approximation, as Hugging Face's "gelu_new"
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        self.head_size = config.n_embd // config.n_head
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        causal = torch.tril(torch.ones(config.n_positions, config.n_positions, dtype=torch.bool))
        self.register_buffer("causal", causal.view(1, 1, config.n_positions, config.n_positions), persistent=False)

    def split_heads(self, x):
        batch, length, _ = x.shape
        return x.view(batch, length, self.n_head, self.head_size).transpose(1, 2)

    def forward(self, x, padding_bias, past_key=None, past_value=None):
        batch, length, width = x.shape
        query, key, value = self.c_attn(x).split(width, dim=2)
        query, key, value = self.split_heads(query), self.split_heads(key), self.split_heads(value)
        if past_key is not None:
            key = torch.cat([past_key, key], dim=2)
            value = torch.cat([past_value, value], dim=2)
        total = key.size(2)
        scores = (query @ key.transpose(-1, -2)) / math.sqrt(self.head_size)
        # the query rows are the last `length` positions of the `total` seen so far
        causal = self.causal[:, :, total - length:total, :total]
        scores = scores.masked_fill(~causal, torch.finfo(scores.dtype).min) + padding_bias
        weights = F.softmax(scores, dim=-1)
        out = (weights @ value).transpose(1, 2).contiguous().view(batch, length, width)
        return self.c_proj(out), key, value


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = Attention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x, padding_bias, past_key=None, past_value=None):
        attended, key, value = self.attn(self.ln_1(x), padding_bias, past_key, past_value)
        x = x + attended
        return x + self.mlp(self.ln_2(x)), key, value


class GPT(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.n_positions, config.n_embd)
        self.h = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.apply(self.init_weights)
        for name, parameter in self.named_parameters():
            if name.endswith("c_proj.weight"):  # GPT-2's scaled init of residual projections
                nn.init.normal_(parameter, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.bias)

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None):
        """Returns logits and the new cache, a list of (key, value) per layer."""
        batch, length = input_ids.shape
        past_length = past[0][0].size(2) if past else 0
        if position_ids is None:
            position_ids = torch.arange(past_length, past_length + length).unsqueeze(0)
        if attention_mask is None:
            padding_bias = torch.zeros(1, dtype=torch.float32)
        else:  # 0 where a key may be attended, a large negative where it is padding
            padding_bias = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for index, block in enumerate(self.h):
            past_key, past_value = past[index] if past else (None, None)
            x, key, value = block(x, padding_bias, past_key, past_value)
            presents.append((key, value))
        logits = F.linear(self.ln_f(x), self.wte.weight)  # tied output embedding, as GPT-2
        return logits, presents
