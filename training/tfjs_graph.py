"""A TensorFlow.js graph model (model.json "graph-model") as a PyTorch module, by interpreting its nodes.

    net = TfjsGraph("vendor/human-models/models/centernet.json", outputs=["tower_0/CenternetHead/Relu"])
    feats = net(images_nchw)          # dict: node name -> NCHW tensor

Tensors of rank 4 are kept NCHW inside (the graph is NHWC): channel axes of Concat/Mean/bias constants
are remapped, so the port runs at PyTorch's native layout and exports to ONNX without transposes.
Convolutions read TF's SAME padding (asymmetric, extra row/column at the end) and ResizeBilinear keeps
TF's legacy sampling (half_pixel_centers false). A resize whose target size is a constant baked for the
graph's native input size is scaled with the input, so the port also runs at other input sizes.
Only the ops that the imported models use are implemented; another op fails loudly, naming itself.
"""
from __future__ import annotations

import base64
import math
from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tfjs_weights import read_model_json, read_weights

# Looked up at call time, so flops.py can count the port's convolutions (it wraps this name).
conv2d = F.conv2d


def _s(attr: dict, key: str, default: str = "") -> str:
    v = attr.get(key, {}).get("s")
    return base64.b64decode(v).decode() if v else default


def _ints(attr: dict, key: str, default=(1, 1, 1, 1)) -> List[int]:
    v = attr.get(key, {}).get("list", {}).get("i")
    return [int(x) for x in v] if v else list(default)


def _fused(attr: dict) -> List[str]:
    return [base64.b64decode(x).decode() for x in attr.get("fused_ops", {}).get("list", {}).get("s", [])]


def _same_pad(x: torch.Tensor, k: Sequence[int], s: Sequence[int], d: Sequence[int], value: float = 0.0) -> torch.Tensor:
    """TF SAME padding: total = max((ceil(n/s)-1)*s + (k-1)*d + 1 - n, 0), the odd pixel at the end."""
    pads = []
    for n, kk, ss, dd in zip(x.shape[-2:], k, s, d):
        n = int(n)
        total = max((math.ceil(n / ss) - 1) * ss + (kk - 1) * dd + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    (t, b), (l, r) = pads
    return F.pad(x, (l, r, t, b), value=value) if (t or b or l or r) else x


def _legacy_resize(x: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    """tf.image.resize_bilinear(align_corners=False, half_pixel_centers=False): src = dst * in/out."""
    out = x
    for axis, (n_in, n_out) in zip((2, 3), zip(x.shape[-2:], size)):
        n_in, n_out = int(n_in), int(n_out)
        src = np.arange(n_out, dtype=np.float64) * (n_in / n_out)
        i0 = np.floor(src).astype(np.int64)
        i1 = np.minimum(i0 + 1, n_in - 1)
        frac = torch.tensor((src - i0).astype(np.float32), dtype=x.dtype, device=x.device)
        shape = [1, 1, 1, 1]
        shape[axis] = n_out
        a = out.index_select(axis, torch.as_tensor(i0, device=x.device))
        b = out.index_select(axis, torch.as_tensor(i1, device=x.device))
        out = a + (b - a) * frac.reshape(shape)
    return out


class TfjsGraph(nn.Module):
    def __init__(self, model_json: str, outputs: Sequence[str], input_name: str = None):
        super().__init__()
        m = read_model_json(model_json)
        if m.get("format") != "graph-model":
            raise ValueError(f"{model_json}: not a graph model (format {m.get('format')!r})")
        nodes = {n["name"]: n for n in m["modelTopology"]["node"]}
        weights = read_weights(model_json, m["weightsManifest"])
        placeholders = [n for n in nodes.values() if n["op"] == "Placeholder"]
        self.input_name = input_name or placeholders[0]["name"]
        dims = placeholders[0]["attr"].get("shape", {}).get("shape", {}).get("dim", [])
        self.native_hw = (int(dims[1]["size"]), int(dims[2]["size"])) if len(dims) == 4 else None
        self.outputs = list(outputs)
        # Keep only the ancestors of the requested outputs, in a topological order.
        order, seen = [], set()

        def visit(name: str) -> None:
            stack = [(name, False)]
            while stack:
                nm, done = stack.pop()
                if done:
                    order.append(nm)
                    continue
                if nm in seen:
                    continue
                seen.add(nm)
                if nm not in nodes:
                    raise KeyError(f"node {nm!r} is not in {model_json}")
                stack.append((nm, True))
                for i in nodes[nm].get("input", []):
                    if not i.startswith("^"):
                        stack.append((i.split(":")[0], False))
        for o in self.outputs:
            visit(o)
        self.order = order
        self.nodes = {n: nodes[n] for n in order}
        self._const_names: Dict[str, str] = {}
        for n in order:
            node = nodes[n]
            if node["op"] != "Const":
                continue
            if n not in weights:
                raise KeyError(f"constant {n!r} has no weight in the manifest")
            w = weights[n]
            users = [u for u in order if n in [i.split(":")[0] for i in nodes[u].get("input", [])]]
            w = self._prepare_const(n, w, [nodes[u] for u in users])
            key = f"c{len(self._const_names)}"
            self._const_names[n] = key
            self.register_buffer(key, torch.from_numpy(np.ascontiguousarray(w)), persistent=True)
        self.resize_scale: Dict[str, List[float]] = {}
        self.eval()

    @staticmethod
    def _prepare_const(name, w, users):
        """Filters to PyTorch layout, NHWC channel vectors broadcastable against NCHW."""
        for u in users:
            ins = [i.split(":")[0] for i in u.get("input", [])]
            op = u["op"]
            if op in ("Conv2D", "_FusedConv2D") and ins[1] == name:
                return w.transpose(3, 2, 0, 1).astype(np.float32)          # HWIO -> OIHW
            if op in ("DepthwiseConv2dNative", "FusedDepthwiseConv2dNative") and ins[1] == name:
                h, ww, c, mult = w.shape
                return w.transpose(2, 3, 0, 1).reshape(c * mult, 1, h, ww).astype(np.float32)
        if w.dtype == np.float32 and w.ndim == 1 and any(u["op"] in ("Mul", "Add", "AddV2", "Sub", "RealDiv",
                                                                       "Maximum", "Minimum") for u in users):
            return w.reshape(1, -1, 1, 1) if w.shape[0] > 1 else w
        if w.dtype == np.float32 and w.ndim == 4:
            return w.transpose(0, 3, 1, 2)
        return w

    def const(self, name: str) -> torch.Tensor:
        return getattr(self, self._const_names[name])

    def _conv(self, node, x, w, groups: int):
        a = node.get("attr", {})
        s = _ints(a, "strides")[1:3]
        d = _ints(a, "dilations")[1:3]
        pad = _s(a, "padding", "VALID")
        if pad == "SAME":
            x = _same_pad(x, w.shape[-2:], s, d)
        elif pad != "VALID":
            raise NotImplementedError(f"{node['name']}: padding {pad}")
        return conv2d(x, w, None, s, 0, d, groups)

    def _apply_fused(self, node, y, args):
        ops = _fused(node.get("attr", {}))
        for op in ops:
            if op == "BiasAdd":
                y = y + args.pop(0).reshape(1, -1, 1, 1)
            elif op == "Relu":
                y = F.relu(y)
            elif op == "Relu6":
                y = F.hardtanh(y, 0.0, 6.0)
            elif op == "Prelu":
                y = torch.where(y >= 0, y, y * args.pop(0).reshape(1, -1, 1, 1))
            elif op == "LeakyRelu":
                y = F.leaky_relu(y, float(node["attr"].get("leakyrelu_alpha", {}).get("f", 0.2)))
            elif op == "Sigmoid":
                y = torch.sigmoid(y)
            else:
                raise NotImplementedError(f"{node['name']}: fused op {op}")
        return y

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """x: NCHW float (the graph's input, channels first). Returns the requested nodes (NCHW for rank 4)."""
        vals: Dict[str, torch.Tensor] = {self.input_name: x}
        native = self.native_hw is not None and tuple(x.shape[-2:]) == self.native_hw
        for name in self.order:
            node = self.nodes[name]
            op = node["op"]
            if op == "Placeholder":
                continue
            if op == "Const":
                vals[name] = self.const(name)
                continue
            ins = [vals[i.split(":")[0]] for i in node.get("input", []) if not i.startswith("^")]
            a = node.get("attr", {})
            if op in ("_FusedConv2D", "Conv2D"):
                y = self._conv(node, ins[0], ins[1], 1)
                y = self._apply_fused(node, y, ins[2:]) if op == "_FusedConv2D" else y
            elif op in ("FusedDepthwiseConv2dNative", "DepthwiseConv2dNative"):
                y = self._conv(node, ins[0], ins[1], int(ins[0].shape[1]))
                y = self._apply_fused(node, y, ins[2:]) if op.startswith("Fused") else y
            elif op in ("Add", "AddV2"):
                y = ins[0] + ins[1]
            elif op == "Sub":
                y = ins[0] - ins[1]
            elif op == "Mul":
                y = ins[0] * ins[1]
            elif op == "RealDiv":
                y = ins[0] / ins[1]
            elif op == "Maximum":
                y = torch.maximum(ins[0], ins[1])
            elif op == "Minimum":
                y = torch.minimum(ins[0], ins[1])
            elif op == "Relu":
                y = F.relu(ins[0])
            elif op == "Relu6":
                y = F.hardtanh(ins[0], 0.0, 6.0)
            elif op == "Sigmoid":
                y = torch.sigmoid(ins[0])
            elif op == "Tanh":
                y = torch.tanh(ins[0])
            elif op == "LeakyRelu":
                y = F.leaky_relu(ins[0], float(a.get("alpha", {}).get("f", 0.2)))
            elif op == "Identity":
                y = ins[0]
            elif op == "Mean":
                axes = [int(v) for v in np.atleast_1d(ins[1].cpu().numpy())]
                if ins[0].dim() == 4:
                    axes = [{0: 0, 1: 2, 2: 3, 3: 1, -1: 1}[v] for v in axes]
                y = ins[0].mean(dim=axes, keepdim=bool(a.get("keep_dims", {}).get("b", False)))
            elif op == "ConcatV2":
                axis = int(ins[-1])
                if ins[0].dim() == 4:
                    axis = {0: 0, 1: 2, 2: 3, 3: 1, -1: 1}[axis]
                y = torch.cat(ins[:-1], axis)
            elif op == "ResizeBilinear":
                if a.get("align_corners", {}).get("b") or a.get("half_pixel_centers", {}).get("b"):
                    raise NotImplementedError(f"{name}: only legacy bilinear resizing is implemented")
                size = [int(v) for v in ins[1].cpu().numpy()]
                if native:
                    self.resize_scale[name] = [size[0] / int(ins[0].shape[2]), size[1] / int(ins[0].shape[3])]
                elif name in self.resize_scale:
                    sy, sx = self.resize_scale[name]
                    size = [int(round(int(ins[0].shape[2]) * sy)), int(round(int(ins[0].shape[3]) * sx))]
                y = _legacy_resize(ins[0], size)
            elif op == "MaxPool":
                k = _ints(a, "ksize")[1:3]
                s = _ints(a, "strides")[1:3]
                xx = ins[0]
                if _s(a, "padding") == "SAME":
                    xx = _same_pad(xx, k, s, (1, 1), value=float("-inf"))
                y = F.max_pool2d(xx, k, s)
            else:
                raise NotImplementedError(f"{name}: op {op} is not implemented by the tfjs importer")
            vals[name] = y
        return {o: vals[o] for o in self.outputs}

    def calibrate(self, channels: int = 3) -> None:
        """One run at the native input size records the resize factors (needed before other sizes)."""
        if self.native_hw is None:
            return
        with torch.no_grad():
            self.forward(torch.zeros(1, channels, *self.native_hw))
