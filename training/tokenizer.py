"""Word-level tokenizer, saved in Hugging Face tokenizers format (tokenizer.json) by hand.

Python encoding here matches what tokenizers / transformers.js do with the saved JSON:
normalizer Sequence[NFD, StripAccents, Lowercase] -> pre-tokenizer Whitespace (regex \\w+|[^\\w\\s]+)
-> WordLevel lookup (unknown -> [UNK]) -> TemplateProcessing prepends [BOS].
Then (docs/model-pack.md): truncate words so [BOS]+words fits max_length, pad with [PAD]=0.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from typing import Dict, Iterable, List, Tuple

PAD, UNK, BOS = "[PAD]", "[UNK]", "[BOS]"
SPECIALS = [PAD, UNK, BOS]
# ASCII word characters, as in JavaScript's \w; captions are ASCII after NFD + strip accents.
_WORD = re.compile(r"[A-Za-z0-9_]+|[^A-Za-z0-9_\s]+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


def words(text: str) -> List[str]:
    return _WORD.findall(normalize(text))


class WordTokenizer:
    def __init__(self, vocab: Dict[str, int], max_length: int):
        assert [vocab[s] for s in SPECIALS] == [0, 1, 2], "specials must be [PAD]=0 [UNK]=1 [BOS]=2"
        self.vocab = vocab
        self.max_length = max_length

    @property
    def size(self) -> int:
        return len(self.vocab)

    @staticmethod
    def build(texts: Iterable[str], max_length: int, extra_words: Iterable[str] = (), min_count: int = 2,
              max_words: int = 4000) -> "WordTokenizer":
        counts = Counter(w for t in texts for w in words(t))
        forced = sorted({w for e in extra_words for w in words(e)})
        ranked = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_count]
        chosen = forced + [w for w in ranked if w not in set(forced)]
        chosen = chosen[: max(0, max_words - len(SPECIALS))]
        vocab = {s: i for i, s in enumerate(SPECIALS)}
        for w in chosen:
            if w not in vocab:
                vocab[w] = len(vocab)
        return WordTokenizer(vocab, max_length)

    def encode(self, text: str) -> Tuple[List[int], List[int]]:
        ids = [self.vocab.get(w, 1) for w in words(text)][: self.max_length - 1]
        ids = [2] + ids
        mask = [1] * len(ids) + [0] * (self.max_length - len(ids))
        ids = ids + [0] * (self.max_length - len(ids))
        return ids, mask

    def encode_batch(self, texts: List[str]):
        import torch
        pairs = [self.encode(t) for t in texts]
        return (torch.tensor([p[0] for p in pairs], dtype=torch.int64),
                torch.tensor([p[1] for p in pairs], dtype=torch.int64))

    # --- Hugging Face tokenizers JSON ------------------------------------------------------------
    def to_hf_json(self) -> dict:
        added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for i, s in enumerate(SPECIALS)]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]},
            "pre_tokenizer": {"type": "Whitespace"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {BOS: {"id": BOS, "ids": [2], "tokens": [BOS]}},
            },
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": self.vocab, "unk_token": UNK},
        }

    def tokenizer_config(self) -> dict:
        """tokenizer_config.json, which transformers.js' AutoTokenizer also reads."""
        return {"tokenizer_class": "PreTrainedTokenizer", "model_max_length": self.max_length,
                "pad_token": PAD, "unk_token": UNK, "bos_token": BOS, "padding_side": "right",
                "clean_up_tokenization_spaces": False}

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_hf_json(), f, ensure_ascii=False, indent=1)
            f.write("\n")

    @staticmethod
    def load(path: str, max_length: int) -> "WordTokenizer":
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return WordTokenizer(dict(data["model"]["vocab"]), max_length)
