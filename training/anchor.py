"""The anchor: frozen pretrained encoders and a small head, from the gray photo to the colour latent where
sampling starts.

A regression head reading frozen features knows colours better than the few-step diffusion path does
(probe.py on eval-dev: InceptionV3 features through a 3-conv head, 11.70 ΔE00 at 0.45 colourfulness, against
the default guider's 12.0 at 0.36 with its noise off). The runtime starts a run from this latent noised to a
middle noise level (manifest `anchor.default`, src/schedulers/anchor-schedule.ts), so the sampler adds variety
and the prompt its say around a good guess instead of finding the colours from pure noise. The encoder is
its own (it need not be the guider's; several backbones side by side are one combined encoder,
semantic.combine_states); train_anchor.py trains the head on their cached features.
"""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from semantic import encoder_for_state, semantic_input, source_size


class AnchorHead(nn.Module):
    """features [B,C,g,g] -> scaled colour latent [B,latent_channels,g,g] (the diffusion's x0 space).

    context: the photo's mean feature vector, through its own 1x1 layer, is added to the first layer's output,
    so every cell knows the scene (two 3x3 layers see 5 x 5 cells: a patch of water cannot tell a lake
    from a street after rain; the whole photo can). dilation: the 3x3 layers after the first look that many
    cells apart (a wider view at the same cost: depth 3, dilation 2 sees 11 x 11)."""

    def __init__(self, channels: int, latent_channels: int, width: int = 64, depth: int = 2, context: bool = False,
                 dilation: int = 1):
        super().__init__()
        self.first = nn.Conv2d(channels, width, 3, padding=1)
        self.context = nn.Conv2d(channels, width, 1) if context else None
        layers = []
        for _ in range(depth - 1):
            layers += [nn.Conv2d(width, width, 3, padding=dilation, dilation=dilation), nn.SiLU()]
        self.net = nn.Sequential(*layers, nn.Conv2d(width, latent_channels, 1))
        self.shape = {"channels": channels, "latent_channels": latent_channels, "width": width, "depth": depth,
                      **({"context": True} if context else {}), **({"dilation": dilation} if dilation != 1 else {})}

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        h = self.first(features)
        if self.context is not None:
            h = h + self.context(features.mean((2, 3), keepdim=True))
        return self.net(F.silu(h))

    def load_state_dict(self, state, strict: bool = True):
        # Heads saved before `first` was its own layer named it net.0 and counted the rest from net.2.
        if "net.0.weight" in state and "first.weight" not in state:
            state = {("first." + k[6:] if k.startswith("net.0.") else
                      f"net.{int(k.split('.')[1]) - 2}.{k.split('.', 2)[2]}"): v for k, v in state.items()}
        return super().load_state_dict(state, strict)


class Anchor(nn.Module):
    """l = L/50 - 1 at the encoder's input size -> scaled colour latent: what anchor.onnx computes."""

    def __init__(self, encoder: nn.Module, head: AnchorHead, flip_average: bool = False):
        super().__init__()
        self.encoder, self.head = encoder, head
        self.input_size = encoder.input_size
        self.flip_average = flip_average

    def forward(self, l: torch.Tensor) -> torch.Tensor:
        if not self.flip_average:
            return self.head(self.encoder(l))
        # The mean of the guesses for the photo and its mirror image (mirrored back), in one batched call:
        # the head's strongest colours in a few cells change a lot with a flip (a red blob on a white sail,
        # 5.7 in one, 3.3 in the other), and averaging halves such one-sided guesses.
        both = self.head(self.encoder(torch.cat([l, l.flip(-1)])))
        n = l.shape[0]
        return 0.5 * (both[:n] + both[n:].flip(-1))

    @torch.no_grad()
    def latent(self, l_full: torch.Tensor) -> torch.Tensor:
        """From l at any size, fed as the runtime feeds it (through the source size, then to the input)."""
        return self(semantic_input(l_full, self.input_size, source_size(self.input_size)))


def anchor_from_state(state: dict, flip_average: bool = False) -> Anchor:
    """train_anchor.py's anchor.pt: the head's shape and weights and its encoder's semantic state. flip_average is
    an export choice (export_anchor.py --flip-average), not part of the trained state."""
    head = AnchorHead(**state["shape"])
    head.load_state_dict(state["weights"])
    return Anchor(encoder_for_state(state["semantic_state"]), head, flip_average).eval()


def attach_anchor(model, state: Optional[dict], flip_average: bool = False) -> Optional[Anchor]:
    """Keep the anchor beside the model (not a registered module: checkpoints of the model stay as they were)."""
    anchor = anchor_from_state(state, flip_average) if state is not None else None
    model.__dict__["anchor"] = anchor
    return anchor
