"""Load self-describing checkpoints written by train.py (for export and evaluation)."""
from __future__ import annotations

import torch

from config import Config
from model import ColorWizard
from tokenizer import WordTokenizer


def load_model(path: str, ema: bool = True, device="cpu"):
    """(model with EMA weights, tokenizer, checkpoint dict)."""
    ck = torch.load(path, map_location="cpu")
    cfg = Config.from_dict(ck["config"])
    model = ColorWizard(cfg)
    model.load_state_dict(ck["ema"] if ema else ck["model"])
    tok = WordTokenizer(ck["tokenizer"], cfg.text.max_length)
    return model.to(device).eval(), tok, ck


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
