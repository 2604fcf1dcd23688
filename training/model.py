"""The networks of a Color Wizard pack, small and readable.

Normalization (docs/model-pack.md): l = L/50 - 1, ab inside models = ab/110, hint = [a/110, b/110, mask].

- ColorEncoder + VectorQuantizer + LightnessDecoder : the lightness-aware VQ-VAE
- TextEncoder  : word ids -> hidden states (padding positions are zeroed)
- UNet         : the text-conditioned latent prior (v-prediction) that accepts ControlNet-style residuals
- Guider       : trainable copy of the UNet encoder half, fed gray latent + hints, zero-initialized outputs
- GrayEncoder  : L at working size -> gray latent grid for the guider

Only ONNX-friendly ops are used (Conv, GroupNorm, SiLU, MatMul, Softmax, Resize bilinear, Gather, ArgMin).
"""
from __future__ import annotations

import contextlib
import math
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from config import Config

AB_SCALE = 110.0
# ab/110 in the latent's chroma channels (VQConfig.ab_skip) is multiplied by this: a spread like the others'.
AB_LATENT_GAIN = 4.0


def _groups(ch: int, want: int = 8) -> int:
    g = min(want, ch)
    while ch % g:
        g -= 1
    return g


def upsample_latent(z: torch.Tensor, size) -> torch.Tensor:
    """Bilinear, half-pixel centers: exactly what the runtime does before the decoder."""
    return F.interpolate(z, size=size, mode="bilinear", align_corners=False)


class ChannelNorm(nn.Module):
    """LayerNorm over channels at each pixel. Unlike GroupNorm it uses no statistics across space, so the
    full-resolution decoder gives the same result whole or in tiles, at any image size (the runtime tiles it)."""

    def __init__(self, ch: int, eps: float = 1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, ch, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, ch, 1, 1))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mu = x.mean(1, keepdim=True)
        var = (x - mu).pow(2).mean(1, keepdim=True)
        return (x - mu) / torch.sqrt(var + self.eps) * self.weight + self.bias


def make_norm(kind: str, ch: int, groups: int = 8) -> nn.Module:
    return ChannelNorm(ch) if kind == "channel" else nn.GroupNorm(_groups(ch, groups), ch)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int = 0, groups: int = 8, norm: str = "group"):
        super().__init__()
        self.norm1 = make_norm(norm, cin, groups)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout) if temb else None
        self.norm2 = make_norm(norm, cout, groups)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, t: Optional[torch.Tensor] = None) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        if self.temb is not None and t is not None:
            h = h + self.temb(F.silu(t))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int,
              bias: Optional[torch.Tensor] = None) -> torch.Tensor:
    """q [B,N,D], k/v [B,M,D], bias broadcastable to [B,heads,N,M]. Plain MatMul+Softmax (exportable)."""
    b, n, d = q.shape
    m = k.shape[1]
    hd = d // heads
    q = q.reshape(b, n, heads, hd).transpose(1, 2)
    k = k.reshape(b, m, heads, hd).transpose(1, 2)
    v = v.reshape(b, m, heads, hd).transpose(1, 2)
    if _use_sdpa() and not torch.onnx.is_in_onnx_export():
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    else:
        w = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(hd))
        if bias is not None:
            w = w + bias
        out = torch.matmul(torch.softmax(w, dim=-1), v)
    return out.transpose(1, 2).reshape(b, n, d)


def _use_sdpa() -> bool:
    return hasattr(F, "scaled_dot_product_attention")


class CrossAttention(nn.Module):
    """Pre-norm cross-attention from an image grid to text states, with a residual connection."""

    def __init__(self, ch: int, ctx: int, heads: int, groups: int = 8):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(_groups(ch, groups), ch)
        self.q = nn.Linear(ch, ch, bias=False)
        self.k = nn.Linear(ctx, ch, bias=False)
        self.v = nn.Linear(ctx, ch, bias=False)
        self.out = nn.Linear(ch, ch)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        y = self.norm(x).reshape(b, c, h * w).transpose(1, 2)
        y = attention(self.q(y), self.k(context), self.v(context), self.heads)
        y = self.out(y).transpose(1, 2).reshape(b, c, h, w)
        return x + y


# ----------------------------------------------------------------------------------------------
# Lightness-aware VQ-VAE
# ----------------------------------------------------------------------------------------------

class ColorEncoder(nn.Module):
    """Lab image (l, a/110, b/110) at S x S -> continuous latent [B, C, S/4, S/4]. Training only."""

    def __init__(self, cfg: Config):
        super().__init__()
        c1, c2 = cfg.vq.enc_channels
        self.conv_in = nn.Conv2d(3, c1, 3, padding=1)
        self.block1 = ResBlock(c1, c1)
        self.down1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.block2 = ResBlock(c2, c2)
        self.down2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)
        self.block3 = ResBlock(c2, c2)
        self.norm = nn.GroupNorm(_groups(c2), c2)
        self.conv_out = nn.Conv2d(c2, cfg.latent_channels, 1)
        self.ab_skip = cfg.vq.ab_skip

    def forward(self, lab: torch.Tensor) -> torch.Tensor:
        x = self.block1(self.conv_in(lab))
        x = self.block2(self.down1(x))
        x = self.block3(self.down2(x))
        z = self.conv_out(F.silu(self.norm(x)))
        if self.ab_skip:  # channels 0-1 start as the cell's mean chroma (see VQConfig.ab_skip)
            z = z + F.pad(cell_chroma(lab), (0, 0, 0, 0, 0, z.shape[1] - 2))
        return z


def cell_chroma(lab: torch.Tensor) -> torch.Tensor:
    """Mean ab/110 of each latent cell (4 x 4 pixels at working size) x AB_LATENT_GAIN: [B,2,S/4,S/4]."""
    return F.avg_pool2d(lab[:, 1:3], 4) * AB_LATENT_GAIN


def _fp32():
    """Autocast off (CUDA bf16 runs); nothing to do elsewhere."""
    if torch.cuda.is_available() and not torch.onnx.is_in_onnx_export():
        return torch.autocast(device_type="cuda", enabled=False)
    return contextlib.nullcontext()


class VectorQuantizer(nn.Module):
    """Codebook with EMA updates (van den Oord et al. 2017, appendix) and dead-code restarts.

    forward(z) returns (quantized with straight-through gradient, commitment loss, code indices).
    """

    def __init__(self, num_codes: int, dim: int, decay: float = 0.99, commitment: float = 0.25):
        super().__init__()
        self.num_codes, self.dim, self.decay, self.commitment = num_codes, dim, decay, commitment
        embed = torch.randn(num_codes, dim) * 0.5
        self.register_buffer("embed", embed)
        self.register_buffer("cluster_size", torch.ones(num_codes))
        self.register_buffer("embed_sum", embed.clone())
        self.register_buffer("usage", torch.zeros(num_codes))  # EMA of assignment share, for reports

    def codes(self, z: torch.Tensor) -> torch.Tensor:
        """Nearest code index for each latent vector: z [B,C,h,w] -> [B,h,w] (float32 even under autocast)."""
        b, c, h, w = z.shape
        with _fp32():
            flat = (z if z.dtype == torch.float32 else z.float()).permute(0, 2, 3, 1).reshape(-1, c)
            dist = (flat * flat).sum(1, keepdim=True) - 2.0 * flat @ self.embed.t() \
                + (self.embed * self.embed).sum(1)[None]
            return dist.argmin(1).reshape(b, h, w)

    def lookup(self, idx: torch.Tensor) -> torch.Tensor:
        return F.embedding(idx, self.embed).permute(0, 3, 1, 2).contiguous()

    def quantize(self, z: torch.Tensor) -> torch.Tensor:
        """Exported as quantizer.onnx (MatMul, ArgMin, Gather)."""
        return self.lookup(self.codes(z))

    def forward(self, z: torch.Tensor):
        idx = self.codes(z)
        q = self.lookup(idx)
        if self.training:
            self._ema_update(z.detach(), idx)
        loss = self.commitment * F.mse_loss(z, q.detach())
        q = z + (q - z).detach()
        return q, loss, idx

    @torch.no_grad()
    def _ema_update(self, z: torch.Tensor, idx: torch.Tensor) -> None:
        flat = z.permute(0, 2, 3, 1).reshape(-1, self.dim).float()
        onehot = F.one_hot(idx.reshape(-1), self.num_codes).type_as(flat)
        counts = onehot.sum(0)
        self.cluster_size.mul_(self.decay).add_(counts, alpha=1 - self.decay)
        self.embed_sum.mul_(self.decay).add_(onehot.t() @ flat, alpha=1 - self.decay)
        self.usage.mul_(self.decay).add_(counts / counts.sum(), alpha=1 - self.decay)
        n = self.cluster_size.sum()
        size = (self.cluster_size + 1e-5) / (n + self.num_codes * 1e-5) * n
        self.embed.copy_(self.embed_sum / size[:, None])
        # Restart codes that are almost never used at random current encoder outputs.
        dead = self.cluster_size < 1e-3 * max(1.0, float(flat.shape[0]) / self.num_codes)
        if dead.any():
            pick = flat[torch.randint(0, flat.shape[0], (int(dead.sum()),), device=flat.device)]
            self.embed[dead] = pick
            self.embed_sum[dead] = pick
            self.cluster_size[dead] = 1.0

    def stats(self) -> Dict[str, float]:
        p = self.usage / self.usage.sum().clamp_min(1e-12)
        perplexity = float(torch.exp(-(p * (p + 1e-12).log()).sum()))
        used = float((p > 1.0 / (self.num_codes * 50)).float().mean())
        return {"perplexity": perplexity, "usage": used}


class GrayPyramid(nn.Module):
    """Features of l at 1/1, 1/2 and 1/4 of the output resolution."""

    def __init__(self, channels):
        super().__init__()
        g0, g1, g2 = channels
        self.conv0 = nn.Conv2d(1, g0, 3, padding=1)
        self.block0 = ResBlock(g0, g0, norm="channel")
        self.down1 = nn.Conv2d(g0, g1, 3, stride=2, padding=1)
        self.block1 = ResBlock(g1, g1, norm="channel")
        self.down2 = nn.Conv2d(g1, g2, 3, stride=2, padding=1)
        self.block2 = ResBlock(g2, g2, norm="channel")

    def forward(self, l: torch.Tensor) -> List[torch.Tensor]:
        f0 = self.block0(self.conv0(l))
        f1 = self.block1(self.down1(f0))
        f2 = self.block2(self.down2(f1))
        return [f0, f1, f2]


class LightnessDecoder(nn.Module):
    """(quantized latent already at H/4 x W/4, l at H x W) -> ab/110 at H x W."""

    def __init__(self, cfg: Config):
        super().__init__()
        d0, d1, d2 = cfg.vq.dec_channels
        g0, g1, g2 = cfg.vq.gray_channels
        nb = cfg.vq.dec_blocks
        self.gray = GrayPyramid(cfg.vq.gray_channels)
        self.conv_in = nn.Conv2d(cfg.latent_channels + g2, d2, 3, padding=1)
        self.blocks2 = nn.ModuleList([ResBlock(d2, d2, norm="channel") for _ in range(nb)])
        self.up1 = nn.Conv2d(d2 + g1, d1, 3, padding=1)
        self.blocks1 = nn.ModuleList([ResBlock(d1, d1, norm="channel") for _ in range(nb)])
        self.up0 = nn.Conv2d(d1 + g0, d0, 3, padding=1)
        self.blocks0 = nn.ModuleList([ResBlock(d0, d0, norm="channel") for _ in range(nb)])
        self.norm = ChannelNorm(d0)
        self.conv_out = nn.Conv2d(d0, 2, 3, padding=1)
        self.ab_skip = cfg.vq.ab_skip
        if self.ab_skip:  # starts as the bilinear chroma of the latent; learns the edges on top
            nn.init.zeros_(self.conv_out.weight)
            nn.init.zeros_(self.conv_out.bias)

    def forward(self, latent: torch.Tensor, l: torch.Tensor) -> torch.Tensor:
        out = self._residual(latent, l)
        if self.ab_skip:
            base = F.interpolate(latent[:, :2], scale_factor=4.0, mode="bilinear", align_corners=False)
            out = out + base * (1.0 / AB_LATENT_GAIN)
        return out

    def _residual(self, latent: torch.Tensor, l: torch.Tensor) -> torch.Tensor:
        f0, f1, f2 = self.gray(l)
        x = self.conv_in(torch.cat([latent, f2], 1))
        for blk in self.blocks2:
            x = blk(x)
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        x = self.up1(torch.cat([x, f1], 1))
        for blk in self.blocks1:
            x = blk(x)
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        x = self.up0(torch.cat([x, f0], 1))
        for blk in self.blocks0:
            x = blk(x)
        return self.conv_out(F.silu(self.norm(x)))


class VQVAE(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.encoder = ColorEncoder(cfg)
        self.quantizer = VectorQuantizer(cfg.vq.codebook_size, cfg.latent_channels, cfg.vq.ema_decay,
                                         cfg.vq.commitment)
        self.decoder = LightnessDecoder(cfg)

    def encode(self, lab: torch.Tensor) -> torch.Tensor:
        """Quantized latent (no gradient tricks) of a Lab image at working size."""
        return self.quantizer.quantize(self.encoder(lab))

    def decode(self, q: torch.Tensor, l_full: torch.Tensor) -> torch.Tensor:
        """q at the latent grid, l at any H x W (multiple of 4) -> ab/110 at H x W."""
        q = upsample_latent(q, (l_full.shape[-2] // 4, l_full.shape[-1] // 4))
        return self.decoder(q, l_full)


# ----------------------------------------------------------------------------------------------
# Text encoder
# ----------------------------------------------------------------------------------------------

class TextBlock(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        x = x + self.proj(attention(q, k, v, self.heads, bias))
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    """Word ids [B,T] + attention_mask [B,T] -> last_hidden_state [B,T,D]; rows of padding are zero."""

    def __init__(self, cfg: Config):
        super().__init__()
        t = cfg.text
        self.tok = nn.Embedding(t.vocab_size, t.hidden)
        self.pos = nn.Parameter(torch.randn(1, t.max_length, t.hidden) * 0.02)
        self.blocks = nn.ModuleList([TextBlock(t.hidden, t.heads) for _ in range(t.layers)])
        self.ln = nn.LayerNorm(t.hidden)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        mask = attention_mask.to(torch.float32)
        bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        x = self.tok(input_ids) + self.pos[:, : input_ids.shape[1]]
        for blk in self.blocks:
            x = blk(x, bias)
        return self.ln(x) * mask[:, :, None]


# ----------------------------------------------------------------------------------------------
# Diffusion prior (UNet) and guider
# ----------------------------------------------------------------------------------------------

def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of float timesteps [B] -> [B, dim]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.to(torch.float32)[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TimeEmbed(nn.Module):
    def __init__(self, base: int, dim: int):
        super().__init__()
        self.base = base
        self.mlp = nn.Sequential(nn.Linear(base, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.mlp(timestep_embedding(t, self.base))


class Level(nn.Module):
    """One UNet level: a ResBlock and optional cross-attention."""

    def __init__(self, cin: int, cout: int, temb: int, ctx: int, attn: bool, heads: int, groups: int):
        super().__init__()
        self.res = ResBlock(cin, cout, temb, groups)
        self.attn = CrossAttention(cout, ctx, heads, groups) if attn else None

    def forward(self, x, temb, ctx):
        x = self.res(x, temb)
        if self.attn is not None:
            x = self.attn(x, ctx)
        return x


class Encoder(nn.Module):
    """The encoder half (conv_in, time embedding, down levels, mid) shared in shape by prior and guider."""

    def __init__(self, cfg: Config):
        super().__init__()
        u = cfg.unet
        ctx = cfg.text.hidden
        ch = u.channels
        self.time = TimeEmbed(max(32, ch[0]), u.time_dim)
        self.conv_in = nn.Conv2d(cfg.latent_channels, ch[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.downsample = nn.ModuleList()
        for i, c in enumerate(ch):
            cin = ch[i - 1] if i else ch[0]
            self.down.append(Level(cin, c, u.time_dim, ctx, u.attention[i], u.heads, u.groups))
            if i < len(ch) - 1:
                self.downsample.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
        self.mid1 = Level(ch[-1], ch[-1], u.time_dim, ctx, True, u.heads, u.groups)
        self.mid2 = ResBlock(ch[-1], ch[-1], u.time_dim, u.groups)

    def forward(self, sample, timestep, context, extra: Optional[torch.Tensor] = None):
        temb = self.time(timestep)
        x = self.conv_in(sample)
        if extra is not None:
            x = x + extra
        skips = []
        for i, level in enumerate(self.down):
            x = level(x, temb, context)
            skips.append(x)
            if i < len(self.downsample):
                x = self.downsample[i](x)
        x = self.mid2(self.mid1(x, temb, context), temb)
        return x, skips, temb


class UNet(nn.Module):
    """Text-conditioned latent prior. Residuals (ControlNet-style) are added to each skip and to mid."""

    def __init__(self, cfg: Config):
        super().__init__()
        u = cfg.unet
        ch = u.channels
        ctx = cfg.text.hidden
        self.encoder = Encoder(cfg)
        self.up = nn.ModuleList()
        self.upsample = nn.ModuleList()
        n = len(ch)
        for i in reversed(range(n)):
            cin = (ch[i + 1] if i < n - 1 else ch[-1]) + ch[i]
            self.up.append(Level(cin, ch[i], u.time_dim, ctx, u.attention[i], u.heads, u.groups))
            if i > 0:
                self.upsample.append(nn.Conv2d(ch[i], ch[i], 3, padding=1))
        self.norm_out = nn.GroupNorm(_groups(ch[0], u.groups), ch[0])
        self.conv_out = nn.Conv2d(ch[0], cfg.latent_channels, 3, padding=1)
        self.residual_names = cfg.residual_names()

    def forward(self, sample, timestep, context, residuals: Optional[List[torch.Tensor]] = None):
        x, skips, temb = self.encoder(sample, timestep, context)
        if residuals is not None:
            skips = [s + r for s, r in zip(skips, residuals[:-1])]
            x = x + residuals[-1]
        for j, level in enumerate(self.up):
            x = level(torch.cat([x, skips[-1 - j]], 1), temb, context)
            if j < len(self.upsample):
                x = F.interpolate(x, scale_factor=2.0, mode="nearest")
                x = self.upsample[j](x)
        return self.conv_out(F.silu(self.norm_out(x)))


def zero_conv(ch: int) -> nn.Conv2d:
    conv = nn.Conv2d(ch, ch, 1)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


class Guider(nn.Module):
    """Trainable copy of the prior's encoder; sees the gray latent and hint maps; zero-initialized outputs."""

    def __init__(self, cfg: Config):
        super().__init__()
        ch = cfg.unet.channels
        self.encoder = Encoder(cfg)
        self.gray_in = nn.Conv2d(cfg.gray_latent_channels, ch[0], 3, padding=1)
        hc = max(8, ch[0] // 2)
        self.hint_in = nn.Sequential(
            nn.Conv2d(3, hc, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(hc, hc, 3, stride=2, padding=1), nn.SiLU(),
            nn.Conv2d(hc, ch[0], 3, padding=1),
        )
        nn.init.zeros_(self.hint_in[-1].weight)
        nn.init.zeros_(self.hint_in[-1].bias)
        # Semantic features (frozen encoder, already at the latent grid) enter where the gray latent does.
        self.semantic_in = nn.Sequential(
            nn.Conv2d(cfg.semantic_channels, ch[0], 1), nn.SiLU(), nn.Conv2d(ch[0], ch[0], 3, padding=1),
        ) if cfg.semantic_channels else None
        self.zero = nn.ModuleList([zero_conv(c) for c in ch] + [zero_conv(ch[-1])])

    def init_from_prior(self, prior: UNet) -> None:
        self.encoder.load_state_dict(prior.encoder.state_dict())

    def forward(self, sample, timestep, context, gray_latent, hint, semantic=None) -> List[torch.Tensor]:
        extra = self.gray_in(gray_latent) + self.hint_in(hint)
        if self.semantic_in is not None:
            extra = extra + self.semantic_in(semantic)
        x, skips, _ = self.encoder(sample, timestep, context, extra)
        return [z(s) for z, s in zip(self.zero, skips + [x])]


class GrayEncoder(nn.Module):
    """l at working size S -> gray latent [B, Cg, S/4, S/4]."""

    def __init__(self, cfg: Config):
        super().__init__()
        c1, c2 = cfg.gray_encoder_channels
        self.net = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1), ResBlock(c1, c1),
            nn.Conv2d(c1, c2, 3, stride=2, padding=1), ResBlock(c2, c2),
            nn.Conv2d(c2, c2, 3, stride=2, padding=1), ResBlock(c2, c2),
            nn.GroupNorm(_groups(c2), c2), nn.SiLU(),
            nn.Conv2d(c2, cfg.gray_latent_channels, 1),
        )

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        return self.net(l)


class ColorWizard(nn.Module):
    """All networks of a pack plus the latent scale (a buffer, saved with checkpoints)."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.vqvae = VQVAE(cfg)
        self.text = TextEncoder(cfg)
        self.prior = UNet(cfg)
        self.guider = Guider(cfg)
        self.gray = GrayEncoder(cfg)
        self.register_buffer("latent_scale", torch.tensor(1.0))

    def predict(self, sample, timestep, context, gray_latent=None, hint=None, use_guider=True, semantic=None):
        """Model output (v) of prior + guider; guider skipped when use_guider is False."""
        residuals = None
        if use_guider and gray_latent is not None:
            residuals = self.guider(sample, timestep, context, gray_latent, hint, semantic)
        return self.prior(sample, timestep, context, residuals)


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
