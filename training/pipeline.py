"""The full colorization pipeline in PyTorch, mirroring the TypeScript runtime (docs/architecture.md).

l (full resolution) -> l at working size -> gray encoder -> DDIM with prior + guider and CFG
-> / latent_scale -> quantizer -> bilinear to H/4 x W/4 -> decoder(latent, full-res l) -> ab (Lab units)
-> merged with the exact input L.
"""
from __future__ import annotations

from typing import List, Optional

import torch
import torch.nn.functional as F

from data import resize
from diffusion import Schedule
from model import AB_SCALE, ColorWizard, upsample_latent
from semantic import semantic_features


@torch.no_grad()
def encode_text(model: ColorWizard, tok, prompts: List[str], device) -> torch.Tensor:
    ids, mask = tok.encode_batch(prompts)
    return model.text(ids.to(device), mask.to(device))


@torch.no_grad()
def sample_latents(model: ColorWizard, tok, l_small: torch.Tensor, prompts: List[str], hint=None,
                   steps: int = 20, guidance: float = 2.0, seed: int = 0, use_guider: bool = True,
                   schedule: Optional[Schedule] = None, semantic: Optional[torch.Tensor] = None,
                   temperature: float = 1.0, init: Optional[torch.Tensor] = None, anchor: float = 0.0) -> torch.Tensor:
    """Quantized color latents (unscaled) for gray images at working size, one per row. init (the anchor's
    latent) with anchor > 0: sampling starts from it, noised (Schedule.ddim_sample)."""
    device = l_small.device
    cfg = model.cfg
    b = l_small.shape[0]
    schedule = schedule or Schedule(cfg.num_train_timesteps)
    cond = encode_text(model, tok, prompts, device)
    uncond = encode_text(model, tok, [""] * b, device)
    gray = model.gray(l_small) if use_guider else None
    if hint is None:
        hint = torch.zeros(b, 3, cfg.working_size, cfg.working_size, device=device)
    do_cfg = guidance != 1.0 and any(p.strip() for p in prompts)  # with no prompt both passes are equal

    def model_fn(x, t):
        if not do_cfg:
            return model.predict(x, t, cond, gray, hint, use_guider, semantic)
        xx, tt = torch.cat([x, x]), torch.cat([t, t])
        ctx = torch.cat([uncond, cond])
        g2 = torch.cat([gray, gray]) if gray is not None else None
        s2 = torch.cat([semantic, semantic]) if semantic is not None else None
        v_u, v_c = model.predict(xx, tt, ctx, g2, torch.cat([hint, hint]), use_guider, s2).chunk(2)
        return v_u + guidance * (v_c - v_u)

    gen = torch.Generator().manual_seed(seed)
    shape = (b, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
    z = schedule.ddim_sample(model_fn, shape, steps=steps, generator=gen, device=device, temperature=temperature,
                             init=init if anchor > 0 else None, anchor=anchor)
    return model.vqvae.quantizer.quantize(z / model.latent_scale)


@torch.no_grad()
def decode_ab(model: ColorWizard, q: torch.Tensor, l_full: torch.Tensor) -> torch.Tensor:
    """Quantized latent + full-res l ([B,1,H,W], H,W multiples of 4) -> ab in Lab units."""
    q = upsample_latent(q, (l_full.shape[-2] // 4, l_full.shape[-1] // 4))
    return model.vqvae.decoder(q, l_full) * AB_SCALE


@torch.no_grad()
def colorize(model: ColorWizard, tok, L: torch.Tensor, prompts: List[str], steps: int = 20,
             guidance: float = 2.0, seed: int = 0, hint=None) -> torch.Tensor:
    """L in Lab units [B,1,H,W] (any H, W) -> Lab [B,3,H,W] with L exactly the input."""
    S = model.cfg.working_size
    H, W = L.shape[-2:]
    Hp, Wp = (H + 3) // 4 * 4, (W + 3) // 4 * 4
    l_full = L / 50.0 - 1.0
    l_pad = F.pad(l_full, (0, Wp - W, 0, Hp - H), mode="replicate")
    l_small = resize(l_full, (S, S))
    semantic = semantic_features(model, l_full)
    q = sample_latents(model, tok, l_small, prompts, hint, steps, guidance, seed, semantic=semantic)
    ab = decode_ab(model, q, l_pad)[..., :H, :W]
    return torch.cat([L, ab], 1)
