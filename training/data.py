"""Training data from the shards written by prepare.py: decoded once into a uint8 cache, augmented per batch."""
from __future__ import annotations

import hashlib
import io
import json
import os
import random
import time
from collections import Counter
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
        present = [f for f in files if os.path.exists(os.path.join(shards, f))]
        if len(present) < len(files):  # device runs carry one shard: train on what is there
            log(f"{split}: {len(present)} of {len(files)} shards present in {shards}")
        if not present:
            raise FileNotFoundError(f"no {split} shard in {shards}")
        files = present
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
        # Object-color captions ("a red car"), when object_captions.py has written them for this split.
        self.objects: List[List[str]] = [[] for _ in self.index]
        obj = os.path.join(shards, f"objects-{split}.json")
        if os.path.exists(obj):
            with open(obj) as f:
                o = json.load(f)
            if o["photos"] == len(self.index):
                self.objects = o["captions"]
            else:
                log(f"{obj}: {o['photos']} photos, not {len(self.index)}; object captions ignored")

    def __len__(self) -> int:
        return len(self.index)

    def source_weights(self, power: float) -> np.ndarray:
        """Per-photo sampling probabilities ∝ n_source^-power: 0 = every photo alike (big sources dominate the
        colour prior: 10,000 sports photos, 5,500 cars), 1 = every source alike."""
        names = [r["source"] for r in self.index]
        counts = Counter(names)
        w = np.array([counts[n] ** -power for n in names], np.float64)
        return w / w.sum()

    def captions(self, i: int) -> List[str]:
        r = self.index[i]
        return r["real"] + r["templates"] + r["colors"] + self.objects[i]

    def sample_caption(self, i: int, rng: random.Random) -> str:
        r = self.index[i]
        # Color captions teach "red car"; real and label captions teach content words. Sometimes join two.
        pools = [p for p in (r["real"], r["templates"], r["colors"], self.objects[i]) if p]
        if not pools:
            return ""
        a = rng.choice(rng.choice(pools))
        if r["colors"] and r["templates"] and rng.random() < 0.25:
            a = f"{rng.choice(r['colors'])}, {rng.choice(r['templates'])}"
        return a

    def to(self, device) -> "PhotoSet":
        """Keep the decoded photos on `device` (GPU runs: augmentation then happens there, batched)."""
        self.device_images = torch.from_numpy(np.ascontiguousarray(self.images)).to(device)
        return self

    def _gather(self, idx: np.ndarray, device) -> torch.Tensor:
        if getattr(self, "device_images", None) is not None:
            x = self.device_images[torch.as_tensor(idx, device=self.device_images.device)]
        else:
            order = np.argsort(idx)  # sorted reads from the memory map, then back to the sampled order
            x = torch.from_numpy(np.ascontiguousarray(self.images[idx[order]]))[torch.from_numpy(np.argsort(order))]
        return x.to(device).permute(0, 3, 1, 2).float() / 255.0

    def batch(self, idx: np.ndarray, out_hw: Tuple[int, int], rng: np.random.RandomState, augment: bool = True,
              min_scale: float = 0.6, device="cpu") -> torch.Tensor:
        """RGB float [B,3,H,W] in 0..1: random crop (area scale, aspect of out_hw), flip, resize; batched."""
        idx = np.asarray(idx)
        x = self._gather(idx, device)
        b, s = len(idx), self.size
        H, W = out_hw
        aspect = W / H
        if augment:
            area = rng.uniform(min_scale, 1.0, b)
            flip = np.where(rng.rand(b) < 0.5, -1.0, 1.0)
        else:
            area, flip = np.ones(b), np.ones(b)
        ch = np.minimum(s, s * np.sqrt(area / aspect))
        cw = np.minimum(s, ch * aspect)
        ch = np.minimum(ch, cw / aspect)
        y0 = rng.uniform(0, 1, b) * (s - ch) if augment else (s - ch) / 2
        x0 = rng.uniform(0, 1, b) * (s - cw) if augment else (s - cw) / 2
        # Shrinking by more than 1.5x: average-pool first so bilinear sampling does not alias.
        while float(np.mean(ch)) / H * (x.shape[-1] / s) > 1.5 and x.shape[-1] >= 2 * max(H, W) / 1.5:
            x = F.avg_pool2d(x, 2)
        theta = np.zeros((b, 2, 3), np.float32)
        theta[:, 0, 0] = cw / s * flip
        theta[:, 0, 2] = (x0 + cw / 2) / s * 2 - 1
        theta[:, 1, 1] = ch / s
        theta[:, 1, 2] = (y0 + ch / 2) / s * 2 - 1
        theta = torch.from_numpy(theta).to(x.device)
        grid = F.affine_grid(theta, [b, 3, H, W], align_corners=False)
        out = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        return out.clamp(0, 1)


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
    """Hint maps [B,3,S,S] from ground-truth ab/110 at S: 1..max_hints random points in a share `prob` of rows."""
    b, _, h, w = ab.shape
    use = torch.rand(b, generator=gen) < prob
    n = torch.randint(1, max_hints + 1, (b,), generator=gen) * use
    pos = torch.randint(0, h * w, (b, max_hints), generator=gen)
    valid = (torch.arange(max_hints)[None] < n[:, None]).float()
    mask = torch.zeros(b, h * w).scatter_(1, pos, valid).clamp_(max=1.0).reshape(b, 1, h, w).to(ab.device)
    return torch.cat([ab * mask, mask], 1)
