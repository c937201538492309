#!/usr/bin/env python3
"""Exports the GPU benchmark models to ONNX with torch and random weights (the GPU machine can download
nothing). Each model has one fixed shape set, stated below and in docs/gpu.md. Runs where torch,
torchvision and transformers are installed (the GPU machine); not part of CI.

usage: export_models.py OUT_DIR MODEL [MODEL ...]
  MODEL: resnet50 | mobilenet_v2 | bert-base | tinyllama-short | tinyllama-full
"""
import argparse
import os
import sys
import time

import torch

# name -> (fixed shapes, description)
SHAPES = {
    "resnet50": "image 1x3x224x224 float32",
    "mobilenet_v2": "image 1x3x224x224 float32",
    "bert-base": "input_ids 1x128 int64, attention_mask 1x128 int64",
    "tinyllama-short": "input_ids 1x128 int64 (2 decoder layers)",
    "tinyllama-full": "input_ids 1x128 int64 (22 decoder layers, weights in external data)",
}
SEQUENCE = 128


class FirstOutput(torch.nn.Module):
    """Keeps only the first tensor a transformers model returns (hidden state or logits)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *args):
        return self.model(*args, return_dict=False)[0]


def vision(name):
    import torchvision

    model = getattr(torchvision.models, name)(weights=None).eval()
    return model, (torch.randn(1, 3, 224, 224),), ["image"], ["logits"]


def bert_base():
    from transformers import BertConfig, BertModel

    model = BertModel(BertConfig()).eval()  # BERT-base: 12 layers, hidden 768, 12 heads
    ids = torch.randint(0, 30000, (1, SEQUENCE))
    mask = torch.ones(1, SEQUENCE, dtype=torch.int64)
    return FirstOutput(model), (ids, mask), ["input_ids", "attention_mask"], ["last_hidden_state"]


def tinyllama(layers):
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(hidden_size=2048, intermediate_size=5632, num_hidden_layers=layers, num_attention_heads=32,
                         num_key_value_heads=4, vocab_size=32000, max_position_embeddings=2048, use_cache=False)
    model = LlamaForCausalLM(config).eval()
    ids = torch.randint(0, 32000, (1, SEQUENCE))
    return FirstOutput(model), (ids,), ["input_ids"], ["logits"]


def build(name):
    if name in ("resnet50", "mobilenet_v2"):
        return vision(name)
    if name == "bert-base":
        return bert_base()
    if name == "tinyllama-short":
        return tinyllama(2)
    if name == "tinyllama-full":
        return tinyllama(22)
    raise SystemExit(f"export_models: unknown model {name}; known: {', '.join(SHAPES)}")


def export(name, out_dir):
    torch.manual_seed(0)
    model, args, input_names, output_names = build(name)
    path = os.path.join(out_dir, f"{name}.onnx")
    start = time.time()
    with torch.no_grad():
        if name.startswith("tinyllama"):
            # The TorchScript exporter fails on Llama's aten::diff; the dynamo exporter handles it.
            program = torch.onnx.export(model, args, dynamo=True, input_names=input_names, output_names=output_names)
            program.save(path, external_data=name == "tinyllama-full")
        else:
            torch.onnx.export(model, args, path, dynamo=False, opset_version=17, input_names=input_names,
                              output_names=output_names)
    print(f"exported {name} ({SHAPES[name]}) to {path} in {time.time() - start:.1f} s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("models", nargs="+", choices=sorted(SHAPES))
    options = parser.parse_args()
    os.makedirs(options.out_dir, exist_ok=True)
    for name in options.models:
        export(name, options.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
