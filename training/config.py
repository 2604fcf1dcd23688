"""Dataclass configs for every network of a Color Wizard pack.

One `Config` describes the whole pack (VQ-VAE, text encoder, prior, guider) and the training recipe.
Named presets: `tiny` (CI smoke test and the random-weight test pack), `interim` (the CPU-trained default
pack, <= 60 minutes on 2 cores) and `base` (one H100, 10-minute resumable runs).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, asdict
from typing import Dict, List, Tuple


@dataclass(frozen=True)
class VQConfig:
    """Lightness-aware VQ-VAE: color encoder -> codebook -> decoder reading a pyramid of L features."""
    enc_channels: Tuple[int, ...] = (16, 32)       # color encoder width at 1/1 and 1/2 (latent at 1/4)
    dec_channels: Tuple[int, ...] = (16, 32, 32)   # decoder width at 1/1, 1/2, 1/4
    gray_channels: Tuple[int, ...] = (8, 16, 16)   # L-pyramid width at 1/1, 1/2, 1/4 (inside the decoder)
    codebook_size: int = 64
    commitment: float = 0.25
    ema_decay: float = 0.99
    dec_blocks: int = 1                            # residual blocks per decoder level
    # Latent channels 0-1 carry the cell's mean chroma (ab/110 x AB_LATENT_GAIN, an auxiliary loss holds them
    # there) and the decoder adds their bilinear upsampling to its output: the latent is near-linear in chroma,
    # so a diffusion model's mean guess decodes to the mean color, and the VQ ceiling starts at block averaging.
    ab_skip: bool = False


@dataclass(frozen=True)
class TextConfig:
    vocab_size: int = 512          # replaced by the tokenizer's size when built from data
    max_length: int = 16
    hidden: int = 32
    layers: int = 1
    heads: int = 2


@dataclass(frozen=True)
class UNetConfig:
    """Latent UNet shared by the prior and (its encoder half) by the guider."""
    channels: Tuple[int, ...] = (16, 32)           # one level per entry; downsample between levels
    attention: Tuple[bool, ...] = (False, True)    # cross-attention at this level (low resolution only)
    heads: int = 2
    groups: int = 8
    time_dim: int = 64


@dataclass(frozen=True)
class TrainConfig:
    batch: int = 8
    lr: float = 1e-3
    weight_decay: float = 0.0
    ema: float = 0.99
    text_drop: float = 0.15        # share of samples trained with the empty prompt (CFG)
    hint_prob: float = 0.5         # share of guider samples that get random ground-truth hint points
    max_hints: int = 8
    vq_image_sizes: Tuple[int, ...] = (32, 64)  # L resolution for decoder training (latent at working size)
    sample_every_s: float = 60.0
    ckpt_every_s: float = 120.0
    stage_seconds: Dict[str, float] = field(default_factory=lambda: {"vqvae": 30, "prior": 30, "guider": 30})


@dataclass(frozen=True)
class Config:
    name: str = "tiny"
    working_size: int = 32
    latent_channels: int = 4
    downsample: int = 4            # latent grid = working_size / downsample
    gray_latent_channels: int = 4
    gray_encoder_channels: Tuple[int, ...] = (8, 16)
    vq: VQConfig = VQConfig()
    text: TextConfig = TextConfig()
    unet: UNetConfig = UNetConfig()
    train: TrainConfig = TrainConfig()
    num_train_timesteps: int = 1000
    default_steps: int = 20
    guidance_scale: float = 2.5
    # Noise temperature a run gets by default (src/schedulers/temperature.ts): 1 samples as trained.
    default_temperature: float = 1.0
    # Frozen semantic encoder (semantic.py) read by the guider; 0 channels = none (tiny, interim, base).
    semantic_channels: int = 0
    semantic_input_size: int = 0
    # The guider stage also fine-tunes the prior: on a CPU budget the small prior is the bottleneck.
    guider_trains_prior: bool = False

    @property
    def latent_size(self) -> int:
        return self.working_size // self.downsample

    def residual_names(self) -> List[str]:
        return [f"down_res_{i}" for i in range(len(self.unet.channels))] + ["mid_res"]

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "Config":
        def build(cls, v):
            kw = {}
            for f in dataclasses.fields(cls):
                if f.name not in v:
                    continue
                x = v[f.name]
                if dataclasses.is_dataclass(f.type if not isinstance(f.type, str) else None):
                    x = build(f.type, x)
                elif f.name in _NESTED.get(cls.__name__, {}):
                    x = build(_NESTED[cls.__name__][f.name], x)
                elif isinstance(x, list):
                    x = tuple(x)
                kw[f.name] = x
            return cls(**kw)
        return build(Config, d)

    def replace(self, **kw) -> "Config":
        return dataclasses.replace(self, **kw)


_NESTED = {"Config": {"vq": VQConfig, "text": TextConfig, "unet": UNetConfig, "train": TrainConfig}}


def tiny() -> Config:
    return Config()


def interim() -> Config:
    # CPU, 2 threads, <= 60 minutes for all three stages. Working size 64 -> 16x16 latent.
    # The decoder matters most at full resolution, so it gets the widest channels.
    return Config(
        name="interim",
        working_size=64,
        latent_channels=4,
        gray_latent_channels=8,
        gray_encoder_channels=(16, 32),
        vq=VQConfig(enc_channels=(24, 48), dec_channels=(16, 32, 64), gray_channels=(12, 16, 32),
                    codebook_size=256, dec_blocks=1),
        text=TextConfig(max_length=16, hidden=64, layers=2, heads=4),
        unet=UNetConfig(channels=(48, 96), attention=(False, True), heads=4, groups=8, time_dim=128),
        train=TrainConfig(batch=16, lr=1e-3, ema=0.995, vq_image_sizes=(64, 80, 96, 128),
                          sample_every_s=400, ckpt_every_s=300,
                          stage_seconds={"vqvae": 1320, "prior": 600, "guider": 1200}),
        default_steps=20,
        guidance_scale=2.0,
    )


def base() -> Config:
    # One H100, bf16 + torch.compile, 10-minute calls. Working size 64 -> 16x16 latent. Sized so that every
    # ONNX file stays < 16 MiB (float32: < ~4.1 M parameters per component) and the full-resolution decoder
    # stays affordable on a CPU at inference (32 channels at full resolution).
    return Config(
        name="base",
        working_size=64,
        latent_channels=4,
        gray_latent_channels=8,
        gray_encoder_channels=(32, 64),
        vq=VQConfig(enc_channels=(64, 128), dec_channels=(32, 64, 128), gray_channels=(24, 32, 64),
                    codebook_size=1024, dec_blocks=2),
        text=TextConfig(max_length=24, hidden=192, layers=4, heads=4),
        unet=UNetConfig(channels=(80, 160), attention=(False, True), heads=5, groups=16, time_dim=320),
        train=TrainConfig(batch=256, lr=4e-4, ema=0.999, vq_image_sizes=(64, 96, 128),
                          sample_every_s=120, ckpt_every_s=120,
                          stage_seconds={"vqvae": 150, "prior": 180, "guider": 210}),
        default_steps=25,
        guidance_scale=2.5,
    )


def semantic() -> Config:
    # The default pack: interim's sizes (CPU, 2 threads) plus CenterNet features at the latent grid.
    # Semantic input 256 = 4 x working size, so its stride-16 features land on the 16 x 16 latent grid.
    c = interim()
    return c.replace(
        name="semantic",
        semantic_channels=96,
        semantic_input_size=256,
        guider_trains_prior=True,
        train=type(c.train)(**{**c.train.__dict__, "hint_prob": 0.5, "max_hints": 12,
                               "stage_seconds": {"vqvae": 900, "prior": 480, "guider": 2400}}),
    )


def semantic_skip() -> Config:
    # `semantic` with the chroma-skip VQ-VAE (VQConfig.ab_skip) and 1,024 codes: the plain VQ's own latent decodes
    # to CIEDE2000 10.3 where block-averaged chroma scores 3.9 (training/diagnose.py); this one starts at 3.9.
    # The default pack's weights since 2026-12-03, run from an anchor (models/cw-semantic/README.md).
    c = semantic()
    return c.replace(name="semantic-skip", vq=type(c.vq)(**{**c.vq.__dict__, "ab_skip": True, "codebook_size": 1024}))


def tiny_semantic() -> Config:
    # CI smoke test and the test pack: tiny sizes with a semantic encoder (needs training/vendor/).
    c = tiny()
    return c.replace(name="tiny-semantic", semantic_channels=8, semantic_input_size=128,
                     vq=type(c.vq)(**{**c.vq.__dict__, "ab_skip": True}))


PRESETS = {"tiny": tiny, "interim": interim, "base": base, "semantic": semantic, "semantic-skip": semantic_skip,
           "tiny-semantic": tiny_semantic}


def get_config(name: str) -> Config:
    if name not in PRESETS:
        raise ValueError(f"unknown config {name!r}; allowed: {', '.join(PRESETS)}")
    return PRESETS[name]()
