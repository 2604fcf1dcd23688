"""Chroma as classes: an ab grid whose cells are the classes (Zhang, Isola & Efros 2016, "Colorful Image
Colorization"), for `probe.py --objective ce`. Our own implementation of the idea: bilinear soft assignment
(their 5-nearest Gaussian is a detail), rebalancing weights from a sample of the training photos."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from model import AB_SCALE


class ChromaBins:
    """Classification over an ab grid (Zhang, Isola & Efros 2016): a cell's target is the histogram of its pixels'
    ab (bilinear soft assignment to the 4 nearest bin centers), each pixel weighted by the inverse of its bin's
    smoothed frequency mixed with uniform (`rebalance` = the uniform share of the mix; 1 = plain cross-entropy), so rare
    saturated colors are not drowned by the gray-brown mass. Decoded by the annealed mean (temperature T)."""

    def __init__(self, step: float = 10.0, extent: float = AB_SCALE):
        self.n = int(round(2 * extent / step))  # bins per axis
        self.step, self.extent = step, extent
        c = -extent + step * (torch.arange(self.n).float() + 0.5)
        self.centers = torch.stack(torch.meshgrid(c, c, indexing="ij"), -1).reshape(-1, 2) / AB_SCALE  # model units
        self.q = self.n * self.n
        self.weights = torch.ones(self.q)

    def soft(self, ab: torch.Tensor):
        """ab [B,2,H,W] in model units -> (bin index [B,4,H,W], weight [B,4,H,W])."""
        u = ((ab * AB_SCALE + self.extent) / self.step - 0.5).clamp(0, self.n - 1 - 1e-4)
        i0 = u.floor()
        f = u - i0
        i0 = i0.long()
        ia, ib = i0[:, 0], i0[:, 1]
        fa, fb = f[:, 0], f[:, 1]
        idx = torch.stack([ia * self.n + ib, ia * self.n + ib + 1, (ia + 1) * self.n + ib, (ia + 1) * self.n + ib + 1], 1)
        w = torch.stack([(1 - fa) * (1 - fb), (1 - fa) * fb, fa * (1 - fb), fa * fb], 1)
        return idx, w

    def fit_weights(self, ab: torch.Tensor, rebalance: float) -> None:
        if not 0 < rebalance <= 1:
            raise ValueError(f"rebalance {rebalance}: the uniform share must be in (0, 1]")
        idx, w = self.soft(ab)
        p = torch.bincount(idx.flatten(), w.flatten(), minlength=self.q).double()
        p = p.reshape(1, 1, self.n, self.n)
        k = torch.exp(-0.5 * (torch.arange(-2, 3).double() * 0.5) ** 2)  # sigma 5 ab units = half a bin
        k = (k[:, None] * k[None]) / (k.sum() ** 2)
        p = F.conv2d(p, k[None, None], padding=2).flatten()
        p = p / p.sum()
        w = 1.0 / ((1 - rebalance) * p + rebalance / self.q)
        self.weights = (w / (w * p).sum()).float()

    def histogram(self, ab: torch.Tensor, grid: int) -> torch.Tensor:
        """ab [B,2,H,W] -> rebalanced per-cell histograms [B,Q,grid,grid] (rows sum to the cell's mean weight)."""
        b, _, h, w = ab.shape
        idx, wt = self.soft(ab)
        wt = wt * self.weights[idx]
        cy = (torch.arange(h) * grid // h)[:, None]
        cx = (torch.arange(w) * grid // w)[None]
        cell = (cy * grid + cx)[None, None].expand(b, 4, h, w)
        flat = (torch.arange(b)[:, None, None, None] * grid * grid + cell) * self.q + idx
        out = torch.zeros(b * grid * grid * self.q)
        out.index_add_(0, flat.flatten(), wt.flatten())
        return out.reshape(b, grid, grid, self.q).permute(0, 3, 1, 2) / ((h // grid) * (w // grid))

    def decode(self, logits: torch.Tensor, t: float) -> torch.Tensor:
        """logits [B,Q,H,W] -> ab [B,2,H,W] (model units), the annealed mean at temperature t."""
        p = torch.softmax(logits / t, 1)
        return torch.einsum("bqhw,qc->bchw", p, self.centers)
