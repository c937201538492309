"""Element-wise binary, comparison, logical and unary operations and activations against numpy, over every
allowed data type and with broadcasting."""
import math

import numpy as np
import pytest

from conftest import ALL_TYPES, FLOATS, SIGNED, assert_close, random, run

BROADCAST_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1, 3), (2, 1)), ((), (2, 2)), ((1,), ())]


def operands_for(op, dtype, shape_a, shape_b):
    a = random(dtype, shape_a, 1 if op in ("div", "pow") else -4, 4, seed=1)
    b = random(dtype, shape_b, 1 if op in ("div", "pow") else -4, 3 if op == "pow" else 4, seed=2)
    return a, b


def integer_division(a, b):
    # WebNN (like ONNX) truncates integer quotients toward zero.
    return (np.trunc(a.astype(np.float64) / b.astype(np.float64))).astype(a.dtype)


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum, "min": np.minimum,
    "div": lambda a, b: np.divide(a, b).astype(a.dtype) if a.dtype.kind == "f" else integer_division(a, b),
    "pow": lambda a, b: np.power(a, b),
}


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_binary(context, op, dtype, shapes):
    a, b = operands_for(op, dtype, *shapes)
    with np.errstate(over="ignore"):
        expected = BINARY[op](a, b)
    actual = run(context, lambda g, x, y: getattr(g, op)(x, y), a=a, b=b)
    assert_close(actual, expected.astype(dtype), dtype)


def test_integer_arithmetic_wraps_like_numpy(context):
    a = np.array([250, 3], np.uint8)
    b = np.array([10, 5], np.uint8)
    assert run(context, lambda g, x, y: g.add(x, y), a=a, b=b).tolist() == (a + b).tolist()
    assert run(context, lambda g, x, y: g.sub(x, y), a=b, b=a).tolist() == (b - a).tolist()


COMPARISONS = {"equal": np.equal, "not_equal": np.not_equal, "greater": np.greater,
               "greater_or_equal": np.greater_equal, "lesser": np.less, "lesser_or_equal": np.less_equal}


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("op", sorted(COMPARISONS))
def test_comparison_gives_uint8(context, op, dtype):
    a = random(dtype, (3, 4), 0, 3, seed=3)
    b = random(dtype, (4,), 0, 3, seed=4)
    actual = run(context, lambda g, x, y: getattr(g, op)(x, y), a=a, b=b)
    assert_close(actual, COMPARISONS[op](a, b).astype(np.uint8))


LOGICAL = {"logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor}


@pytest.mark.parametrize("op", sorted(LOGICAL))
def test_logical_binary(context, op):
    a = np.array([[0, 1, 2, 0], [3, 0, 1, 1]], np.uint8)
    b = np.array([0, 0, 5, 1], np.uint8)
    assert_close(run(context, lambda g, x, y: getattr(g, op)(x, y), a=a, b=b), LOGICAL[op](a, b).astype(np.uint8))


def test_logical_not(context):
    a = np.array([0, 1, 7], np.uint8)
    assert run(context, lambda g, x: g.logical_not(x), a=a).tolist() == [1, 0, 0]


def erf(x):
    return np.vectorize(math.erf)(x.astype(np.float64))


# op -> (numpy reference, allowed types, input range)
UNARY = {
    "abs": (np.abs, SIGNED, (-4, 4)),
    "ceil": (np.ceil, FLOATS, (-4, 4)),
    "cos": (np.cos, FLOATS, (-4, 4)),
    "erf": (erf, FLOATS, (-2, 2)),
    "exp": (np.exp, FLOATS, (-3, 3)),
    "floor": (np.floor, FLOATS, (-4, 4)),
    "identity": (lambda x: x, ALL_TYPES, (0, 9)),
    "log": (np.log, FLOATS, (0.1, 9)),
    "neg": (np.negative, SIGNED, (-4, 4)),
    "reciprocal": (np.reciprocal, FLOATS, (0.5, 4)),
    "round_even": (np.round, FLOATS, (-4, 4)),
    "sign": (np.sign, SIGNED, (-4, 4)),
    "sin": (np.sin, FLOATS, (-4, 4)),
    "sqrt": (np.sqrt, FLOATS, (0, 9)),
    "tan": (np.tan, FLOATS, (-1, 1)),
    "relu": (lambda x: np.maximum(x, 0), SIGNED, (-4, 4)),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x.astype(np.float64))), FLOATS, (-4, 4)),
    "tanh": (np.tanh, FLOATS, (-3, 3)),
    "gelu": (lambda x: 0.5 * x * (1 + erf(x / np.sqrt(2))), FLOATS, (-3, 3)),
    "elu": (lambda x: np.where(x > 0, x, np.exp(x.astype(np.float64)) - 1), FLOATS, (-3, 3)),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), FLOATS, (-3, 3)),
    "hard_sigmoid": (lambda x: np.clip(0.2 * x + 0.5, 0, 1), FLOATS, (-4, 4)),
    "hard_swish": (lambda x: x * np.clip(x / 6 + 0.5, 0, 1), FLOATS, (-4, 4)),
    "softplus": (lambda x: np.log1p(np.exp(x.astype(np.float64))), FLOATS, (-3, 3)),
    "softsign": (lambda x: x / (1 + np.abs(x)), FLOATS, (-3, 3)),
    "linear": (lambda x: x, FLOATS, (-3, 3)),
}


@pytest.mark.parametrize("op,dtype", [(op, t) for op, (_, types, _) in sorted(UNARY.items()) for t in types])
@pytest.mark.parametrize("shape", [(2, 3), (), (1, 1, 5)], ids=str)
def test_unary(context, op, dtype, shape):
    reference, _, (low, high) = UNARY[op]
    x = random(dtype, shape, low, high, seed=5)
    if np.dtype(dtype).kind != "f":
        x = random(dtype, shape, int(low), int(high), seed=5)
    actual = run(context, lambda g, a: getattr(g, op)(a), x=x)
    assert_close(actual, np.asarray(reference(x)).astype(dtype), dtype)


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("unary", ["abs", "exp", "relu"])
def test_unary_rejects_types_the_spec_does_not_allow(context, dtype, unary):
    import inferfoundry_webnn as webnn
    _, allowed, _ = UNARY[unary]
    builder = webnn.MLGraphBuilder(context)
    x = builder.input("x", {"dataType": dtype, "shape": [2]})
    if dtype in allowed:
        getattr(builder, unary)(x)
    else:
        with pytest.raises(TypeError, match=f"'x' .*has data type {dtype}"):
            getattr(builder, unary)(x)


@pytest.mark.parametrize("dtype", FLOATS)
def test_is_nan_and_is_infinite(context, dtype):
    x = np.array([0, np.nan, np.inf, -np.inf, 1.5], dtype)
    nan, inf = run(context, lambda g, a: [g.is_nan(a), g.is_infinite(a)], x=x)
    assert nan.dtype == np.uint8 and nan.tolist() == [0, 1, 0, 0, 0]
    assert inf.tolist() == [0, 0, 1, 1, 0]


@pytest.mark.parametrize("dtype", FLOATS)
def test_activation_parameters(context, dtype):
    x = random(dtype, (3, 4), seed=6)
    outs = run(context, lambda g, a: [g.elu(a, alpha=0.5), g.leaky_relu(a, alpha=0.2), g.hard_sigmoid(a, alpha=0.3, beta=0.4),
                                      g.linear(a, alpha=2.0, beta=-1.0)], x=x)
    x64 = x.astype(np.float64)
    expected = [np.where(x64 > 0, x64, 0.5 * (np.exp(x64) - 1)), np.where(x64 > 0, x64, 0.2 * x64),
                np.clip(0.3 * x64 + 0.4, 0, 1), 2 * x64 - 1]
    for actual, reference in zip(outs, expected):
        assert_close(actual, reference.astype(dtype), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [0, 1, 2])
def test_softmax(context, dtype, axis):
    x = random(dtype, (2, 3, 4), seed=7)
    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(axis=axis, keepdims=True))
    assert_close(run(context, lambda g, a: g.softmax(a, axis), x=x), (e / e.sum(axis=axis, keepdims=True)).astype(dtype), dtype)


@pytest.mark.parametrize("dtype", SIGNED)
def test_prelu_broadcasts_slope(context, dtype):
    x = random(dtype, (2, 3, 4), seed=8)
    slope = random(dtype, (4,), 0, 3, seed=9)
    assert_close(run(context, lambda g, a, s: g.prelu(a, s), x=x, s=slope), np.where(x < 0, x * slope, x).astype(dtype), dtype)


@pytest.mark.parametrize("dtype", ALL_TYPES)
def test_clamp(context, dtype):
    x = random(dtype, (3, 5), 0, 9, seed=10)
    both, low_only = run(context, lambda g, a: [g.clamp(a, min_value=2, max_value=6), g.clamp(a, min_value=3)], x=x)
    assert_close(both, np.clip(x, 2, 6).astype(dtype), dtype)
    assert_close(low_only, np.maximum(x, 3).astype(dtype), dtype)
