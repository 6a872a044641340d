"""Byte-level BPE in GPT-2's scheme: train a vocabulary, write tokenizer.json, encode text.

No tokenizer library is available to Debian's Python, so training is written out here; the file
it writes is the Hugging Face `tokenizers` format that transformers.js reads, and the studio's
tests check that transformers.js encodes text exactly as `encode` below does.
"""
import argparse
import heapq
import json
from collections import Counter, defaultdict
from pathlib import Path

import regex

END_OF_TEXT = "<|endoftext|>"
# GPT-2's pre-tokenizer: the same expression transformers.js applies for a ByteLevel pre-tokenizer.
PRE_TOKEN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's map from each byte to a printable character, so tokens never hold raw spaces."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {byte: chr(char) for byte, char in zip(printable, chars)}


BYTE_CHAR = bytes_to_unicode()


def pre_tokens(text):
    for document in text.split(END_OF_TEXT):
        for piece in PRE_TOKEN.findall(document):
            yield "".join(BYTE_CHAR[b] for b in piece.encode("utf-8"))


def train(text, vocab_size):
    vocab = {END_OF_TEXT: 0}
    for char in sorted(BYTE_CHAR.values()):
        vocab[char] = len(vocab)
    word_counts = Counter(pre_tokens(text))
    words = [[vocab[c] for c in word] for word in word_counts]
    freqs = list(word_counts.values())
    id_to_token = {i: t for t, i in vocab.items()}

    pair_counts = Counter()
    pair_words = defaultdict(set)
    for index, (symbols, freq) in enumerate(zip(words, freqs)):
        for pair in zip(symbols, symbols[1:]):
            pair_counts[pair] += freq
            pair_words[pair].add(index)
    heap = [(-count, pair) for pair, count in pair_counts.items()]
    heapq.heapify(heap)

    merges = []
    while len(vocab) < vocab_size and heap:
        negative, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negative or negative == 0:
            continue  # stale heap entry
        merged = id_to_token[pair[0]] + id_to_token[pair[1]]
        if merged not in vocab:
            vocab[merged] = len(vocab)
            id_to_token[vocab[merged]] = merged
        new_id = vocab[merged]
        merges.append((id_to_token[pair[0]], id_to_token[pair[1]]))
        changed = set()
        for index in list(pair_words[pair]):
            symbols, freq = words[index], freqs[index]
            for old in zip(symbols, symbols[1:]):
                pair_counts[old] -= freq
                changed.add(old)
            rebuilt, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                    rebuilt.append(new_id)
                    i += 2
                else:
                    rebuilt.append(symbols[i])
                    i += 1
            words[index] = rebuilt
            for new in zip(rebuilt, rebuilt[1:]):
                pair_counts[new] += freq
                pair_words[new].add(index)
                changed.add(new)
        del pair_counts[pair]
        for other in changed:
            if pair_counts.get(other, 0) > 0:
                heapq.heappush(heap, (-pair_counts[other], other))
    return vocab, merges


class Encoder:
    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        self.cache = {}

    def encode_word(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            ranked = [(self.ranks.get(p, float("inf")), i) for i, p in enumerate(zip(parts, parts[1:]))]
            rank, i = min(ranked)
            if rank == float("inf"):
                break
            first, second = parts[i], parts[i + 1]
            rebuilt, j = [], 0
            while j < len(parts):
                if j + 1 < len(parts) and parts[j] == first and parts[j + 1] == second:
                    rebuilt.append(first + second)
                    j += 2
                else:
                    rebuilt.append(parts[j])
                    j += 1
            parts = rebuilt
        ids = [self.vocab[p] for p in parts]
        self.cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        documents = text.split(END_OF_TEXT)
        for n, document in enumerate(documents):
            for piece in PRE_TOKEN.findall(document):
                ids.extend(self.encode_word("".join(BYTE_CHAR[b] for b in piece.encode("utf-8"))))
            if n < len(documents) - 1:
                ids.append(self.vocab[END_OF_TEXT])
        return ids


def tokenizer_json(vocab, merges):
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": 0, "content": END_OF_TEXT, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True}],
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": {**byte_level, "trim_offsets": False},
        "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }


def load(tokenizer_path):
    model = json.loads(Path(tokenizer_path).read_text())["model"]
    return Encoder(model["vocab"], [tuple(m.split(" ")) for m in model["merges"]])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default="work")
    parser.add_argument("--out", required=True, help="the model folder to write tokenizer files into")
    parser.add_argument("--vocab-size", type=int, default=2048)
    parser.add_argument("--context", type=int, default=512)
    args = parser.parse_args()
    text = (Path(args.work) / "train.txt").read_text(encoding="utf-8")
    vocab, merges = train(text, args.vocab_size)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.json").write_text(json.dumps(tokenizer_json(vocab, merges), ensure_ascii=False))
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "GPT2Tokenizer", "model_max_length": args.context, "add_prefix_space": False,
        "bos_token": END_OF_TEXT, "eos_token": END_OF_TEXT, "unk_token": END_OF_TEXT,
        "clean_up_tokenization_spaces": False,
    }, indent=2))
    print(json.dumps({"vocab": len(vocab), "merges": len(merges)}))


if __name__ == "__main__":
    main()
