#!/usr/bin/env python3
"""Operator histograms of the corpus models, subgraphs (If/Loop/Scan bodies) included, which
`inferfoundry inspect` does not descend into. Needs the onnx Python package (Debian: python3-onnx, so run it
with /usr/bin/python3 where another Python comes first on PATH).

usage: corpus_ops.py MODELS_DIR [--markdown]
  MODELS_DIR  holds <name>.onnx per corpus model (scripts/models/fetch_corpus.sh MODELS_DIR)
"""
import argparse
import collections
import pathlib
import sys

import onnx

TABLE = pathlib.Path(__file__).resolve().parent / "corpus.tsv"


def count_ops(graph, top, nested):
    """Counts top-level nodes in `top` and nodes inside subgraphs in `nested`."""
    for node in graph.node:
        top[node.op_type] += 1
        for attribute in node.attribute:
            subgraphs = list(attribute.graphs) + ([attribute.g] if attribute.HasField("g") else [])
            for subgraph in subgraphs:
                count_ops(subgraph, nested, nested)


def histogram_text(top, nested):
    parts = [f"{op} {count}" for op, count in top.most_common()]
    if nested:
        parts.append("in subgraphs: " + ", ".join(f"{op} {count}" for op, count in nested.most_common()))
    return ", ".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models_dir", type=pathlib.Path)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    names = [line.split("\t")[0] for line in TABLE.read_text().splitlines()
             if line and not line.startswith("#") and not line.startswith("name\t")]
    for name in names:
        model = onnx.load(str(args.models_dir / f"{name}.onnx"))
        top, nested = collections.Counter(), collections.Counter()
        count_ops(model.graph, top, nested)
        if args.markdown:
            print(f"| {name} | {histogram_text(top, nested)} |")
        else:
            print(f"{name}: {histogram_text(top, nested)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
