"""sRGB <-> CIE Lab (D65) in numpy and torch, and naming colors with training/color_lexicon.json."""
from __future__ import annotations

import json
import os
from typing import List, Tuple

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_M = np.array([[0.4124564, 0.3575761, 0.1804375],
               [0.2126729, 0.7151522, 0.0721750],
               [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 or float [...,3] sRGB (0..255) -> Lab float32 [...,3]."""
    c = np.asarray(rgb, dtype=np.float32) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = (c @ _M.T.astype(np.float32)) / _WHITE.astype(np.float32)
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
                    -1).astype(np.float32)


def lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """Lab [...,3] -> sRGB uint8 (clipped)."""
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    fx = fy + lab[..., 1] / 500
    fz = fy - lab[..., 2] / 200
    f = np.stack([fx, fy, fz], -1)
    xyz = np.where(f ** 3 > 216 / 24389, f ** 3, (116 * f - 16) / (24389 / 27)) * _WHITE
    lin = xyz @ np.linalg.inv(_M).T
    lin = np.clip(lin, 0, 1)
    c = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return np.clip(np.round(c * 255), 0, 255).astype(np.uint8)


# ---- torch versions (training) ---------------------------------------------------------------

def torch_srgb_to_lab(rgb):
    """float tensor [B,3,H,W] in 0..1 -> Lab [B,3,H,W]."""
    import torch
    c = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055).clamp_min(1e-8) ** 2.4)
    m = torch.tensor(_M, dtype=rgb.dtype, device=rgb.device)
    xyz = torch.einsum("ij,bjhw->bihw", m, c) / torch.tensor(_WHITE, dtype=rgb.dtype, device=rgb.device)[:, None, None]
    f = torch.where(xyz > 216 / 24389, xyz.clamp_min(1e-8) ** (1 / 3), (24389 / 27 * xyz + 16) / 116)
    return torch.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)


def torch_lab_to_srgb(lab):
    """Lab [B,3,H,W] -> sRGB float 0..1 (clipped)."""
    import torch
    fy = (lab[:, 0] + 16) / 116
    fx = fy + lab[:, 1] / 500
    fz = fy - lab[:, 2] / 200
    f = torch.stack([fx, fy, fz], 1)
    white = torch.tensor(_WHITE, dtype=lab.dtype, device=lab.device)[:, None, None]
    xyz = torch.where(f ** 3 > 216 / 24389, f ** 3, (116 * f - 16) / (24389 / 27)) * white
    minv = torch.tensor(np.linalg.inv(_M), dtype=lab.dtype, device=lab.device)
    lin = torch.einsum("ij,bjhw->bihw", minv, xyz).clamp(0, 1)
    return torch.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin.clamp_min(1e-8) ** (1 / 2.4) - 0.055).clamp(0, 1)


def torch_ciede2000(lab1, lab2, dim: int = -1, eps: float = 0.0):
    """CIEDE2000 (Sharma, Wu & Dalal 2005) between Lab tensors along `dim` (3 long), differentiable: the
    training loss that scores what eval-dev is judged by, and eval.ciede2000's one implementation. eps > 0
    keeps gradients finite at zero chroma and zero difference (square roots there); 0 is the exact formula."""
    import torch
    L1, a1, b1 = lab1.unbind(dim)
    L2, a2, b2 = lab2.unbind(dim)
    C1, C2 = (a1 * a1 + b1 * b1 + eps).sqrt(), (a2 * a2 + b2 * b2 + eps).sqrt()
    Cm7 = ((C1 + C2) / 2) ** 7
    G = 0.5 * (1 - (Cm7 / (Cm7 + 25.0 ** 7)).sqrt())
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = (a1p * a1p + b1 * b1 + eps).sqrt(), (a2p * a2p + b2 * b2 + eps).sqrt()
    # A hue is undefined at zero chroma: no hue difference there (the formula's C1'C2' = 0 case); atan2's
    # inputs are masked there so its gradient stays finite.
    zero1, zero2 = (C1p <= 2 * eps ** 0.5, C2p <= 2 * eps ** 0.5) if eps else (C1p == 0, C2p == 0)
    gray = zero1 | zero2
    h1p = torch.rad2deg(torch.atan2(torch.where(zero1, torch.zeros_like(b1), b1),
                                    torch.where(zero1, torch.ones_like(a1p), a1p))) % 360
    h2p = torch.rad2deg(torch.atan2(torch.where(zero2, torch.zeros_like(b2), b2),
                                    torch.where(zero2, torch.ones_like(a2p), a2p))) % 360
    dh = h2p - h1p
    dh = torch.where(dh > 180, dh - 360, torch.where(dh < -180, dh + 360, dh))
    dh = torch.where(gray, torch.zeros_like(dh), dh)
    dHp = 2 * (C1p * C2p + eps).sqrt() * torch.sin(torch.deg2rad(dh / 2))
    dCp = C2p - C1p
    Lpm = (L1 + L2) / 2
    Cpm = (C1p + C2p) / 2
    hsum = h1p + h2p
    hpm = torch.where((h1p - h2p).abs() > 180, torch.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2), hsum / 2)
    hpm = torch.where(gray, hsum, hpm)
    cos = lambda deg: torch.cos(torch.deg2rad(deg))  # noqa: E731
    T = 1 - 0.17 * cos(hpm - 30) + 0.24 * cos(2 * hpm) + 0.32 * cos(3 * hpm + 6) - 0.20 * cos(4 * hpm - 63)
    dtheta = 30 * torch.exp(-(((hpm - 275) / 25) ** 2))
    Cpm7 = Cpm ** 7
    Rt = -torch.sin(torch.deg2rad(2 * dtheta)) * 2 * (Cpm7 / (Cpm7 + 25.0 ** 7)).sqrt()
    Sl = 1 + 0.015 * (Lpm - 50) ** 2 / (20 + (Lpm - 50) ** 2).sqrt()
    Sc = 1 + 0.045 * Cpm
    Sh = 1 + 0.015 * Cpm * T
    dL, dC, dH = (L2 - L1) / Sl, dCp / Sc, dHp / Sh
    return (dL * dL + dC * dC + dH * dH + Rt * dC * dH + eps).sqrt()


# ---- naming ------------------------------------------------------------------------------------

def load_lexicon() -> dict:
    with open(os.path.join(_HERE, "color_lexicon.json")) as f:
        return json.load(f)


class ColorNamer:
    """Names each pixel with the nearest lexicon color; neutral pixels (low chroma) by lightness."""

    def __init__(self, chroma_neutral: float = 13.0):
        lex = load_lexicon()
        self.names = [c["name"] for c in lex["colors"]]
        self.chromatic = np.array([c["chromatic"] for c in lex["colors"]])
        self.lab = np.array([c["lab"] for c in lex["colors"]], dtype=np.float32)
        self.chroma_neutral = chroma_neutral
        self.idx = {n: i for i, n in enumerate(self.names)}

    def classify(self, lab: np.ndarray) -> np.ndarray:
        """Lab [N,3] -> color index [N]."""
        L, a, b = lab[:, 0], lab[:, 1], lab[:, 2]
        chroma = np.sqrt(a * a + b * b)
        chrom_idx = np.where(self.chromatic)[0]
        # distance in Lab with lightness down-weighted (hue/chroma decide the name)
        d = ((lab[:, None, 1:] - self.lab[None, chrom_idx, 1:]) ** 2).sum(-1) \
            + 0.3 * (lab[:, None, 0] - self.lab[None, chrom_idx, 0]) ** 2
        out = chrom_idx[d.argmin(1)]
        neutral = np.where(L < 25, self.idx["black"], np.where(L > 80, self.idx["white"], self.idx["gray"]))
        return np.where(chroma < self.chroma_neutral, neutral, out)

    def dominant(self, lab: np.ndarray, top: int = 2, min_share: float = 0.2) -> List[Tuple[str, float]]:
        """Most frequent color names of a region (Lab [...,3]), with their shares, chromatic ones favored."""
        idx = self.classify(lab.reshape(-1, 3))
        counts = np.bincount(idx, minlength=len(self.names)).astype(np.float64)
        share = counts / max(1.0, counts.sum())
        # a chromatic color covering a fair part of the region is more telling than gray
        weight = share * np.where(self.chromatic, 1.6, 1.0)
        order = np.argsort(-weight)
        return [(self.names[i], float(share[i])) for i in order[:top] if share[i] >= min_share]
