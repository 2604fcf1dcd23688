"""Cosine (squaredcos_cap_v2) noise schedule, v-prediction targets and a DDIM sampler.

Matches diffusers' DDPMScheduler/DDIMScheduler with the scheduler_config.json written by `scheduler_config()`.
"""
from __future__ import annotations

import math
from typing import Callable, Optional

import torch


def scheduler_config(num_train_timesteps: int = 1000) -> dict:
    return {
        "_class_name": "DDPMScheduler",
        "_diffusers_version": "0.30.0",
        "num_train_timesteps": num_train_timesteps,
        "beta_schedule": "squaredcos_cap_v2",
        "beta_start": 0.0001,
        "beta_end": 0.02,
        "prediction_type": "v_prediction",
        "timestep_spacing": "trailing",
        "steps_offset": 0,
        "clip_sample": False,
        "set_alpha_to_one": False,
        "rescale_betas_zero_snr": False,
        "thresholding": False,
        "variance_type": "fixed_small",
    }


def betas_for_alpha_bar(n: int, max_beta: float = 0.999) -> torch.Tensor:
    """diffusers' betas_for_alpha_bar with the cosine alpha_bar (Nichol & Dhariwal 2021)."""
    def alpha_bar(t):
        return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
    betas = [min(1 - alpha_bar((i + 1) / n) / alpha_bar(i / n), max_beta) for i in range(n)]
    return torch.tensor(betas, dtype=torch.float64)


def anchored_steps(steps: int, anchor: float) -> int:
    """Length of the schedule whose last `steps` timesteps an anchored run takes (anchor-schedule.ts)."""
    if not 0 <= anchor < 1:
        raise ValueError(f"anchor must be in [0, 1), got {anchor}")
    return max(steps, int(math.floor(steps / (1 - anchor) + 0.5)))


class Schedule:
    def __init__(self, n: int = 1000):
        self.n = n
        self.betas = betas_for_alpha_bar(n)
        self.alphas_cumprod = torch.cumprod(1.0 - self.betas, 0)  # float64

    def coeffs(self, t: torch.Tensor):
        """sqrt(alpha_bar_t), sqrt(1 - alpha_bar_t) for integer t [B] -> float32 [B,1,1,1]."""
        ab = self.alphas_cumprod.to(t.device)[t].float()
        return ab.sqrt()[:, None, None, None], (1 - ab).sqrt()[:, None, None, None]

    def add_noise(self, x0, noise, t):
        a, s = self.coeffs(t)
        return a * x0 + s * noise

    def v_target(self, x0, noise, t):
        a, s = self.coeffs(t)
        return a * noise - s * x0

    def timesteps(self, steps: int):
        """'trailing' spacing: n-1, ..., evenly down (diffusers timestep_spacing='trailing')."""
        ts = torch.arange(self.n, 0, -self.n / steps).round().long() - 1
        return ts.clamp(0, self.n - 1)

    @torch.no_grad()
    def ddim_sample(self, model_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], shape,
                    steps: int = 20, generator: Optional[torch.Generator] = None, device="cpu",
                    eta: float = 0.0, temperature: float = 1.0, init: Optional[torch.Tensor] = None,
                    anchor: float = 0.0) -> torch.Tensor:
        """DDIM (Song et al. 2021) with v-prediction; final alpha = alphas_cumprod[0] (set_alpha_to_one False).
        init with anchor a in [0, 1): `steps` evaluations of the last steps of a schedule of steps / (1 - a)
        timesteps, starting from init noised to the first of them (the runtime's anchor, anchor-schedule.ts)."""
        noise = torch.randn(shape, generator=generator, device="cpu").to(device) * temperature
        ts = self.timesteps(anchored_steps(steps, anchor) if init is not None else steps)
        if init is not None:
            ts = ts[len(ts) - steps:]
            x = self.add_noise(init, noise, ts[:1].expand(shape[0]))
        else:
            x = noise
        ac = self.alphas_cumprod
        for i, t in enumerate(ts):
            # 1. model output v at x_t
            tt = torch.full((shape[0],), float(t), device=device)
            v = model_fn(x, tt).float()
            a_t = float(ac[t])
            a_prev = float(ac[ts[i + 1]]) if i + 1 < len(ts) else float(ac[0])
            # 2. predicted x0 and eps from v
            x0 = math.sqrt(a_t) * x - math.sqrt(1 - a_t) * v
            eps = math.sqrt(a_t) * v + math.sqrt(1 - a_t) * x
            # 3. x_{t-1} (eta = 0 is deterministic DDIM)
            sigma = eta * math.sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)) if eta else 0.0
            x = math.sqrt(a_prev) * x0 + math.sqrt(max(1 - a_prev - sigma ** 2, 0.0)) * eps
            if sigma:
                x = x + sigma * temperature * torch.randn(shape, generator=generator).to(device)
        return x
