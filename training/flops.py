"""FLOPs of one call of each pack component at batch 1 and the working size, counted in PyTorch:
2 x multiply-adds of every Conv2d and Linear, plus the two attention products. The exporter writes them
into the manifest (components.*.flops) so benchmarks report achieved FLOP/s against a measured peak
instead of guessing from parameter counts.

  /usr/bin/python3 training/flops.py --ckpt CKPT --pack PACK_DIR   # add flops to an existing pack's manifest
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
from typing import Dict

import torch
import torch.nn as nn

import model as model_module


@contextlib.contextmanager
def _counting(root: nn.Module):
    total = [0]

    def conv_hook(m: nn.Conv2d, _inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        total[0] += 2 * out.numel() * k

    def linear_hook(m: nn.Linear, _inp, out):
        total[0] += 2 * out.numel() * m.in_features

    handles = []
    for m in root.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    original = model_module.attention

    def counted_attention(q, k, v, heads, bias=None):
        # QK^T and AV: 2 * B * N * M * D each.
        total[0] += 4 * q.shape[0] * q.shape[1] * k.shape[1] * q.shape[2]
        return original(q, k, v, heads, bias)

    model_module.attention = counted_attention
    import tfjs_graph
    import tfjs_layers
    original_conv = tfjs_graph.conv2d

    def counted_conv(x, w, *args):
        out = original_conv(x, w, *args)
        total[0] += 2 * out.numel() * w.shape[1] * w.shape[2] * w.shape[3]
        return out

    tfjs_graph.conv2d = tfjs_layers.conv2d = counted_conv
    try:
        yield total
    finally:
        model_module.attention = original
        tfjs_graph.conv2d = tfjs_layers.conv2d = original_conv
        for h in handles:
            h.remove()


@torch.no_grad()
def component_flops(modules: Dict[str, nn.Module], inputs: Dict[str, tuple]) -> Dict[str, int]:
    """modules and inputs keyed by component name; inputs are the call's positional args at batch 1."""
    out = {}
    for name, module in modules.items():
        with _counting(module) as total:
            module(*inputs[name])
        out[name] = int(total[0])
    return out


def batch1_inputs(cfg, residual_shapes) -> Dict[str, tuple]:
    S, C, Cg, h = cfg.working_size, cfg.latent_channels, cfg.gray_latent_channels, cfg.latent_size
    T, D = cfg.text.max_length, cfg.text.hidden
    ids = torch.zeros(1, T, dtype=torch.long)
    ids[0, 0] = 2
    mask = torch.zeros(1, T, dtype=torch.long)
    mask[0, :4] = 1
    x, t, ehs = torch.zeros(1, C, h, h), torch.tensor([500.0]), torch.zeros(1, T, D)
    d = {
        "textEncoder": (ids, mask),
        "grayEncoder": (torch.zeros(1, 1, S, S),),
        "guider": (x, t, ehs, torch.zeros(1, Cg, h, h), torch.zeros(1, 3, S, S)),
        "prior": (x, t, ehs, *[torch.zeros(1, *s) for s in residual_shapes]),
        "quantizer": (x,),
        # The decoder's cost grows with the output: counted at the working size.
        "decoder": (torch.zeros(1, C, S // 4, S // 4), torch.zeros(1, 1, S, S)),
        **({"semanticEncoder": (torch.zeros(1, 1, cfg.semantic_input_size, cfg.semantic_input_size),)}
           if cfg.semantic_channels else {}),
    }
    if cfg.semantic_channels:
        d["guider"] = d["guider"] + (torch.zeros(1, cfg.semantic_channels, h, h),)
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--pack", required=True)
    a = ap.parse_args()
    from checkpoint import load_for_export
    from export import export_modules
    model, _tok, _training, _name = load_for_export(a.ckpt)
    path = os.path.join(a.pack, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    res_shapes = [tuple(o["shape"][1:]) for o in manifest["components"]["guider"]["outputs"]]
    flops = component_flops(export_modules(model.eval().float()), batch1_inputs(model.cfg, res_shapes))
    for k, v in flops.items():
        manifest["components"][k]["flops"] = v
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(json.dumps(flops))


if __name__ == "__main__":
    main()
