"""Checkpoints written by train.py: load them for export/eval, and slim them for the trip back from a device.

  /usr/bin/python3 training/checkpoint.py slim training/runs/base/ckpt.pt $OUT/weights

A full checkpoint (`ckpt.pt`: live + EMA weights, optimizer, RNG states) can be far larger than the 16 MiB
a device call may return per file, so `slim` keeps the EMA weights in float16 with everything that
describes them (config, tokenizer, steps, history, git SHA, data manifest hash), split into parts
`weights.0.pt`, `weights.1.pt`, … of <= 15 MiB. `load_model` reads full checkpoints and slim parts alike
(pass `…/weights.0.pt` or the prefix); `train.py --init-from` continues training from them.
"""
from __future__ import annotations

import glob
import inspect
import os
import subprocess
import sys
from typing import Optional

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import Config  # noqa: E402
from model import ColorWizard  # noqa: E402
from tokenizer import WordTokenizer  # noqa: E402

def torch_load(path: str) -> dict:
    """torch.load of our own files: they hold numpy RNG state and plain Python objects, which PyTorch >= 2.6
    refuses by default (weights_only=True)."""
    kw = {"map_location": "cpu"}
    if "weights_only" in inspect.signature(torch.load).parameters:
        kw["weights_only"] = False
    return torch.load(path, **kw)


def git_sha() -> Optional[str]:
    """Commit of the code that trains, recorded in each checkpoint (None outside a git checkout)."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        return subprocess.check_output(["git", "-C", repo, "rev-parse", "HEAD"], stderr=subprocess.DEVNULL,
                                       text=True).strip()
    except Exception:
        return None


META_KEYS = ("config", "stage", "steps", "seconds", "history", "tokenizer", "git_sha", "data_manifest_sha256",
             "data_sources", "torch", "saved", "semantic_state")


def read_checkpoint(path: str) -> dict:
    """A full checkpoint, or slim parts merged into {'format', meta…, 'ema': state dict}."""
    if os.path.isfile(path) and not path.endswith(".0.pt"):
        return torch_load(path)
    prefix = path[:-5] if path.endswith(".0.pt") else path
    parts = sorted(glob.glob(prefix + ".*.pt"), key=lambda p: int(p.rsplit(".", 2)[-2]))
    if not parts:
        raise FileNotFoundError(f"no checkpoint at {path}")
    ck = torch_load(parts[0])
    ema = dict(ck.pop("tensors"))
    for p in parts[1:]:
        ema.update(torch_load(p)["tensors"])
    if len(parts) != ck["parts"]:
        raise RuntimeError(f"{prefix}: found {len(parts)} parts, expected {ck['parts']}")
    ck["ema"] = {k: v.float() for k, v in ema.items()}
    return ck


def slim(ckpt_path: str, prefix: str, max_bytes: int = 15 * 1024 * 1024) -> list:
    ck = torch_load(ckpt_path)
    tensors = {k: (v.half() if v.is_floating_point() and k != "latent_scale" else v) for k, v in ck["ema"].items()}
    groups, cur, size = [], {}, 0
    for k, v in tensors.items():
        n = v.numel() * v.element_size()
        if cur and size + n > max_bytes - 256 * 1024:
            groups.append(cur)
            cur, size = {}, 0
        cur[k] = v
        size += n
    groups.append(cur)
    for old in glob.glob(prefix + ".*.pt"):
        os.remove(old)
    paths = []
    for i, g in enumerate(groups):
        obj = {"tensors": g}
        if i == 0:
            obj.update({k: ck[k] for k in META_KEYS if k in ck})
            if ck.get("semantic_state"):  # compact copies: a state saved as a view carries its whole storage
                obj["semantic_state"] = {k: (v.clone() if torch.is_tensor(v) else v) for k, v in ck["semantic_state"].items()}
            obj.update({"format": "color-wizard-weights/1", "parts": len(groups)})
        p = f"{prefix}.{i}.pt"
        torch.save(obj, p)
        if os.path.getsize(p) > max_bytes:
            raise RuntimeError(f"{p} is {os.path.getsize(p)} bytes (> {max_bytes})")
        paths.append(p)
    return paths


def load_model(path: str, ema: bool = True, device="cpu"):
    """(model with EMA weights, tokenizer, checkpoint dict)."""
    ck = read_checkpoint(path)
    cfg = Config.from_dict(ck["config"])
    model = ColorWizard(cfg)
    model.load_state_dict(ck["ema"] if ema or "model" not in ck else ck["model"])
    tok = WordTokenizer(ck["tokenizer"], cfg.text.max_length)
    model = model.to(device).eval()
    from semantic import attach_semantic
    attach_semantic(model, ck.get("semantic_state"))
    return model, tok, ck


def load_for_export(path: str):
    model, tok, ck = load_model(path)
    steps = ck["steps"]
    seconds = ck["seconds"]
    recipe = "; ".join(
        f"{h['stage']}: {h['steps']} steps total after a {h['seconds']:.0f}s session on {h['device']} "
        f"({h['images_per_s']} images/s)" for h in ck.get("history", []))
    training = {
        "data": ck["data_sources"],
        "recipe": f"config {model.cfg.name}; stages vqvae -> prior -> guider; EMA weights; " + recipe
                  + f"; data manifest sha256 {ck['data_manifest_sha256']}",
        "steps": int(sum(steps.values())),
        "seconds": float(round(sum(seconds.values()), 1)),
        "randomWeights": False,
    }
    if ck.get("git_sha"):
        training["gitSha"] = ck["git_sha"]
    return model, tok, training, f"cw-{model.cfg.name}-{model.cfg.working_size}"


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "slim":
        sys.exit("usage: checkpoint.py slim CKPT OUT_PREFIX")
    for p in slim(sys.argv[2], sys.argv[3]):
        print(p, os.path.getsize(p))
