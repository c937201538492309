"""cast, where, reshape, transpose, concat, split, slice, expand, pad, tile, gathers, scatters,
cumulativeSum, reverse and triangular against numpy, over every data type."""
import numpy as np
import pytest

from conftest import ALL_TYPES, assert_close, random, run

INDEX_TYPES = ["int32", "uint32", "int64"]


@pytest.mark.parametrize("source", ALL_TYPES)
@pytest.mark.parametrize("target", ALL_TYPES)
def test_cast(context, source, target):
    x = random(source, (2, 3), 0, 100, seed=1)
    assert_close(run(context, lambda g, a: g.cast(a, target), x=x), x.astype(target), target)


@pytest.mark.parametrize("dtype", ALL_TYPES)
def test_where_broadcasts_all_three(context, dtype):
    condition = np.array([[1], [0], [3]], np.uint8)
    t, f = random(dtype, (1, 4), 0, 9, seed=2), random(dtype, (3, 1), 0, 9, seed=3)
    assert_close(run(context, lambda g, c, a, b: g.where(c, a, b), c=condition, t=t, f=f), np.where(condition != 0, t, f), dtype)


@pytest.mark.parametrize("dtype", ALL_TYPES)
def test_reshape_transpose_expand_tile(context, dtype):
    x = random(dtype, (2, 3, 4), 0, 9, seed=4)
    r, t, default_t, e, tiled = run(context, lambda g, a: [g.reshape(a, [4, 6]), g.transpose(a, permutation=[1, 2, 0]),
                                                         g.transpose(a), g.expand(g.reshape(a, [2, 1, 3, 4]), [2, 5, 3, 4]),
                                                         g.tile(a, [1, 2, 3])], x=x)
    assert_close(r, x.reshape(4, 6), dtype)
    assert_close(t, x.transpose(1, 2, 0), dtype)
    assert_close(default_t, x.transpose(), dtype)
    assert_close(e, np.broadcast_to(x.reshape(2, 1, 3, 4), (2, 5, 3, 4)), dtype)
    assert_close(tiled, np.tile(x, (1, 2, 3)), dtype)


def test_reshape_to_and_from_scalar(context):
    x = np.array([5.0], np.float32)
    scalar = run(context, lambda g, a: g.reshape(a, []), x=x)
    assert scalar.shape == () and scalar == 5.0


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("axis", [0, 1])
def test_concat_and_split(context, dtype, axis):
    a, b = random(dtype, (2, 3), 0, 9, seed=5), random(dtype, (2, 3), 0, 9, seed=6)
    c = random(dtype, (4, 1) if axis == 0 else (2, 1), 0, 9, seed=7)
    if axis == 0:
        c = random(dtype, (1, 3), 0, 9, seed=7)
    joined = run(context, lambda g, x, y, z: g.concat([x, y, z], axis), a=a, b=b, c=c)
    assert_close(joined, np.concatenate([a, b, c], axis=axis), dtype)
    parts = run(context, lambda g, x: g.split(x, [1, 2], axis=1), x=a)
    assert_close(parts[0], a[:, :1], dtype)
    assert_close(parts[1], a[:, 1:], dtype)
    equal = run(context, lambda g, x: g.split(x, 2), x=a)
    assert_close(equal[1], a[1:], dtype)


@pytest.mark.parametrize("dtype", ALL_TYPES)
def test_slice_with_strides(context, dtype):
    x = random(dtype, (4, 6), 0, 9, seed=8)
    plain, strided = run(context, lambda g, a: [g.slice(a, [1, 2], [2, 3]), g.slice(a, [0, 1], [4, 5], strides=[2, 3])], x=x)
    assert_close(plain, x[1:3, 2:5], dtype)
    assert_close(strided, x[0:4:2, 1:6:3], dtype)


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("mode", ["constant", "edge", "reflection"])
def test_pad(context, dtype, mode):
    x = random(dtype, (3, 4), 0, 9, seed=9)
    options = {"mode": mode, "value": 7} if mode == "constant" else {"mode": mode}
    actual = run(context, lambda g, a: g.pad(a, [1, 2], [2, 0], **options), x=x)
    np_mode = {"constant": "constant", "edge": "edge", "reflection": "reflect"}[mode]
    kwargs = {"constant_values": 7} if mode == "constant" else {}
    assert_close(actual, np.pad(x, ((1, 2), (2, 0)), mode=np_mode, **kwargs), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int8", "uint64"])
@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_gathers(context, dtype, index_type):
    x = random(dtype, (3, 4, 2), 0, 9, seed=10)
    indices = np.array([[2, 0], [1, 1]], index_type)
    elements = np.array([[[0, 1], [2, 0], [1, 1], [0, 0]]], index_type)  # along axis 0: shape 1x4x2
    nd = np.array([[0, 1], [2, 3], [1, 0]], index_type)
    g0, g1, ge, gnd = run(context, lambda g, a, i, e, n: [g.gather(a, i), g.gather(a, i, axis=1), g.gather_elements(a, e),
                                                         g.gather_nd(a, n)], x=x, i=indices, e=elements, n=nd)
    assert_close(g0, np.take(x, indices.astype(np.int64), axis=0), dtype)
    assert_close(g1, np.take(x, indices.astype(np.int64), axis=1), dtype)
    assert_close(ge, np.take_along_axis(x, elements.astype(np.int64), axis=0), dtype)
    assert_close(gnd, np.stack([x[i, j] for i, j in nd.astype(np.int64)]), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "uint8"])
@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_scatters(context, dtype, index_type):
    x = random(dtype, (3, 4), 0, 9, seed=11)
    indices = np.array([[2, 0, 1, 0]], index_type)
    updates = random(dtype, (1, 4), 10, 20, seed=12)
    nd_indices = np.array([[1], [0]], index_type)
    nd_updates = random(dtype, (2, 4), 10, 20, seed=13)
    se, snd = run(context, lambda g, a, i, u, n, v: [g.scatter_elements(a, i, u, axis=0), g.scatter_nd(a, n, v)],
                  x=x, i=indices, u=updates, n=nd_indices, v=nd_updates)
    expected = x.copy()
    np.put_along_axis(expected, indices.astype(np.int64), updates, axis=0)
    assert_close(se, expected, dtype)
    expected = x.copy()
    expected[[1, 0]] = nd_updates
    assert_close(snd, expected, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "uint32", "int64", "uint64"])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reversed_", [False, True])
def test_cumulative_sum(context, dtype, exclusive, reversed_):
    x = random(dtype, (3, 4), 0, 9, seed=14)
    data = np.flip(x, axis=1) if reversed_ else x
    expected = np.cumsum(data, axis=1, dtype=x.dtype)
    if exclusive:
        expected = np.concatenate([np.zeros((3, 1), x.dtype), expected[:, :-1]], axis=1)
    if reversed_:
        expected = np.flip(expected, axis=1)
    actual = run(context, lambda g, a: g.cumulative_sum(a, 1, exclusive=exclusive, reversed=reversed_), x=x)
    assert_close(actual, expected, dtype, **({"rtol": 2e-3, "atol": 2e-2} if dtype == "float16" else {}))


@pytest.mark.parametrize("dtype", ALL_TYPES)
def test_reverse_and_triangular(context, dtype):
    x = random(dtype, (2, 3, 4), 0, 9, seed=15)
    all_axes, one_axis, upper, lower = run(context, lambda g, a: [g.reverse(a), g.reverse(a, axes=[2]), g.triangular(a, diagonal=1),
                                                                  g.triangular(a, upper=False, diagonal=-1)], x=x)
    assert_close(all_axes, np.flip(x), dtype)
    assert_close(one_axis, np.flip(x, axis=2), dtype)
    assert_close(upper, np.triu(x, 1), dtype)
    assert_close(lower, np.tril(x, -1), dtype)
