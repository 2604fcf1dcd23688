"""Training throughput (images/s) of each stage for a config, on random tensors (compute only, no data loading).

  /usr/bin/python3 training/bench.py --config interim --batch 16 --steps 5
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import get_config  # noqa: E402
from model import ColorWizard, count_params  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="tiny")
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--vocab", type=int, default=2417)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    cfg = get_config(a.config)
    cfg = cfg.replace(text=type(cfg.text)(**{**cfg.text.__dict__, "vocab_size": a.vocab}))
    b = a.batch or cfg.train.batch
    m = ColorWizard(cfg).to(dev)
    S, C, h, T = cfg.working_size, cfg.latent_channels, cfg.latent_size, cfg.text.max_length
    side = sorted(cfg.train.vq_image_sizes)[len(cfg.train.vq_image_sizes) // 2]
    ids = torch.randint(3, a.vocab, (b, T), device=dev)
    mask = torch.ones(b, T, dtype=torch.int64, device=dev)

    def vq():
        lab = torch.rand(b, 3, side, side, device=dev) * 2 - 1
        z = m.vqvae.encoder(F.interpolate(lab, size=(S, S), mode="bilinear", align_corners=False))
        q, commit, _ = m.vqvae.quantizer(z)
        return F.l1_loss(m.vqvae.decode(q, lab[:, :1]), lab[:, 1:]) + commit

    def prior():
        x = torch.randn(b, C, h, h, device=dev)
        t = torch.rand(b, device=dev) * 999
        return F.mse_loss(m.prior(x, t, m.text(ids, mask)), x)

    def guider():
        x = torch.randn(b, C, h, h, device=dev)
        t = torch.rand(b, device=dev) * 999
        with torch.no_grad():
            ctx = m.text(ids, mask)
        gl = m.gray(torch.rand(b, 1, S, S, device=dev))
        res = m.guider(x, t, ctx, gl, torch.zeros(b, 3, S, S, device=dev))
        return F.mse_loss(m.prior(x, t, ctx, res), x)

    out = {"config": a.config, "device": dev, "batch": b, "threads": a.threads, "vq_side": side,
           "params": {"text": count_params(m.text), "prior": count_params(m.prior), "guider": count_params(m.guider),
                      "gray": count_params(m.gray), "vq_encoder": count_params(m.vqvae.encoder),
                      "decoder": count_params(m.vqvae.decoder), "codebook": m.vqvae.quantizer.embed.numel()}}
    for name, fn in (("vqvae", vq), ("prior", prior), ("guider", guider)):
        opt = torch.optim.AdamW([p for p in m.parameters()], lr=1e-4)
        fn().backward()  # warm-up
        t0 = time.time()
        for _ in range(a.steps):
            opt.zero_grad()
            fn().backward()
            opt.step()
        out[f"{name}_images_per_s"] = round(a.steps * b / (time.time() - t0), 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
