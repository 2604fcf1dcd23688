"""A TensorFlow.js layers model (Keras `model_config`, e.g. nsfwjs' MobileNetV2) as a PyTorch module.

    net = TfjsLayers("vendor/nsfwjs@4.4.0/dist/models/mobilenet_v2/model.min.js", outputs=["out_relu"])
    feats = net(images_nchw)          # dict: layer name -> NCHW tensor

The functional graph is walked from the requested outputs back to the input; only the layers on that path
are built. Tensors stay NCHW (Keras is channels_last), convolutions read TF's SAME padding, batch
normalization is folded into a per-channel affine. The layer classes MobileNetV2 and InceptionV3 use are implemented;
another fails loudly, naming itself.
"""
from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tfjs_graph import _same_pad
from tfjs_weights import read_model_json, read_weights

def _buffer_name(key: str) -> str:
    return "w_" + "".join(ch if ch.isalnum() else "_" for ch in key)


def _pool(x: torch.Tensor, kind: str, k, s, padding: str) -> torch.Tensor:
    """Keras pooling: SAME pads max pooling with -inf and leaves the padding out of an average's count."""
    if padding == "same":
        if kind == "MaxPooling2D":
            return F.max_pool2d(_same_pad(x, k, s, (1, 1), value=float("-inf")), k, s)
        ones = _same_pad(torch.ones_like(x[:, :1]), k, s, (1, 1))
        return F.avg_pool2d(_same_pad(x, k, s, (1, 1)), k, s) / F.avg_pool2d(ones, k, s)
    return F.max_pool2d(x, k, s) if kind == "MaxPooling2D" else F.avg_pool2d(x, k, s)


# Looked up at call time, so flops.py can count the port's convolutions (it wraps this name).
conv2d = F.conv2d


class TfjsLayers(nn.Module):
    def __init__(self, model_json: str, outputs: Sequence[str]):
        super().__init__()
        m = read_model_json(model_json)
        topo = m["modelTopology"]
        cfg = topo.get("model_config", topo)["config"]
        self.layers = {l["name"]: l for l in cfg["layers"]}
        weights = read_weights(model_json, m["weightsManifest"])
        self.outputs = list(outputs)
        self.order: List[str] = []
        seen = set()

        def inbound(name: str) -> List[str]:
            nodes = self.layers[name].get("inbound_nodes") or []
            return [x[0] for x in nodes[0]] if nodes else []

        def visit(name: str) -> None:
            if name in seen:
                return
            if name not in self.layers:
                raise KeyError(f"{model_json}: no layer {name!r}")
            seen.add(name)
            for i in inbound(name):
                visit(i)
            self.order.append(name)

        for o in self.outputs:
            visit(o)
        self.inbound = {n: inbound(n) for n in self.order}
        tensors: Dict[str, torch.Tensor] = {}  # frozen weights, registered as buffers like TfjsGraph's
        for name in self.order:
            layer = self.layers[name]
            kind, c = layer["class_name"], layer["config"]
            if kind in ("Conv2D", "DepthwiseConv2D"):
                wname = f"{name}/depthwise_kernel" if kind == "DepthwiseConv2D" else f"{name}/kernel"
                w = weights[wname]
                if kind == "Conv2D":
                    w = w.transpose(3, 2, 0, 1)            # HWIO -> OIHW
                else:
                    kh, kw, cin, mult = w.shape
                    w = w.transpose(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)
                tensors[name + "__w"] = torch.from_numpy(np.ascontiguousarray(w))
                if c.get("use_bias", False):
                    tensors[name + "__b"] = torch.from_numpy(weights[f"{name}/bias"].copy())
            elif kind == "BatchNormalization":
                gamma = weights.get(f"{name}/gamma")
                beta = weights.get(f"{name}/beta")
                mean, var = weights[f"{name}/moving_mean"], weights[f"{name}/moving_variance"]
                scale = (gamma if gamma is not None else 1.0) / np.sqrt(var + float(c.get("epsilon", 1e-3)))
                shift = (beta if beta is not None else 0.0) - mean * scale
                tensors[name + "__s"] = torch.from_numpy(scale.astype(np.float32)).reshape(1, -1, 1, 1)
                tensors[name + "__t"] = torch.from_numpy(shift.astype(np.float32)).reshape(1, -1, 1, 1)
            elif kind not in ("InputLayer", "ReLU", "Add", "ZeroPadding2D", "Activation", "MaxPooling2D",
                              "AveragePooling2D", "Concatenate"):
                raise NotImplementedError(f"{model_json}: layer {name!r} of class {kind} is not implemented")
        for k, v in tensors.items():
            self.register_buffer(_buffer_name(k), v.float())

    def _w(self, key: str):
        return getattr(self, _buffer_name(key), None)

    def _act(self, x: torch.Tensor, name: str, act: str) -> torch.Tensor:
        if act in (None, "linear"):
            return x
        if act == "relu":
            return F.relu(x)
        if act == "relu6":
            return F.relu6(x)
        raise NotImplementedError(f"activation {act!r} of layer {name!r} is not implemented")

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        vals: Dict[str, torch.Tensor] = {}
        for name in self.order:
            layer = self.layers[name]
            kind, c = layer["class_name"], layer["config"]
            args = [vals[i] for i in self.inbound[name]]
            if kind == "InputLayer":
                y = x
            elif kind in ("Conv2D", "DepthwiseConv2D"):
                h = args[0]
                k, s = c["kernel_size"], c["strides"]
                d = c.get("dilation_rate", [1, 1])
                if c["padding"] == "same":
                    h = _same_pad(h, k, s, d)
                w = self._w(name + "__w")
                b = self._w(name + "__b")
                groups = h.shape[1] if kind == "DepthwiseConv2D" else 1
                y = self._act(conv2d(h, w, b, s, 0, d, groups), name, c.get("activation"))
            elif kind == "BatchNormalization":
                y = args[0] * self._w(name + "__s") + self._w(name + "__t")
            elif kind == "ReLU":
                y = F.relu(args[0])
                if c.get("max_value") is not None:
                    y = y.clamp_max(float(c["max_value"]))
            elif kind == "Activation":
                y = self._act(args[0], name, c.get("activation"))
            elif kind == "Add":
                y = args[0]
                for a in args[1:]:
                    y = y + a
            elif kind == "Concatenate":
                if c.get("axis", -1) not in (-1, 3):
                    raise NotImplementedError(f"layer {name!r}: concatenation on axis {c['axis']}")
                y = torch.cat(args, 1)  # channels last in Keras = dim 1 here
            elif kind in ("MaxPooling2D", "AveragePooling2D"):
                y = _pool(args[0], kind, c["pool_size"], c["strides"], c["padding"])
            else:  # ZeroPadding2D (__init__ refused every other class)
                (t, b), (l, r) = c["padding"]
                y = F.pad(args[0], (l, r, t, b))
            vals[name] = y
        return {o: vals[o] for o in self.outputs}
