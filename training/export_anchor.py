"""Add the anchor (anchor.py: a frozen encoder and the head train_anchor.py trained) to an exported pack.

  /usr/bin/python3 training/export_anchor.py --pack models/cw-semantic --anchor training/runs/anchor/anchor.pt \
      [--default 0.5]

Nothing else of the pack changes, so it runs on a pack as exported. It writes:
  - anchor.onnx: `lightness` [B,1,S,S] (l = L/50 - 1 at the encoder's input) -> `latent` [B,latent channels,g,g],
    the pretrained encoder's float16 weights stored as such;
  - manifest.json: the `anchor` section (`default`: the anchor of a run that gives none and has no text prompt;
    `temperature`: an anchored run's default noise temperature; inputSize, sourceSize, the encoder's origin)
    and components.anchor;
  - parity.json: components.anchor, its input a real photo's lightness (examples/nagasaki-boats.jpg);
then re-hashes the files it changed and validates the pack. The model card's numbers are the caller's to
write (eval --run with the pack).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from typing import Optional

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from anchor import anchor_from_state  # noqa: E402
from checkpoint import torch_load  # noqa: E402
from export_detector import parity_lightness, read_parity, write_manifest  # noqa: E402
from semantic import backbone_origin, source_size  # noqa: E402

FILE = "anchor.onnx"
# A deep pretrained encoder in front: float32 rounding differs between PyTorch and ONNX Runtime kernels.
TOLERANCE = {"atol": 2e-3, "rtol": 2e-3}


def add_anchor(pack: str, state: dict, default: float, temperature: Optional[float] = None,
               flip_average: bool = False) -> dict:
    from export import LightnessExport, _check_onnx, _onnx_export, _spec, _tensor_json, _write_json, compact_initializers
    from flops import component_flops
    from prepare import sha256_file
    with open(os.path.join(pack, "manifest.json")) as f:
        manifest = json.load(f)
    anchor = anchor_from_state(state, flip_average)
    S = anchor.input_size
    C, g = manifest["latent"]["channels"], manifest["workingSize"] // manifest["latent"]["downsample"]
    if anchor.head.shape["latent_channels"] != C or S // 16 != g:
        raise ValueError(f"the anchor gives {anchor.head.shape['latent_channels']} channels at {S // 16}x{S // 16}; "
                         f"the pack's latent is {C} channels at {g}x{g}")
    module = LightnessExport(anchor).eval()
    B = "batch"
    ins, outs = [_spec("lightness", "float32", [B, 1, S, S])], [_spec("latent", "float32", [B, C, g, g])]
    l = parity_lightness(S)
    path = os.path.join(pack, FILE)
    _onnx_export(module, (l,), path, ["lightness"], ["latent"], {s["name"]: {0: B} for s in ins + outs})
    compact_initializers(path)  # the pretrained encoders' weights: stored as the few values they are
    _check_onnx(path, ins, outs)
    flops = component_flops({"anchor": module}, {"anchor": (torch.zeros(1, 1, S, S),)})["anchor"]
    component = {"file": FILE, "sha256": sha256_file(path), "bytes": os.path.getsize(path),
                 "parameters": int(sum(p.numel() for p in anchor.head.parameters()) + anchor.encoder.frozen_weights()),
                 "flops": int(flops), "inputs": ins, "outputs": outs}
    if component["bytes"] >= 16 * 1024 * 1024:
        raise RuntimeError(f"{FILE} is {component['bytes']} bytes; the contract allows < 16 MiB")
    manifest["anchor"] = {"default": default, **({} if temperature is None else {"temperature": temperature}),
                          "inputSize": S, "sourceSize": source_size(S), "origin": backbone_origin(anchor.encoder.backbone)}
    manifest["components"]["anchor"] = component
    parity_path, parity = read_parity(pack, manifest)
    with torch.no_grad():
        parity["components"]["anchor"] = {**TOLERANCE, "inputs": {"lightness": _tensor_json(l)},
                                          "outputs": {"latent": _tensor_json(module(l))}}
    _write_json(parity_path, parity, indent=None)
    return write_manifest(pack, manifest, [manifest["parity"]])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", required=True, help="an exported pack folder with a semantic encoder")
    ap.add_argument("--anchor", required=True, help="train_anchor.py's anchor.pt")
    ap.add_argument("--default", type=float, default=0.5,
                    help="the anchor of a run that gives none and has no text prompt (0 = pure noise)")
    ap.add_argument("--temperature", type=float, help="the temperature of an anchored run that gives none "
                                                          "(default: the pack's scheduler.defaultTemperature)")
    ap.add_argument("--flip-average", action="store_true",
                    help="the graph averages the guesses for the photo and its mirror image (twice the encoder's cost)")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    manifest = add_anchor(a.pack, torch_load(a.anchor), a.default, a.temperature, a.flip_average)
    from export import validate_pack
    validate_pack(a.pack)
    c = manifest["components"]["anchor"]
    print(json.dumps({"pack": a.pack, "anchor": {"bytes": c["bytes"], "parameters": c["parameters"], "flops": c["flops"]},
                      "default": manifest["anchor"]["default"]}))


if __name__ == "__main__":
    main()
