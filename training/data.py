"""Training data from the shards written by prepare.py: decoded once into a uint8 cache, augmented per batch."""
from __future__ import annotations

import hashlib
import io
import json
import os
import random
import time
from typing import List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from colors import torch_srgb_to_lab


def manifest_sha256(shards: str) -> str:
    with open(os.path.join(shards, "manifest.json"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _decode_square(raw: bytes, size: int) -> np.ndarray:
    """Short side -> size (bicubic, antialiased), center square crop, uint8 [size,size,3]."""
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    w, h = img.size
    s = size / min(w, h)
    nw, nh = max(size, round(w * s)), max(size, round(h * s))
    img = img.resize((nw, nh), Image.BICUBIC)
    x, y = (nw - size) // 2, (nh - size) // 2
    return np.asarray(img.crop((x, y, x + size, y + size)))


class PhotoSet:
    """All photos of one split decoded to squares of `size` (cached on disk as .npy next to the shards)."""

    def __init__(self, shards: str, split: str, size: int, limit: int = 0, log=print):
        with open(os.path.join(shards, "manifest.json")) as f:
            manifest = json.load(f)
        files = [s["file"] for s in manifest["shards"] if s["split"] == split]
        self.index: List[dict] = []
        raws: List[bytes] = []
        for fn in files:
            z = np.load(os.path.join(shards, fn))
            data, offsets = z["data"], z["offsets"]
            idx = json.loads(z["index"].tobytes().decode("utf-8"))
            for i, rec in enumerate(idx):
                if limit and len(self.index) >= limit:
                    break
                self.index.append(rec)
                raws.append(data[offsets[i]:offsets[i + 1]].tobytes())
        cache = os.path.join(shards, f"cache-{split}-{size}-{len(raws)}.npy")
        if os.path.exists(cache):
            self.images = np.load(cache, mmap_mode="r")
        else:
            t0 = time.time()
            arr = np.zeros((len(raws), size, size, 3), np.uint8)
            for i, raw in enumerate(raws):
                arr[i] = _decode_square(raw, size)
            np.save(cache + ".tmp.npy", arr)
            os.replace(cache + ".tmp.npy", cache)
            log(f"decoded {len(raws)} {split} photos at {size}px in {time.time() - t0:.0f}s -> {cache}")
            self.images = arr
        self.size = size

    def __len__(self) -> int:
        return len(self.index)

    def captions(self, i: int) -> List[str]:
        r = self.index[i]
        return r["real"] + r["templates"] + r["colors"]

    def sample_caption(self, i: int, rng: random.Random) -> str:
        r = self.index[i]
        # Color captions teach "red car"; real and label captions teach content words. Sometimes join two.
        pools = [p for p in (r["real"], r["templates"], r["colors"]) if p]
        if not pools:
            return ""
        a = rng.choice(rng.choice(pools))
        if r["colors"] and r["templates"] and rng.random() < 0.25:
            a = f"{rng.choice(r['colors'])}, {rng.choice(r['templates'])}"
        return a

    def batch(self, idx: np.ndarray, out_hw: Tuple[int, int], rng: np.random.RandomState, augment: bool = True,
              min_scale: float = 0.6, device="cpu") -> torch.Tensor:
        """RGB float [B,3,H,W] in 0..1: random crop (scale, aspect), flip, resize to out_hw."""
        out = []
        H, W = out_hw
        for i in idx:
            img = torch.from_numpy(np.ascontiguousarray(self.images[i])).permute(2, 0, 1).float() / 255.0
            s = self.size
            if augment:
                area = rng.uniform(min_scale, 1.0)
                aspect = W / H
                ch = int(round(min(s, s * np.sqrt(area / aspect))))
                cw = int(round(min(s, ch * aspect)))
                y, x = rng.randint(0, s - ch + 1), rng.randint(0, s - cw + 1)
                img = img[:, y:y + ch, x:x + cw]
                if rng.rand() < 0.5:
                    img = img.flip(-1)
            else:  # center crop to the aspect of out_hw
                ch, cw = (s, int(s * W / H)) if W <= H else (int(s * H / W), s)
                y, x = (s - ch) // 2, (s - cw) // 2
                img = img[:, y:y + ch, x:x + cw]
            out.append(resize(img[None], (H, W))[0])
        return torch.stack(out).clamp(0, 1).to(device)


def resize(x: torch.Tensor, hw, mode: str = "bilinear") -> torch.Tensor:
    """Antialiased bilinear resize (antialias only when shrinking and supported)."""
    if tuple(x.shape[-2:]) == tuple(hw):
        return x
    shrink = hw[0] < x.shape[-2] or hw[1] < x.shape[-1]
    try:
        return F.interpolate(x, size=hw, mode=mode, align_corners=False, antialias=shrink)
    except TypeError:  # very old torch
        return F.interpolate(x, size=hw, mode=mode, align_corners=False)


def to_model_lab(rgb: torch.Tensor) -> torch.Tensor:
    """RGB 0..1 -> model normalization [l, a/110, b/110] with l = L/50 - 1."""
    lab = torch_srgb_to_lab(rgb.float())
    return torch.cat([lab[:, :1] / 50.0 - 1.0, lab[:, 1:] / 110.0], 1)


def random_hints(ab: torch.Tensor, prob: float, max_hints: int, gen: torch.Generator) -> torch.Tensor:
    """Hint maps [B,3,S,S] from ground-truth ab/110 at S: a few random points (mask channel 2)."""
    b, _, h, w = ab.shape
    hint = torch.zeros(b, 3, h, w, device=ab.device)
    for i in range(b):
        if torch.rand(1, generator=gen).item() >= prob:
            continue
        n = int(torch.randint(1, max_hints + 1, (1,), generator=gen))
        ys = torch.randint(0, h, (n,), generator=gen)
        xs = torch.randint(0, w, (n,), generator=gen)
        hint[i, 0, ys, xs] = ab[i, 0, ys, xs]
        hint[i, 1, ys, xs] = ab[i, 1, ys, xs]
        hint[i, 2, ys, xs] = 1.0
    return hint
