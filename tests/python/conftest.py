"""Shared fixtures: a CPU context (numpy references run on the `onnx` runtime) and a one-call graph runner."""
import numpy as np
import pytest

import inferfoundry_webnn as webnn

ALL_TYPES = ["float32", "float16", "int8", "uint8", "int32", "uint32", "int64", "uint64"]
FLOATS = ["float32", "float16"]
SIGNED = ["float32", "float16", "int8", "int32", "int64"]


@pytest.fixture(scope="session")
def context():
    return webnn.ML().create_context(accelerated=False)


def desc(array_or_type, shape=None):
    if shape is None:
        return {"dataType": str(array_or_type.dtype), "shape": list(array_or_type.shape)}
    return {"dataType": array_or_type, "shape": list(shape)}


def run(context, build, **inputs):
    """Builds a graph from inputs (numpy arrays, declared as graph inputs with their own names) and returns
    its outputs: build(builder, operands...) returns an operand, a list of operands or a dict of them."""
    builder = webnn.MLGraphBuilder(context)
    operands = [builder.input(name, desc(value)) for name, value in inputs.items()]
    result = build(builder, *operands)
    if isinstance(result, dict):
        outputs = result
    elif isinstance(result, (list, tuple)):
        outputs = {f"out{i}": operand for i, operand in enumerate(result)}
    else:
        outputs = {"out": result}
    graph = builder.build(outputs)
    values = context.compute(graph, inputs)
    if isinstance(result, dict):
        return values
    if isinstance(result, (list, tuple)):
        return [values[f"out{i}"] for i in range(len(result))]
    return values["out"]


def random(dtype, shape, low=-4, high=4, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.uniform(low, high, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(low, info.min), min(high, info.max) + 1, size=shape).astype(dtype)


def tolerance(dtype):
    return {"float32": dict(rtol=1e-5, atol=1e-5), "float16": dict(rtol=2e-3, atol=2e-3)}.get(str(np.dtype(dtype)),
                                                                                             dict(rtol=0, atol=0))


def assert_close(actual, expected, dtype=None, **override):
    expected = np.asarray(expected)
    dtype = dtype or expected.dtype
    assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual.astype(np.float64), expected.astype(np.float64), **{**tolerance(dtype), **override})
