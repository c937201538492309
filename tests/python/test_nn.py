"""matmul, gemm, convolutions, pools, normalizations, reductions, resample2d and quantization against
numpy references (direct loops where numpy has no such operator)."""
import numpy as np
import pytest

from conftest import ALL_TYPES, FLOATS, assert_close, random, run

NN_TOLERANCE = {"float32": dict(rtol=1e-4, atol=1e-4), "float16": dict(rtol=1e-2, atol=1e-2)}


def close(actual, expected, dtype):
    assert_close(actual, np.asarray(expected).astype(dtype), dtype, **NN_TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", [((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((1, 4), (2, 4, 1))], ids=str)
def test_matmul(context, dtype, shapes):
    a, b = random(dtype, shapes[0], seed=1), random(dtype, shapes[1], seed=2)
    close(run(context, lambda g, x, y: g.matmul(x, y), a=a, b=b), np.matmul(a.astype(np.float64), b), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("a_t,b_t", [(False, False), (True, False), (False, True), (True, True)])
def test_gemm(context, dtype, a_t, b_t):
    a = random(dtype, (3, 2) if a_t else (2, 3), seed=3)
    b = random(dtype, (4, 3) if b_t else (3, 4), seed=4)
    c = random(dtype, (4,), seed=5)
    actual = run(context, lambda g, x, y, z: g.gemm(x, y, c=z, alpha=0.5, beta=2.0, a_transpose=a_t, b_transpose=b_t), a=a, b=b, c=c)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    close(actual, 0.5 * (a64.T if a_t else a64) @ (b64.T if b_t else b64) + 2.0 * c, dtype)


def conv2d_reference(x, w, bias=None, padding=(0, 0, 0, 0), strides=(1, 1), dilations=(1, 1), groups=1):
    """NCHW input, OIHW filter."""
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (padding[0], padding[1]), (padding[2], padding[3])))
    n, c, h, wd = x.shape
    o, ci, kh, kw = w.shape
    oh = (h - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    out = np.zeros((n, o, oh, ow))
    per_group = o // groups
    for oc in range(o):
        g = oc // per_group
        for i in range(oh):
            for j in range(ow):
                rows = i * strides[0] + dilations[0] * np.arange(kh)
                cols = j * strides[1] + dilations[1] * np.arange(kw)
                patch = x[:, g * ci:(g + 1) * ci][:, :, rows][:, :, :, cols]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3))
    if bias is not None:
        out += bias.reshape(1, -1, 1, 1)
    return out


CONV_CASES = [
    dict(),
    dict(padding=[1, 1, 1, 1], strides=[2, 2]),
    dict(padding=[0, 1, 2, 0], dilations=[2, 1]),
    dict(groups=2),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("options", CONV_CASES, ids=str)
@pytest.mark.parametrize("layouts", [("nchw", "oihw"), ("nhwc", "ohwi"), ("nhwc", "hwio"), ("nchw", "ihwo")], ids=str)
def test_conv2d(context, dtype, options, layouts):
    groups = options.get("groups", 1)
    x = random(dtype, (1, 4, 7, 6), seed=6)
    w = random(dtype, (6, 4 // groups, 3, 2), seed=7)
    bias = random(dtype, (6,), seed=8)
    expected = conv2d_reference(x, w.astype(np.float64), bias, **{k: tuple(v) if isinstance(v, list) else v for k, v in options.items()})
    input_layout, filter_layout = layouts
    x_in = x.transpose(0, 2, 3, 1) if input_layout == "nhwc" else x
    w_in = {"oihw": w, "ohwi": w.transpose(0, 2, 3, 1), "hwio": w.transpose(2, 3, 1, 0), "ihwo": w.transpose(1, 2, 3, 0)}[filter_layout]
    actual = run(context, lambda g, a, f, b: g.conv2d(a, f, bias=b, input_layout=input_layout, filter_layout=filter_layout, **options),
                 x=np.ascontiguousarray(x_in), w=np.ascontiguousarray(w_in), b=bias)
    close(actual, expected.transpose(0, 2, 3, 1) if input_layout == "nhwc" else expected, dtype)


def conv_transpose2d_reference(x, w, padding, strides, output_padding, groups=1):
    """NCHW input, IOHW filter: scatter each input pixel times the kernel, then crop the padding."""
    n, c, h, wd = x.shape
    _, o_per_group, kh, kw = w.shape
    full = np.zeros((n, o_per_group * groups, (h - 1) * strides[0] + kh + output_padding[0],
                     (wd - 1) * strides[1] + kw + output_padding[1]))
    c_per_group = c // groups
    for ic in range(c):
        g = ic // c_per_group
        for i in range(h):
            for j in range(wd):
                full[:, g * o_per_group:(g + 1) * o_per_group, i * strides[0]:i * strides[0] + kh,
                     j * strides[1]:j * strides[1] + kw] += x[:, ic, i, j][:, None, None, None] * w[ic]
    return full[:, :, padding[0]:full.shape[2] - padding[1], padding[2]:full.shape[3] - padding[3]]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", [dict(padding=[0, 0, 0, 0], strides=[1, 1], output_padding=[0, 0]),
                                  dict(padding=[1, 1, 0, 1], strides=[2, 2], output_padding=[1, 0]),
                                  dict(padding=[0, 0, 0, 0], strides=[2, 1], output_padding=[0, 0], groups=2)], ids=str)
def test_conv_transpose2d(context, dtype, case):
    groups = case.get("groups", 1)
    x = random(dtype, (1, 4, 3, 4), seed=9)
    w = random(dtype, (4, 3, 3, 2), seed=10)
    expected = conv_transpose2d_reference(x.astype(np.float64), w.astype(np.float64), case["padding"], case["strides"],
                                          case["output_padding"], groups)
    actual = run(context, lambda g, a, f: g.conv_transpose2d(a, f, padding=case["padding"], strides=case["strides"],
                                                             output_padding=case["output_padding"], groups=groups), x=x, w=w)
    close(actual, expected, dtype)


def test_conv_transpose2d_output_sizes_and_nhwc(context):
    x = random("float32", (1, 3, 3, 2), seed=11)  # nhwc
    w = random("float32", (5, 3, 3, 2), seed=12)  # ohwi: [out, h, w, in]
    actual = run(context, lambda g, a, f: g.conv_transpose2d(a, f, strides=[2, 2], output_sizes=[8, 8], input_layout="nhwc",
                                                             filter_layout="ohwi"), x=x, w=w)
    expected = conv_transpose2d_reference(x.transpose(0, 3, 1, 2).astype(np.float64), w.transpose(3, 0, 1, 2).astype(np.float64),
                                          [0, 0, 0, 0], [2, 2], [1, 1])
    close(actual, expected.transpose(0, 2, 3, 1), "float32")


def pool_reference(x, kind, window, padding=(0, 0, 0, 0), strides=(1, 1), dilations=(1, 1), ceil=False):
    n, c, h, w = x.shape
    fill = -np.inf if kind == "max" else np.nan
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (padding[0], padding[1] + strides[0]), (padding[2], padding[3] + strides[1])),
                    constant_values=fill)
    out_dims = []
    for d, (size, k, pb, pe, s, dil) in enumerate(zip((h, w), window, padding[0::2], padding[1::2], strides, dilations)):
        steps = size + pb + pe - dil * (k - 1) - 1
        out_dims.append((-(-steps // s) if ceil else steps // s) + 1)
    out = np.zeros((n, c) + tuple(out_dims))
    for i in range(out_dims[0]):
        for j in range(out_dims[1]):
            rows = i * strides[0] + dilations[0] * np.arange(window[0])
            cols = j * strides[1] + dilations[1] * np.arange(window[1])
            patch = padded[:, :, rows][:, :, :, cols].reshape(n, c, -1)
            if kind == "max":
                out[:, :, i, j] = patch.max(axis=2)
            elif kind == "average":
                out[:, :, i, j] = np.nanmean(patch, axis=2)  # padding does not count
            else:
                out[:, :, i, j] = np.sqrt(np.nansum(patch ** 2, axis=2))
    return out


POOL_CASES = [dict(window_dimensions=[2, 2], strides=[2, 2]),
              dict(window_dimensions=[3, 3], padding=[1, 1, 1, 1]),
              dict(window_dimensions=[3, 2], strides=[2, 2], rounding_type="ceil"),
              dict()]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("kind", ["max", "average", "l2"])
@pytest.mark.parametrize("case", POOL_CASES, ids=str)
@pytest.mark.parametrize("layout", ["nchw", "nhwc"])
def test_pool2d(context, dtype, kind, case, layout):
    if kind == "l2" and case.get("rounding_type") == "ceil":
        pytest.skip("l2Pool2d with ceil rounding is rejected: ONNX opset 17 LpPool has no ceil mode")
    x = random(dtype, (1, 2, 5, 6), seed=13)
    window = case.get("window_dimensions", [5, 6])
    expected = pool_reference(x, kind, window, tuple(case.get("padding", [0, 0, 0, 0])), tuple(case.get("strides", [1, 1])),
                              ceil=case.get("rounding_type") == "ceil")
    x_in = np.ascontiguousarray(x.transpose(0, 2, 3, 1)) if layout == "nhwc" else x
    actual = run(context, lambda g, a: getattr(g, f"{kind}_pool2d")(a, layout=layout, **case), x=x_in)
    close(actual, expected.transpose(0, 2, 3, 1) if layout == "nhwc" else expected, dtype)


def test_max_pool2d_dilations_and_output_sizes(context):
    x = random("float32", (1, 1, 7, 7), seed=14)
    actual = run(context, lambda g, a: g.max_pool2d(a, window_dimensions=[2, 2], dilations=[2, 2], strides=[2, 2], output_sizes=[3, 3]), x=x)
    close(actual, pool_reference(x, "max", [2, 2], strides=(2, 2), dilations=(2, 2), ceil=True), "float32")


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis", [1, 3])
def test_batch_normalization(context, dtype, axis):
    x = random(dtype, (2, 3, 4, 3), seed=15)
    channels = x.shape[axis]
    mean, var = random(dtype, (channels,), seed=16), random(dtype, (channels,), 0.5, 2, seed=17)
    scale, bias = random(dtype, (channels,), seed=18), random(dtype, (channels,), seed=19)
    shape = [1] * 4
    shape[axis] = channels
    r = lambda v: v.astype(np.float64).reshape(shape)
    expected = (x - r(mean)) / np.sqrt(r(var) + 1e-3) * r(scale) + r(bias)
    actual = run(context, lambda g, a, m, v, s, b: g.batch_normalization(a, m, v, scale=s, bias=b, axis=axis, epsilon=1e-3),
                 x=x, m=mean, v=var, s=scale, b=bias)
    close(actual, expected, dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("layout", ["nchw", "nhwc"])
def test_instance_normalization(context, dtype, layout):
    x = random(dtype, (2, 3, 4, 5), seed=20)
    scale, bias = random(dtype, (3,), seed=21), random(dtype, (3,), seed=22)
    x64 = x.astype(np.float64)
    mean, var = x64.mean(axis=(2, 3), keepdims=True), x64.var(axis=(2, 3), keepdims=True)
    expected = (x64 - mean) / np.sqrt(var + 1e-5) * scale.reshape(1, 3, 1, 1) + bias.reshape(1, 3, 1, 1)
    x_in = np.ascontiguousarray(x.transpose(0, 2, 3, 1)) if layout == "nhwc" else x
    actual = run(context, lambda g, a, s, b: g.instance_normalization(a, scale=s, bias=b, layout=layout), x=x_in, s=scale, b=bias)
    close(actual, expected.transpose(0, 2, 3, 1) if layout == "nhwc" else expected, dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axes", [None, [2], [2, 0], []], ids=str)
def test_layer_normalization(context, dtype, axes):
    x = random(dtype, (2, 3, 4), seed=23)
    used = [1, 2] if axes is None else axes
    param_shape = [x.shape[a] for a in used]
    scale, bias = random(dtype, param_shape, seed=24), random(dtype, param_shape, seed=25)
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=tuple(used), keepdims=True)
    var = x64.var(axis=tuple(used), keepdims=True)
    order = np.argsort(used)
    shape = [1] * 3
    for a in used:
        shape[a] = x.shape[a]
    expected = (x64 - mean) / np.sqrt(var + 1e-5) * scale.transpose(order).reshape(shape) + bias.transpose(order).reshape(shape)
    options = {} if axes is None else {"axes": axes}
    actual = run(context, lambda g, a, s, b: g.layer_normalization(a, scale=s, bias=b, **options), x=x, s=scale, b=bias)
    close(actual, expected, dtype)


REDUCTIONS = {
    "reduce_sum": (np.sum, "all"), "reduce_mean": (np.mean, "float"), "reduce_max": (np.max, "all"),
    "reduce_min": (np.min, "all"), "reduce_product": (np.prod, "all"),
    "reduce_l1": (lambda x, axis, keepdims: np.sum(np.abs(x), axis=axis, keepdims=keepdims), "all"),
    "reduce_l2": (lambda x, axis, keepdims: np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)), "float"),
    "reduce_log_sum": (lambda x, axis, keepdims: np.log(np.sum(x, axis=axis, keepdims=keepdims)), "float"),
    "reduce_log_sum_exp": (lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)), "float"),
    "reduce_sum_square": (lambda x, axis, keepdims: np.sum(x * x, axis=axis, keepdims=keepdims), "all"),
}
REDUCIBLE = ["float32", "float16", "int32", "uint32", "int64", "uint64"]


@pytest.mark.parametrize("op,dtype", [(op, t) for op, (_, kind) in sorted(REDUCTIONS.items())
                                      for t in (REDUCIBLE if kind == "all" else FLOATS)])
@pytest.mark.parametrize("axes,keep", [(None, False), ([1], True), ([0, 2], False), ([], False)], ids=str)
def test_reductions(context, op, dtype, axes, keep):
    reference, _ = REDUCTIONS[op]
    x = random(dtype, (2, 3, 2), 1, 3, seed=26)
    axis = None if axes is None else tuple(axes)
    x64 = x.astype(np.float64)
    expected = x64 if axes == [] else reference(x64, axis=axis, keepdims=keep)
    if axes == [] and op in ("reduce_l1", "reduce_l2"):
        expected = np.abs(x64)
    elif axes == [] and op == "reduce_sum_square":
        expected = x64 * x64
    elif axes == [] and op == "reduce_log_sum":
        expected = np.log(x64)
    options = {"keep_dimensions": keep} if axes is None else {"axes": axes, "keep_dimensions": keep}
    actual = run(context, lambda g, a: getattr(g, op)(a, **options), x=x)
    expected = np.asarray(expected)
    if np.dtype(dtype).kind != "f":
        expected = np.round(expected)
    assert_close(actual, expected.astype(dtype), dtype, **(NN_TOLERANCE.get(dtype, {})))


@pytest.mark.parametrize("dtype", ALL_TYPES)
@pytest.mark.parametrize("op", ["arg_max", "arg_min"])
@pytest.mark.parametrize("keep,output_type", [(False, "int32"), (True, "int64")])
def test_arg_max_min(context, dtype, op, keep, output_type):
    x = random(dtype, (3, 4, 2), 0, 100, seed=27)
    for axis in range(3):
        reference = getattr(np, op.replace("_", ""))(x, axis=axis)
        if keep:
            reference = np.expand_dims(reference, axis)
        actual = run(context, lambda g, a: getattr(g, op)(a, axis, keep_dimensions=keep, output_data_type=output_type), x=x)
        assert_close(actual, reference.astype(output_type), output_type)


def resample_reference(x, sizes, mode, axes=(2, 3)):
    out = x.astype(np.float64)
    for axis, size in zip(axes, sizes):
        n = out.shape[axis]
        coords = (np.arange(size) + 0.5) * n / size - 0.5
        if mode == "nearest-neighbor":
            # round half down, as ONNX's round_prefer_floor
            index = np.clip(np.ceil(coords - 0.5), 0, n - 1).astype(int)
            out = np.take(out, index, axis=axis)
        else:
            coords = np.clip(coords, 0, n - 1)
            low = np.floor(coords).astype(int)
            high = np.minimum(low + 1, n - 1)
            frac = coords - low
            shape = [1] * out.ndim
            shape[axis] = size
            out = np.take(out, low, axis=axis) * (1 - frac.reshape(shape)) + np.take(out, high, axis=axis) * frac.reshape(shape)
    return out


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mode", ["nearest-neighbor", "linear"])
@pytest.mark.parametrize("case", [dict(scales=[2.0, 2.0]), dict(sizes=[3, 7]), dict(sizes=[4, 2], axes=[1, 2])], ids=str)
def test_resample2d(context, dtype, mode, case):
    x = random(dtype, (1, 2, 3, 4), seed=28)
    axes = case.get("axes", [2, 3])
    sizes = case.get("sizes") or [int(x.shape[a] * s) for a, s in zip(axes, case["scales"])]
    actual = run(context, lambda g, a: g.resample2d(a, mode=mode, **case), x=x)
    close(actual, resample_reference(x, sizes, mode, axes), dtype)


@pytest.mark.parametrize("q_type", ["int8", "uint8", "int32"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_quantize_and_dequantize(context, q_type, dtype):
    x = random(dtype, (2, 4), -30, 30, seed=29)
    scale = np.array([[0.5, 0.25, 1.0, 2.0]], dtype)
    zero = np.array([[3, 0, 1, 2]], q_type)
    info = np.iinfo(q_type)
    expected = np.clip(np.round(x.astype(np.float64) / scale.astype(np.float64)) + zero, info.min, info.max).astype(q_type)
    q, back = run(context, lambda g, a, s, z: [g.quantize_linear(a, s, z), g.dequantize_linear(g.quantize_linear(a, s, z), s, z)],
                  x=x, s=scale, z=zero)
    assert_close(q, expected, q_type)
    close(back, (expected.astype(np.float64) - zero) * scale, dtype)
