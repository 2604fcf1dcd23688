"""Read a TensorFlow.js model folder: model.json (graph or layers format) and its weight shards.

Weight shards are the `weightsManifest` groups' files concatenated in order. Quantized weights are
dequantized here: float16 (`quantization.dtype == "float16"`) and affine uint8/uint16
(`value = q * scale + min`). nsfwjs wraps model.json and shards in small UMD .js files; `read_model_json`
and `read_shard` unwrap those too, so both packages' folders load the same way.
"""
from __future__ import annotations

import json
import os
import re
from typing import Dict, List, Tuple

import numpy as np

_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_, "uint8": np.uint8, "uint16": np.uint16,
           "float16": np.float16, "int64": np.int64}


def read_model_json(path: str) -> dict:
    """model.json, or a UMD .js that embeds it (nsfwjs' model.min.js)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw.lstrip()[:1] == b"{":
        return json.loads(raw)
    text = raw.decode("utf-8")
    start = text.find('{"format"')
    if start < 0:
        start = text.find('{"modelTopology"')
    if start < 0:
        return _eval_umd(path)
    obj, _ = json.JSONDecoder().raw_decode(text[start:])
    return obj


def _eval_umd(path: str) -> dict:
    """nsfwjs 4 embeds model.json as a JavaScript object literal (unquoted keys, `!1`): let Node evaluate
    the bundle in an empty sandbox, where its UMD wrapper leaves the object on `self.model`."""
    import subprocess
    script = ("const vm=require('vm'),fs=require('fs');const c={self:{}};"
              "vm.runInNewContext(fs.readFileSync(process.argv[1],'utf8'),c);"
              "const m=c.self.model;if(!m||!m.modelTopology)process.exit(3);"
              "process.stdout.write(JSON.stringify(m.default||m))")
    try:
        out = subprocess.run(["node", "-e", script, path], check=True, capture_output=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise ValueError(f"{path}: no model.json object found ({e})") from e
    return json.loads(out)


def read_shard(path: str) -> bytes:
    """A weight shard: raw bytes, or a UMD .js that embeds them (base64 or a byte array literal)."""
    with open(path, "rb") as f:
        raw = f.read()
    if not path.endswith(".js"):
        return raw
    text = raw.decode("latin-1")
    m = re.search(r'"([A-Za-z0-9+/=]{64,})"', text)
    if m:
        import base64
        return base64.b64decode(m.group(1))
    m = re.search(r"\[([0-9,\s]{64,})\]", text)
    if m:
        return bytes(int(v) for v in m.group(1).split(","))
    raise ValueError(f"{path}: no embedded weight data found")


def _shard_path(folder: str, name: str) -> str:
    p = os.path.join(folder, name)
    if os.path.exists(p):
        return p
    for alt in (p + ".min.js", p + ".js", os.path.splitext(p)[0] + ".min.js"):
        if os.path.exists(alt):
            return alt
    raise FileNotFoundError(f"weight shard {name} not found in {folder}")


def read_weights(model_json_path: str, manifest: List[dict] = None) -> Dict[str, np.ndarray]:
    """name -> float32/int32 numpy array for every weight of the model, dequantized."""
    folder = os.path.dirname(model_json_path)
    if manifest is None:
        manifest = read_model_json(model_json_path)["weightsManifest"]
    out: Dict[str, np.ndarray] = {}
    for group in manifest:
        buf = b"".join(read_shard(_shard_path(folder, p)) for p in group["paths"])
        off = 0
        for w in group["weights"]:
            shape: Tuple[int, ...] = tuple(int(s) for s in w["shape"])
            n = int(np.prod(shape)) if shape else 1
            q = w.get("quantization")
            if q:
                qd = np.dtype(_DTYPES[q["dtype"]])
                arr = np.frombuffer(buf, qd, n, off)
                off += n * qd.itemsize
                if q["dtype"] == "float16":
                    val = arr.astype(np.float32)
                else:
                    val = arr.astype(np.float32) * float(q["scale"]) + float(q["min"])
                val = val.astype(_DTYPES[w["dtype"]]) if w["dtype"] != "float32" else val
            else:
                dt = np.dtype(_DTYPES[w["dtype"]])
                val = np.frombuffer(buf, dt, n, off).copy()
                off += n * dt.itemsize
            out[w["name"]] = val.reshape(shape)
        if off != len(buf):
            raise ValueError(f"{model_json_path}: shards hold {len(buf)} bytes, manifest describes {off}")
    return out
