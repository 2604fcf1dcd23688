"""Export a Color Wizard model pack (docs/model-pack.md) from a checkpoint or from random weights.

  python3 training/export.py --ckpt training/runs/interim/guider.pt --out models/cw-interim
  python3 training/export.py --random --config tiny --out test/fixtures/tiny-pack

Writes the six ONNX files (opset 17), tokenizer.json (+ tokenizer_config.json), scheduler_config.json,
parity.json (fixed inputs and PyTorch outputs per component, with tolerances, plus tokenizer cases),
README.md and manifest.json, then validates the manifest against schema/model-pack.schema.json.
Configs with a semantic encoder also get its pretrained network's object detector (export_detector.py).
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from typing import Dict, List, Optional

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import Config, get_config  # noqa: E402
from diffusion import scheduler_config  # noqa: E402
from model import AB_SCALE, ColorWizard, count_params  # noqa: E402
from tokenizer import WordTokenizer  # noqa: E402
from flops import batch1_inputs, component_flops  # noqa: E402
from prepare import sha256_file  # noqa: E402
from semantic import HALF_MIN_ELEMS, attach_semantic, backbone_origin, source_size  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(REPO, "schema", "model-pack.schema.json")
OPSET = 17

PARITY_PROMPTS = ["", "a red car", "Green trees under a gray sky", "a photo of a MOUNTAIN, at dawn!",
                  "zebra xylophone unknownword", "Crème brûlée in a CAFÉ", "one two three four five six seven eight nine ten eleven twelve "
                  "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"]

# |onnx - torch| <= atol + rtol * |torch|, per component (decoder ab is in Lab units).
TOLERANCES = {
    "textEncoder": {"atol": 1e-4, "rtol": 1e-3},
    "grayEncoder": {"atol": 1e-4, "rtol": 1e-3},
    "guider": {"atol": 1e-4, "rtol": 1e-3},
    "prior": {"atol": 1e-4, "rtol": 1e-3},
    "quantizer": {"atol": 1e-5, "rtol": 1e-5},
    "decoder": {"atol": 5e-3, "rtol": 1e-3},
    # A 60-layer detector: float32 rounding differs between PyTorch and ONNX Runtime kernels.
    "semanticEncoder": {"atol": 2e-3, "rtol": 2e-3},
}


# ---------------------------------------------------------------------------------------------
# Export wrappers: exact contract names, normalization applied at the boundary
# ---------------------------------------------------------------------------------------------

class TextEncoderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids, attention_mask)


class LightnessExport(nn.Module):
    """Components that read only l (gray encoder, semantic encoder): the contract's input name."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, lightness):
        return self.m(lightness)


class GuiderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, sample, timestep, encoder_hidden_states, gray_latent, hint, semantic=None):
        return tuple(self.m(sample, timestep, encoder_hidden_states, gray_latent, hint, semantic))



class PriorExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, sample, timestep, encoder_hidden_states, *residuals):
        return self.m(sample, timestep, encoder_hidden_states, list(residuals))


class QuantizerExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, latent):
        return self.m.quantize(latent)


class DecoderExport(nn.Module):
    """Decoder output in Lab units (x110), as the contract says."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, latent, lightness):
        return self.m(latent, lightness) * AB_SCALE


def _onnx_export(module, args, path, input_names, output_names, dynamic_axes):
    kw = dict(input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes,
              opset_version=OPSET, do_constant_folding=True, export_params=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False  # the TorchScript exporter: plain ops, same graph on torch 1.13 and 2.x
    with torch.no_grad():
        torch.onnx.export(module, args, path, **kw)


def _tensor_json(t: torch.Tensor) -> dict:
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.int64:
        data = [int(x) for x in t.reshape(-1).tolist()]
        dtype = "int64"
    else:
        data = [float("%.9g" % x) for x in t.float().reshape(-1).tolist()]
        dtype = "float32"
    return {"dtype": dtype, "shape": list(t.shape), "data": data}


def _spec(name, dtype, shape):
    return {"name": name, "dtype": dtype, "shape": list(shape)}


# ---------------------------------------------------------------------------------------------
# Pack writer
# ---------------------------------------------------------------------------------------------

def export_modules(model: ColorWizard) -> Dict[str, nn.Module]:
    """The exported components (six, plus the semantic encoder where the config has one), by manifest name."""
    enc = model.__dict__.get("semantic_encoder")
    extra = {"semanticEncoder": LightnessExport(enc).eval()} if enc is not None else {}
    return {**extra, 
        "textEncoder": TextEncoderExport(model.text).eval(),
        "grayEncoder": LightnessExport(model.gray).eval(),
        "guider": GuiderExport(model.guider).eval(),
        "prior": PriorExport(model.prior).eval(),
        "quantizer": QuantizerExport(model.vqvae.quantizer).eval(),
        "decoder": DecoderExport(model.vqvae.decoder).eval(),
    }


def export_pack(model: ColorWizard, tok: WordTokenizer, out: str, *, name: str, description: str,
                training: dict, metrics: Optional[dict] = None, card: str = "", seed: int = 0,
                scheduler_default: str = "dpmpp-2m", detector: Optional[bool] = None) -> dict:
    """detector: add the object detector (export_detector.py); by default when the config has a semantic
    encoder, whose pretrained network it shares."""
    cfg: Config = model.cfg
    model = model.eval().float().cpu()
    os.makedirs(out, exist_ok=True)
    S, C, Cg, h = cfg.working_size, cfg.latent_channels, cfg.gray_latent_channels, cfg.latent_size
    T, D = cfg.text.max_length, cfg.text.hidden
    res_names = cfg.residual_names()
    g = torch.Generator().manual_seed(seed)

    # ---- fixed parity inputs (batch 2) -------------------------------------------------------
    prompts = PARITY_PROMPTS
    ids, mask = tok.encode_batch(prompts[:2] + prompts[2:3])
    ids, mask = ids[[0, 2]], mask[[0, 2]]  # empty prompt and a real one
    l_small = torch.rand(2, 1, S, S, generator=g) * 2 - 1
    sample = torch.randn(2, C, h, h, generator=g)
    timestep = torch.tensor([999.0, 321.5])
    gray_latent = torch.randn(2, Cg, h, h, generator=g)
    hint = torch.zeros(2, 3, S, S)
    for b, (y, x, a, bb) in enumerate([(3, 5, 0.4, -0.2), (S - 4, S // 2, -0.3, 0.5)]):
        hint[b, 0, y, x], hint[b, 1, y, x], hint[b, 2, y, x] = a, bb, 1.0
    codebook = model.vqvae.quantizer.embed
    pick = torch.randint(0, codebook.shape[0], (2, h, h), generator=g)
    q_in = codebook[pick].permute(0, 3, 1, 2) + 0.01 * torch.randn(2, C, h, h, generator=g)
    dec_latent = torch.randn(2, C, 4, 6, generator=g)
    dec_l = torch.rand(2, 1, 16, 24, generator=g) * 2 - 1
    Cs, Si = cfg.semantic_channels, cfg.semantic_input_size
    semantic = torch.randn(2, Cs, h, h, generator=g) if Cs else None
    if Cs:  # a smooth gray photo-like pattern: the detector's features of noise are not representative
        yy, xx = torch.meshgrid(torch.linspace(-1, 1, Si), torch.linspace(-1, 1, Si), indexing="ij")
        sem_l = torch.stack([torch.sin(3 * xx) * torch.cos(2 * yy), torch.tanh(4 * (xx * xx + yy - 0.3))])[:, None]

    modules = export_modules(model)
    text, gray, guider = modules["textEncoder"], modules["grayEncoder"], modules["guider"]
    prior, quant, dec = modules["prior"], modules["quantizer"], modules["decoder"]

    with torch.no_grad():
        ehs = text(ids, mask)
        residuals = guider(sample, timestep, ehs, gray_latent, hint, semantic)
        # Prior parity uses random residuals so that their addition is exercised even when the
        # guider's zero convolutions are still zero.
        res_in = tuple(torch.randn(r.shape, generator=g) * 0.1 for r in residuals)
        outputs = {
            "textEncoder": {"last_hidden_state": ehs},
            "grayEncoder": {"gray_latent": gray(l_small)},
            "guider": dict(zip(res_names, residuals)),
            "prior": {"model_output": prior(sample, timestep, ehs, *res_in)},
            "quantizer": {"quantized": quant(q_in)},
            "decoder": {"ab": dec(dec_latent, dec_l)},
        }
        if Cs:
            outputs["semanticEncoder"] = {"semantic": modules["semanticEncoder"](sem_l)}
    inputs = {
        "textEncoder": {"input_ids": ids, "attention_mask": mask},
        "grayEncoder": {"lightness": l_small},
        "guider": {"sample": sample, "timestep": timestep, "encoder_hidden_states": ehs,
                   "gray_latent": gray_latent, "hint": hint},
        "prior": dict({"sample": sample, "timestep": timestep, "encoder_hidden_states": ehs},
                      **dict(zip(res_names, res_in))),
        "quantizer": {"latent": q_in},
        "decoder": {"latent": dec_latent, "lightness": dec_l},
    }
    if Cs:
        inputs["guider"]["semantic"] = semantic
        inputs["semanticEncoder"] = {"lightness": sem_l}

    # ---- ONNX export ---------------------------------------------------------------------------
    B = "batch"
    res_shapes = [tuple(r.shape[1:]) for r in residuals]
    specs = {
        "textEncoder": ("text_encoder.onnx", text,
                        [_spec("input_ids", "int64", [B, T]), _spec("attention_mask", "int64", [B, T])],
                        [_spec("last_hidden_state", "float32", [B, T, D])], {}),
        "grayEncoder": ("gray_encoder.onnx", gray, [_spec("lightness", "float32", [B, 1, S, S])],
                        [_spec("gray_latent", "float32", [B, Cg, h, h])], {}),
        "guider": ("guider.onnx", guider,
                   [_spec("sample", "float32", [B, C, h, h]), _spec("timestep", "float32", [B]),
                    _spec("encoder_hidden_states", "float32", [B, T, D]),
                    _spec("gray_latent", "float32", [B, Cg, h, h]), _spec("hint", "float32", [B, 3, S, S])]
                   + ([_spec("semantic", "float32", [B, Cs, h, h])] if Cs else []),
                   [_spec(n, "float32", [B, *s]) for n, s in zip(res_names, res_shapes)], {}),
        "prior": ("prior.onnx", prior,
                  [_spec("sample", "float32", [B, C, h, h]), _spec("timestep", "float32", [B]),
                   _spec("encoder_hidden_states", "float32", [B, T, D])]
                  + [_spec(n, "float32", [B, *s]) for n, s in zip(res_names, res_shapes)],
                  [_spec("model_output", "float32", [B, C, h, h])], {}),
        "quantizer": ("quantizer.onnx", quant, [_spec("latent", "float32", [B, C, h, h])],
                      [_spec("quantized", "float32", [B, C, h, h])], {}),
        "decoder": ("decoder.onnx", dec,
                    [_spec("latent", "float32", [B, C, "latent_height", "latent_width"]),
                     _spec("lightness", "float32", [B, 1, "height", "width"])],
                    [_spec("ab", "float32", [B, 2, "height", "width"])],
                    {"latent": {2: "latent_height", 3: "latent_width"}, "lightness": {2: "height", 3: "width"},
                     "ab": {2: "height", 3: "width"}}),
    }
    if Cs:
        specs["semanticEncoder"] = ("semantic_encoder.onnx", modules["semanticEncoder"],
                                    [_spec("lightness", "float32", [B, 1, Si, Si])],
                                    [_spec("semantic", "float32", [B, Cs, h, h])], {})
    param_modules = {"textEncoder": model.text, "grayEncoder": model.gray, "guider": model.guider,
                     "prior": model.prior, "quantizer": model.vqvae.quantizer, "decoder": model.vqvae.decoder}
    if Cs:
        param_modules["semanticEncoder"] = modules["semanticEncoder"].m
    flops = component_flops(modules, batch1_inputs(cfg, res_shapes))
    components = {}
    for key, (fname, module, ins, outs, extra_axes) in specs.items():
        path = os.path.join(out, fname)
        axes = {s["name"]: {0: B} for s in ins + outs}
        for k, v in extra_axes.items():
            axes[k].update(v)
        args = tuple(inputs[key][s["name"]] for s in ins)
        _onnx_export(module, args, path, [s["name"] for s in ins], [s["name"] for s in outs], axes)
        if key == "semanticEncoder":  # frozen pretrained weights: stored as the few values they are
            compact_initializers(path)
        _check_onnx(path, ins, outs)
        nparams = count_params(param_modules[key])
        if key == "quantizer":
            nparams = int(model.vqvae.quantizer.embed.numel())
        if key == "semanticEncoder":  # frozen: its weights are buffers (the PCA's statistics not counted)
            nparams = param_modules[key].frozen_weights()
        components[key] = {"file": fname, "sha256": sha256_file(path), "bytes": os.path.getsize(path),
                           "parameters": int(nparams), "flops": flops[key], "inputs": ins, "outputs": outs}
        if components[key]["bytes"] >= 16 * 1024 * 1024:
            raise RuntimeError(f"{fname} is {components[key]['bytes']} bytes; the contract allows < 16 MiB")

    # ---- side files ------------------------------------------------------------------------------
    tok.save(os.path.join(out, "tokenizer.json"))
    _write_json(os.path.join(out, "tokenizer_config.json"), tok.tokenizer_config())
    _write_json(os.path.join(out, "scheduler_config.json"), scheduler_config(cfg.num_train_timesteps))
    parity = {
        "formatVersion": 1,
        "description": "Fixed inputs and PyTorch outputs per component (float32 row-major 'data'). Check "
                       "|onnx - torch| <= atol + rtol * |torch| elementwise. The quantizer's inputs are "
                       "codebook vectors plus small noise so that nearest-code ties cannot occur. Tokenizer "
                       "cases: ids/mask the Python tokenizer produces (BOS + words, truncated, padded).",
        "components": {k: {**TOLERANCES[k], "inputs": {n: _tensor_json(t) for n, t in inputs[k].items()},
                           "outputs": {n: _tensor_json(t) for n, t in outputs[k].items()}} for k in specs},
        "tokenizer": [{"text": p, "input_ids": tok.encode(p)[0], "attention_mask": tok.encode(p)[1]}
                      for p in prompts],
    }
    _write_json(os.path.join(out, "parity.json"), parity, indent=None)
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(card or f"# {name}\n\n{description}\n")

    files = {}
    for fname in ["tokenizer.json", "tokenizer_config.json", "scheduler_config.json", "parity.json", "README.md"]:
        p = os.path.join(out, fname)
        files[fname] = {"sha256": sha256_file(p), "bytes": os.path.getsize(p)}

    manifest = {
        "formatVersion": 1,
        "name": name,
        "family": "color-wizard-piggyback",
        "description": description,
        "workingSize": S,
        "latent": {"channels": C, "downsample": cfg.downsample, "scale": float(model.latent_scale)},
        "grayLatentChannels": Cg,
        "text": {"maxLength": T, "hiddenSize": D, "tokenizer": "tokenizer.json"},
        "scheduler": {"config": "scheduler_config.json", "default": scheduler_default,
                      "defaultSteps": cfg.default_steps,
                      **({} if cfg.default_temperature == 1.0 else {"defaultTemperature": cfg.default_temperature})},
        "guidance": {"defaultScale": cfg.guidance_scale},
        "conditioning": {"text": True, "hints": True},
        "guider": {"residuals": res_names},
        "decoder": {"multipleOf": 4, "tileSize": 512, "tileOverlap": decoder_tile_overlap(model)},
        **({"semantic": {"inputSize": Si, "sourceSize": source_size(Si), "channels": Cs,
                         "origin": backbone_origin(model.__dict__["semantic_encoder"].backbone)}} if Cs else {}),
        "components": components,
        "files": files,
        "training": training,
        "parity": "parity.json",
    }
    if metrics:
        manifest["metrics"] = metrics
    validate_manifest(manifest)
    _write_json(os.path.join(out, "manifest.json"), manifest)
    if detector if detector is not None else bool(Cs):
        from export_detector import add_detector
        manifest = add_detector(out)
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    if total >= 60 * 1024 * 1024:
        raise RuntimeError(f"pack is {total} bytes; the contract allows < 60 MiB")
    return manifest


@torch.no_grad()
def decoder_tile_overlap(model: ColorWizard, size: int = 256) -> int:
    """Context (px) each decoder tile needs so tiled decoding equals whole-image decoding: the decoder's
    receptive-field radius, measured by perturbing one L pixel and one latent cell, rounded up to 4 plus a margin."""
    dec = model.vqvae.decoder.float().eval()
    C = model.cfg.latent_channels
    lat = torch.randn(1, C, size // 4, size // 4, generator=torch.Generator().manual_seed(0))
    l = torch.rand(1, 1, size, size, generator=torch.Generator().manual_seed(1)) * 2 - 1
    base = dec(lat, l)
    radius = 0
    c = size // 2
    for which in ("l", "lat"):
        l2, lat2 = l.clone(), lat.clone()
        if which == "l":
            l2[..., c, c] += 0.5
        else:
            lat2[..., c // 4, c // 4] += 0.5
        diff = (dec(lat2, l2) - base).abs().amax(dim=(0, 1))
        ys, xs = torch.nonzero(diff > 1e-6, as_tuple=True)
        if len(ys):
            radius = max(radius, int((ys - c).abs().max()), int((xs - c).abs().max()))
    return int(-(-(radius + 4) // 4) * 4)


def _write_json(path, obj, indent=1):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False)
        f.write("\n")


def compact_initializers(path: str, min_elems: int = HALF_MIN_ELEMS) -> dict:
    """Store the large float32 weights of an ONNX file in fewer bytes where that loses nothing, so the file still
    computes exactly what PyTorch does:
      - at most 256 distinct values (nsfwjs' InceptionV3 ships uint8-quantized weights, which semantic.py rounds
        to float16): a uint8 index per weight and a 256-entry float32 table, read back by Gather — a quarter of
        the bytes;
      - float16 values (CenterNet's weights, as the tfjs files ship them): float16 behind a Cast — half.
    ONNX Runtime folds both back to float32 constants when it opens the file. Returns how many of each."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper
    m = onnx.load(path)
    g = m.graph
    nodes, kept, count = [], [], {"uint8": 0, "float16": 0}
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype != np.float32 or arr.size < min_elems:
            kept.append(init)
            continue
        values, index = np.unique(arr, return_inverse=True)
        if len(values) <= 256:
            table = np.zeros(256, np.float32)
            table[:len(values)] = values
            kept += [numpy_helper.from_array(index.reshape(arr.shape).astype(np.uint8), init.name + "__u8"),
                     numpy_helper.from_array(table, init.name + "__table")]
            nodes += [helper.make_node("Cast", [init.name + "__u8"], [init.name + "__i32"], to=onnx.TensorProto.INT32,
                                       name=init.name + "__cast"),
                      helper.make_node("Gather", [init.name + "__table", init.name + "__i32"], [init.name], axis=0,
                                       name=init.name + "__gather")]
            count["uint8"] += 1
            continue
        half = arr.astype(np.float16)
        if not np.array_equal(half.astype(np.float32), arr):  # e.g. the PCA basis: kept exact
            kept.append(init)
            continue
        kept.append(numpy_helper.from_array(half, init.name + "__f16"))
        nodes.append(helper.make_node("Cast", [init.name + "__f16"], [init.name], to=onnx.TensorProto.FLOAT,
                                      name=init.name + "__cast"))
        count["float16"] += 1
    del g.initializer[:]
    g.initializer.extend(kept)
    nodes += list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.save(m, path)
    return count


def _check_onnx(path: str, ins: List[dict], outs: List[dict]) -> None:
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    got_in = [i.name for i in m.graph.input]
    got_out = [o.name for o in m.graph.output]
    want_in, want_out = [s["name"] for s in ins], [s["name"] for s in outs]
    if got_in != want_in or got_out != want_out:
        raise RuntimeError(f"{path}: inputs {got_in} outputs {got_out}; expected {want_in} {want_out}")
    if m.opset_import[0].version != OPSET:
        raise RuntimeError(f"{path}: opset {m.opset_import[0].version}, expected {OPSET}")


def validate_manifest(manifest: dict) -> None:
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.validate(manifest, schema)


def validate_pack(folder: str) -> dict:
    """Validate manifest.json against the schema and check every listed file's sha256 and size."""
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    validate_manifest(manifest)
    listed = {c["file"]: c for c in manifest["components"].values()}
    listed.update(manifest["files"])
    for fname, entry in listed.items():
        p = os.path.join(folder, fname)
        if sha256_file(p) != entry["sha256"] or os.path.getsize(p) != entry["bytes"]:
            raise RuntimeError(f"{p}: sha256/bytes differ from manifest.json")
    return manifest


# ---------------------------------------------------------------------------------------------
# Random-weight packs (tests) and checkpoint packs
# ---------------------------------------------------------------------------------------------

def random_model(cfg: Config, seed: int = 0) -> ColorWizard:
    """Random weights; the zero-initialized convolutions get small random values so parity covers them."""
    torch.manual_seed(seed)
    model = ColorWizard(cfg)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.Conv2d) and float(mod.weight.abs().sum()) == 0.0:
                mod.weight.normal_(0, 0.05)
                mod.bias.normal_(0, 0.05)
    # The semantic encoder is the real (pretrained, frozen) detector with an identity projection.
    attach_semantic(model, None)
    return model.eval()


def demo_tokenizer(max_length: int) -> WordTokenizer:
    """Small fixed vocabulary for random-weight packs: the color lexicon plus common caption words."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "color_lexicon.json")) as f:
        lex = json.load(f)
    color_words = [c["name"] for c in lex["colors"]] + [a for c in lex["colors"] for a in c["aliases"]]
    common = ("a an the of in on under above with and photo car sky trees tree mountain sea street dog cat "
              "woman man dress flower flowers grass field water building , . ! at dawn").split()
    return WordTokenizer.build([], max_length, extra_words=common + color_words + lex["modifiers"], min_count=1)


RANDOM_CARD = """# {name}: random weights, for tests only

This pack has **random, untrained weights** (seed {seed}, config `{config}`). It is not a colorizer: its
output is meaningless. It exists so the TypeScript runtime's tests can load a complete pack, check the
tensor contract (docs/model-pack.md) and compare ONNX Runtime with the PyTorch outputs in `parity.json`.

Made by `/usr/bin/python3 training/export.py --random --config {config} --out {out}`.
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--random", action="store_true", help="random weights (test packs)")
    ap.add_argument("--config", default="tiny")
    ap.add_argument("--ckpt", help="checkpoint from train.py (uses its EMA weights)")
    ap.add_argument("--name")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--metrics", help="metrics JSON from eval.py to put in the manifest")
    ap.add_argument("--card", help="README.md model card to include")
    ap.add_argument("--scheduler", default="ddim", help="the pack's default scheduler (a name the runtime knows)")
    ap.add_argument("--default-steps", type=int, default=0, help="the pack's default steps (default: the config's)")
    ap.add_argument("--temperature", type=float,
                    help="the pack's default noise temperature, 0-2 (default: the config's, 1 = sampling as trained)")
    ap.add_argument("--no-detector", action="store_true",
                    help="leave out the object detector (added by default for configs with a semantic encoder)")
    args = ap.parse_args(argv)
    torch.set_num_threads(min(2, torch.get_num_threads()))

    if args.random:
        cfg = get_config(args.config)
        tok = demo_tokenizer(cfg.text.max_length)
        cfg = cfg.replace(text=type(cfg.text)(**{**cfg.text.__dict__, "vocab_size": tok.size}))
        model = random_model(cfg, args.seed)
        name = args.name or f"cw-{cfg.name}-random"
        manifest = export_pack(
            model, tok, args.out, name=name, seed=args.seed,
            description=f"Random-weight {cfg.name} pack for tests only; not a colorizer.",
            training={"data": [], "recipe": f"random initialization, torch.manual_seed({args.seed}), config "
                                            f"{cfg.name}; no training", "steps": 0, "seconds": 0,
                      "randomWeights": True},
            card=RANDOM_CARD.format(name=name, seed=args.seed, config=cfg.name, out=args.out))
    else:
        if not args.ckpt:
            ap.error("--ckpt or --random is required")
        from checkpoint import load_for_export
        model, tok, training, name = load_for_export(args.ckpt)
        if args.default_steps:
            model.cfg = model.cfg.replace(default_steps=args.default_steps)
        if args.temperature is not None:
            model.cfg = model.cfg.replace(default_temperature=args.temperature)
        metrics = None
        if args.metrics:
            with open(args.metrics) as f:
                metrics = json.load(f)
            metrics = {k: metrics[k] for k in ("evalSet", "model", "grayBaseline")}
        card = open(args.card).read() if args.card else ""
        manifest = export_pack(model, tok, args.out, name=args.name or name, seed=args.seed,
                               description=f"Color Wizard {model.cfg.name} pack trained by training/train.py",
                               training=training, metrics=metrics, card=card, scheduler_default=args.scheduler,
                               detector=False if args.no_detector else None)
    validate_pack(args.out)
    sizes = {k: (c["bytes"], c["parameters"]) for k, c in manifest["components"].items()}
    print(json.dumps({"out": args.out, "components": sizes}, indent=1))


if __name__ == "__main__":
    main()
