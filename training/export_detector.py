"""Add the object detector (prompt grounding) to an exported pack: detector.onnx, manifest.json, parity.json.

  /usr/bin/python3 training/export_detector.py --pack models/cw-semantic [--input-size 512]

The detector is the pretrained CenterNet of training/detector.py (weights from training/vendor/, see
training/fetch_pretrained.sh); nothing of the pack's trained networks is touched, so this runs on a pack
as exported, and export.py runs it itself for configs with a semantic encoder. It writes:
  - detector.onnx: `lightness` [B,1,S,S] -> `heatmap` [B,80,S/4,S/4], `boxes` [B,4,S/4,S/4] (opset 17);
  - manifest.json: the `detector` section (inputSize, stride, labels, origin) and components.detector;
  - parity.json: components.detector, the input a real photo's lightness (examples/nagasaki-boats.jpg,
    public domain) and the outputs at the heatmap's strongest cells plus seeded random ones ("indices":
    flat row-major positions; the whole heatmap would be 1.3 million numbers);
  - README.md: an "Object detector" section (replaced if present);
then re-hashes the files it changed and validates the pack.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from detector import COCO_LABELS, INPUT_SIZE, STRIDE, Detector  # noqa: E402
from semantic import ORIGIN as CENTERNET_ORIGIN  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARITY_PHOTO = os.path.join(REPO, "examples", "nagasaki-boats.jpg")
FILE = "detector.onnx"
# A 60-layer network: float32 rounding differs between PyTorch and ONNX Runtime kernels (as for the
# semantic encoder); box distances are tens of pixels, so rtol dominates there.
TOLERANCE = {"atol": 2e-3, "rtol": 2e-3}
PARITY_TOP, PARITY_RANDOM = 256, 768
CARD_HEADING = "## Object detector (prompt grounding)"


def parity_lightness(size: int) -> torch.Tensor:
    """The parity photo's l = L/50 - 1 at size x size (area-averaged), rounded to 4 decimals so the JSON stays small."""
    from PIL import Image
    from colors import srgb_to_lab
    rgb = np.asarray(Image.open(PARITY_PHOTO).convert("RGB"))
    L = torch.from_numpy(srgb_to_lab(rgb)[..., 0].copy())[None, None]
    small = torch.nn.functional.adaptive_avg_pool2d(L, (size, size))
    return torch.round((small / 50.0 - 1.0) * 1e4) / 1e4


def _picked(t: torch.Tensor, idx: np.ndarray) -> dict:
    flat = t.detach().reshape(-1)
    return {"dtype": "float32", "shape": list(t.shape), "indices": [int(i) for i in idx],
            "data": [float("%.9g" % float(flat[int(i)])) for i in idx]}


def detector_parity(det: Detector, l: torch.Tensor, seed: int = 0) -> dict:
    with torch.no_grad():
        heat, boxes = det(l)
    rng = np.random.RandomState(seed)
    top = torch.topk(heat.reshape(-1), PARITY_TOP).indices.numpy()
    heat_idx = np.unique(np.concatenate([top, rng.randint(0, heat.numel(), PARITY_RANDOM)]))
    cells = heat.shape[2] * heat.shape[3]
    top_cells = top % cells
    box_idx = np.unique(np.concatenate([c * cells + top_cells for c in range(4)] + [rng.randint(0, boxes.numel(), PARITY_RANDOM)]))
    from export import _tensor_json
    l_json = _tensor_json(l)
    l_json["data"] = [round(v, 4) for v in l_json["data"]]
    return {**TOLERANCE, "inputs": {"lightness": l_json},
            "outputs": {"heatmap": _picked(heat, heat_idx), "boxes": _picked(boxes, box_idx)}}


def _replace_section(text: str, heading: str, body: str) -> str:
    """Replaces the section under `heading` (up to the next level-2 heading), or adds it at the end."""
    section = f"{heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        return pattern.sub(lambda _m: section + "\n", text, count=1).rstrip() + "\n"
    return text.rstrip() + "\n\n" + section


def card_section(size: int, component: dict) -> str:
    return (f"{CENTERNET_ORIGIN}: the same network as the semantic encoder, up to its detection heads "
            f"(80-class heatmap and box distances, stride {STRIDE}), as `{FILE}` "
            f"({component['bytes'] / 2**20:.1f} MiB, {component['flops'] / 1e9:.1f} GFLOPs at {size}×{size}). "
            "The runtime runs it once per image when a prompt names a colour for an object (\"red car\"): "
            "it reads the gray photo squeezed to the square input, keeps the heatmap's 3×3 peaks (score ≥ 0.2, "
            "top 100, duplicates of one object merged), and grounding puts the phrase's colour on each box it "
            "found, spread along the photo's edges (src/detect, src/hints). Nothing of it was trained here.")


def add_detector(pack: str, input_size: int = INPUT_SIZE, card: bool = True) -> dict:
    """Exports the detector into the pack folder and updates manifest.json, parity.json and README.md."""
    from export import _check_onnx, _onnx_export, _spec, _write_json, compact_initializers
    from flops import component_flops
    from prepare import sha256_file
    if input_size % 32:
        raise ValueError(f"input size {input_size}: the detector needs a multiple of 32")
    det = Detector(input_size)
    g = input_size // STRIDE
    B = "batch"
    ins = [_spec("lightness", "float32", [B, 1, input_size, input_size])]
    outs = [_spec("heatmap", "float32", [B, len(COCO_LABELS), g, g]), _spec("boxes", "float32", [B, 4, g, g])]
    path = os.path.join(pack, FILE)
    l = parity_lightness(input_size)
    _onnx_export(det, (l,), path, ["lightness"], ["heatmap", "boxes"], {s["name"]: {0: B} for s in ins + outs})
    compact_initializers(path)  # CenterNet's weights are float16 values: stored as such (export.py)
    _check_onnx(path, ins, outs)
    with torch.no_grad():
        if det(l)[0].shape[1] != len(COCO_LABELS):
            raise RuntimeError("the detector's heatmap does not have one channel per COCO label")
    flops = component_flops({"detector": det}, {"detector": (torch.zeros(1, 1, input_size, input_size),)})["detector"]
    component = {"file": FILE, "sha256": sha256_file(path), "bytes": os.path.getsize(path),
                 "parameters": int(sum(b.numel() for b in det.net.buffers() if b.is_floating_point())),
                 "flops": int(flops), "inputs": ins, "outputs": outs}
    if component["bytes"] >= 16 * 1024 * 1024:
        raise RuntimeError(f"{FILE} is {component['bytes']} bytes; the contract allows < 16 MiB")

    with open(os.path.join(pack, "manifest.json")) as f:
        manifest = json.load(f)
    parity_path, parity = read_parity(pack, manifest)
    parity_name = manifest["parity"]
    parity["components"]["detector"] = detector_parity(det, l)
    note = "An output with 'indices' lists only those flat row-major positions of its shape ('data' in the same order)."
    if note not in parity.get("description", ""):
        parity["description"] = f"{parity.get('description', '')} {note}".strip()
    _write_json(parity_path, parity, indent=None)
    if card:
        readme = os.path.join(pack, "README.md")
        text = open(readme).read() if os.path.exists(readme) else f"# {manifest['name']}\n"
        with open(readme, "w") as f:
            f.write(_replace_section(text, CARD_HEADING, card_section(input_size, component)))

    manifest["detector"] = {"inputSize": input_size, "stride": STRIDE, "labels": list(COCO_LABELS), "origin": CENTERNET_ORIGIN}
    manifest["components"]["detector"] = component
    return write_manifest(pack, manifest, [parity_name] + (["README.md"] if card else []))


def read_parity(pack: str, manifest: dict) -> tuple:
    """(path, parity.json contents) of a pack; an empty parity file when it has none yet."""
    manifest["parity"] = manifest.get("parity") or "parity.json"
    path = os.path.join(pack, manifest["parity"])
    parity = {"formatVersion": 1, "components": {}}
    if os.path.exists(path):
        with open(path) as f:
            parity = json.load(f)
    return path, parity


def write_manifest(pack: str, manifest: dict, changed: list) -> dict:
    """Re-hashes the side files a step changed, validates and writes manifest.json, checks the pack's size."""
    from export import _write_json, validate_manifest
    from prepare import sha256_file
    for fname in changed:
        p = os.path.join(pack, fname)
        manifest["files"][fname] = {"sha256": sha256_file(p), "bytes": os.path.getsize(p)}
    validate_manifest(manifest)
    _write_json(os.path.join(pack, "manifest.json"), manifest)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _d, fs in os.walk(pack) for f in fs)
    if total >= 60 * 1024 * 1024:
        raise RuntimeError(f"pack is {total} bytes; the contract allows < 60 MiB")
    return manifest


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", required=True, help="an exported pack folder (manifest.json)")
    ap.add_argument("--input-size", type=int, default=INPUT_SIZE)
    ap.add_argument("--no-card", action="store_true", help="leave README.md as it is")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    manifest = add_detector(a.pack, a.input_size, card=not a.no_card)
    from export import validate_pack
    validate_pack(a.pack)
    c = manifest["components"]["detector"]
    print(json.dumps({"pack": a.pack, "detector": {"bytes": c["bytes"], "parameters": c["parameters"], "flops": c["flops"]}}))


if __name__ == "__main__":
    main()
