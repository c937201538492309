"""The Python API around the operations: contexts and device selection, constants, several outputs,
tensors and dispatch, the converter's ONNX (checked by onnx.checker), and validation errors."""
import shutil
import subprocess

import numpy as np
import onnx
import pytest

import inferfoundry_webnn as webnn
from conftest import assert_close, random, run

ACCELERATED_CHAIN = ["tensorrt", "foundry", "onnx-cuda", "onnx"]


def gpu_visible():
    return shutil.which("nvidia-smi") is not None and subprocess.run(["nvidia-smi", "-L"], capture_output=True).returncode == 0


def test_low_power_context_runs_on_onnx():
    context = webnn.ML().create_context(power_preference="low-power")
    assert context.backend["runtime"] == "onnx"
    assert "low-power" in context.backend["reason"]


def test_accelerated_context_records_why_each_faster_runtime_was_skipped():
    backend = webnn.ML().create_context(accelerated=True, power_preference="high-performance").backend
    assert backend["runtime"] in ACCELERATED_CHAIN
    chosen = ACCELERATED_CHAIN.index(backend["runtime"])
    skipped = {entry["runtime"]: entry["reason"] for entry in backend["skipped"]}
    for name in ACCELERATED_CHAIN[:chosen]:
        assert skipped.get(name), f"{name} was passed over without a reason: {backend}"
    if not gpu_visible():
        assert backend["runtime"] == "onnx", backend


def test_bad_context_options_raise():
    with pytest.raises(TypeError, match="power_preference 'fastest'"):
        webnn.ML().create_context(power_preference="fastest")


def test_op_support_limits_lists_every_operation(context):
    limits = context.op_support_limits()
    assert set(limits["operations"]) == set(webnn.operation_names())
    assert len(limits["operations"]) == 95
    assert "float16" in limits["input"]["dataTypes"]


def test_constants_shared_operands_and_several_outputs(context):
    builder = webnn.MLGraphBuilder(context)
    x = builder.input("x", {"dataType": "float32", "shape": [2, 3]})
    w = builder.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    b = builder.constant({"data_type": "float32", "shape": [2]}, np.array([1, -1], np.float32))
    half = builder.constant("float32", 0.5)
    hidden = builder.add(builder.matmul(x, w), b)
    graph = builder.build({"hidden": hidden, "scaled": builder.mul(hidden, half), "act": builder.relu(hidden)})
    assert sorted(graph.output_names) == ["act", "hidden", "scaled"]
    data = random("float32", (2, 3), seed=1)
    outputs = context.compute(graph, {"x": data})
    expected = data @ np.arange(6, dtype=np.float32).reshape(3, 2) + np.array([1, -1], np.float32)
    assert_close(outputs["hidden"], expected)
    assert_close(outputs["scaled"], expected * 0.5)
    assert_close(outputs["act"], np.maximum(expected, 0))


def test_float16_arrays_in_and_out(context):
    x = np.array([1.5, -2.25, 65504], np.float16)
    y = run(context, lambda g, a: g.neg(a), x=x)
    assert y.dtype == np.float16 and y.tolist() == [-1.5, 2.25, -65504]


def test_tensors_and_dispatch(context):
    builder = webnn.MLGraphBuilder(context)
    a = builder.input("a", {"dataType": "int32", "shape": [4]})
    graph = builder.build({"twice": builder.add(a, a), "negated": builder.neg(a)})
    source = context.create_tensor({"dataType": "int32", "shape": [4]})
    twice = context.create_tensor({"dataType": "int32", "shape": [4]})
    negated = context.create_tensor({"dataType": "int32", "shape": [4]})
    context.write_tensor(source, np.array([1, 2, 3, -4], np.int32))
    context.dispatch(graph, {"a": source}, {"twice": twice, "negated": negated})
    assert context.read_tensor(twice).tolist() == [2, 4, 6, -8]
    assert context.read_tensor(negated).tolist() == [-1, -2, -3, 4]
    with pytest.raises(TypeError, match="writeTensor"):
        context.write_tensor(source, np.zeros(3, np.int32))
    unreadable = context.create_tensor({"dataType": "int32", "shape": [4]}, readable=False)
    with pytest.raises(TypeError, match="readTensor"):
        context.read_tensor(unreadable)


def test_compiled_graphs_are_reused(context):
    def build(scale):
        builder = webnn.MLGraphBuilder(context)
        x = builder.input("x", {"dataType": "float32", "shape": [2]})
        return builder.build({"y": builder.mul(x, builder.constant(np.array([scale, scale], np.float32)))})
    before = context.compiled_graph_count
    first, same, other = build(2.0), build(2.0), build(3.0)
    assert first.hash == same.hash != other.hash
    for graph in (first, same, other):
        context.compute(graph, {"x": np.ones(2, np.float32)})
    assert context.compiled_graph_count == before + 2


def every_operation_graph(context):
    """One graph that uses every operation, for the checker."""
    g = webnn.MLGraphBuilder(context)
    f = lambda name, shape, t="float32": g.input(name, {"dataType": t, "shape": shape})
    x = f("x", [1, 2, 4, 4])
    v = g.reshape(x, [2, 16])
    u8 = g.cast(v, "uint8")
    outs = {}
    for op in ["add", "sub", "mul", "div", "max", "min", "pow", "equal", "not_equal", "greater", "greater_or_equal",
               "lesser", "lesser_or_equal"]:
        outs[op] = getattr(g, op)(v, v)
    for op in ["logical_and", "logical_or", "logical_xor"]:
        outs[op] = getattr(g, op)(u8, u8)
    outs["logical_not"] = g.logical_not(u8)
    for op in ["abs", "ceil", "cos", "erf", "exp", "floor", "identity", "log", "neg", "reciprocal", "round_even", "sign",
               "sin", "sqrt", "tan", "is_nan", "is_infinite", "relu", "sigmoid", "tanh", "gelu", "elu", "leaky_relu",
               "hard_sigmoid", "hard_swish", "softplus", "softsign", "linear", "clamp", "reduce_l1", "reduce_l2",
               "reduce_log_sum", "reduce_log_sum_exp", "reduce_max", "reduce_mean", "reduce_min", "reduce_product",
               "reduce_sum", "reduce_sum_square", "transpose", "reverse", "triangular"]:
        outs[op] = getattr(g, op)(v)
    outs["softmax"] = g.softmax(v, 1)
    outs["prelu"] = g.prelu(v, f("slope", [16]))
    outs["matmul"] = g.matmul(v, f("m", [16, 3]))
    outs["gemm"] = g.gemm(v, f("gm", [16, 3]), c=f("gc", [3]))
    outs["conv2d"] = g.conv2d(x, f("w", [3, 2, 3, 3]), padding=[1, 1, 1, 1])
    outs["conv_transpose2d"] = g.conv_transpose2d(x, f("wt", [2, 3, 2, 2]), strides=[2, 2])
    for op in ["average_pool2d", "max_pool2d", "l2_pool2d", "instance_normalization", "layer_normalization"]:
        outs[op] = getattr(g, op)(x)
    outs["resample2d"] = g.resample2d(x, scales=[2.0, 2.0], mode="linear")
    outs["batch_normalization"] = g.batch_normalization(x, f("mean", [2]), f("var", [2]))
    outs["arg_max"], outs["arg_min"] = g.arg_max(v, 1), g.arg_min(v, 0)
    outs["cast"] = u8
    outs["reshape"] = v
    outs["where"] = g.where(u8, v, v)
    outs["concat"] = g.concat([v, v], 0)
    outs["split"] = g.split(v, 2, axis=1)[1]
    outs["slice"] = g.slice(v, [0, 1], [1, 4])
    outs["expand"] = g.expand(g.reshape(v, [1, 2, 16]), [3, 2, 16])
    outs["pad"] = g.pad(v, [1, 0], [0, 2], mode="edge")
    outs["tile"] = g.tile(v, [2, 1])
    i = f("i", [3], "int32")
    outs["gather"] = g.gather(v, i, axis=1)
    outs["gather_elements"] = g.gather_elements(v, f("ie", [2, 16], "int64"))
    outs["gather_nd"] = g.gather_nd(v, f("ind", [5, 2], "uint32"))
    outs["scatter_elements"] = g.scatter_elements(v, f("si", [1, 16], "int64"), f("su", [1, 16]))
    outs["scatter_nd"] = g.scatter_nd(v, f("sn", [1, 1], "int64"), f("snu", [1, 16]))
    outs["cumulative_sum"] = g.cumulative_sum(v, 1, exclusive=True)
    q = g.quantize_linear(v, g.constant("float32", 0.1), g.constant("uint8", 128))
    outs["quantize_linear"], outs["dequantize_linear"] = q, g.dequantize_linear(q, g.constant("float32", 0.1), g.constant("uint8", 128))
    seq = g.reshape(v, [2, 1, 16])
    outs["gru"] = g.gru(seq, f("gw", [1, 9, 16]), f("gr", [1, 9, 3]), 2, 3)[0]
    outs["gru_cell"] = g.gru_cell(v, f("cw", [9, 16]), f("cr", [9, 3]), f("ch", [2, 3]), 3)
    outs["lstm"] = g.lstm(seq, f("lw", [1, 12, 16]), f("lr", [1, 12, 3]), 2, 3, return_sequence=True)[2]
    outs["lstm_cell"] = g.lstm_cell(v, f("lcw", [12, 16]), f("lcr", [12, 3]), f("lh", [2, 3]), f("lc", [2, 3]), 3)[1]
    return g.build(outs), set(outs)


def test_converter_output_passes_onnx_checker_for_every_operation(context, tmp_path):
    graph, used = every_operation_graph(context)
    spec_names = {name for name in webnn.operation_names()}
    snake = {"".join("_" + c.lower() if c.isupper() else c for c in name) for name in spec_names}
    snake = {s.replace("is_na_n", "is_nan").replace("gather_n_d", "gather_nd").replace("scatter_n_d", "scatter_nd")
             for s in snake}
    assert snake <= used, snake - used
    model = onnx.load_from_string(graph.onnx_bytes)
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == 17 and model.ir_version == 8
    path = tmp_path / "graph.onnx"
    graph.to_onnx(str(path))
    assert onnx.load(str(path)).graph.output[0].name in graph.output_names


def test_graph_with_every_operation_runs(context):
    graph, _ = every_operation_graph(context)
    model = onnx.load_from_string(graph.onnx_bytes)
    inputs = {}
    for value in model.graph.input:
        shape = [d.dim_value for d in value.type.tensor_type.shape.dim]
        dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[value.type.tensor_type.elem_type]
        inputs[value.name] = random(dtype, shape, 0, 1, seed=2)
    outputs = context.compute(graph, inputs)
    assert set(outputs) == set(graph.output_names)


@pytest.mark.parametrize("build,message", [
    (lambda g, x: g.add(x, g.input("y", {"dataType": "float32", "shape": [5]})), "add: shapes 2x3 and 5 are not broadcastable"),
    (lambda g, x: g.conv2d(x, x), "conv2d: input 'x' .* must have rank 4"),
    (lambda g, x: g.softmax(x, 1, label="head"), None),
    (lambda g, x: g.reduce_sum(x, axes=[0], keep_dims=True), "unknown option 'keepDims'"),
    (lambda g, x: g.clamp(x, min_value="low"), "option 'minValue' must be a number"),
    (lambda g, x: g.cast(x, "bool"), "'bool' is not a WebNN data type"),
    (lambda g, x: g.split(x, [1, 2]), "split: splits sum to 3"),
    (lambda g, x: g.build({"x2": x}), "output 'x2' is an input"),
])
def test_validation_errors_name_the_operation_and_operand(context, build, message):
    builder = webnn.MLGraphBuilder(context)
    x = builder.input("x", {"dataType": "float32", "shape": [2, 3]})
    if message is None:
        build(builder, x)
        return
    with pytest.raises(TypeError, match=message):
        build(builder, x)


def test_compute_input_errors(context):
    builder = webnn.MLGraphBuilder(context)
    x = builder.input("x", {"dataType": "float32", "shape": [2]})
    graph = builder.build({"y": builder.abs(x)})
    with pytest.raises(TypeError, match="input 'x' is missing"):
        context.compute(graph, {})
    with pytest.raises(TypeError, match="'x' is int32 2, but the graph declares float32 2"):
        context.compute(graph, {"x": np.zeros(2, np.int32)})
    with pytest.raises(TypeError, match="not a WebNN data type"):
        context.compute(graph, {"x": np.zeros(2, np.float64)})


def camel_to_snake(name):
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
    return snake.replace("is_na_n", "is_nan").replace("gather_n_d", "gather_nd").replace("scatter_n_d", "scatter_nd")


# How to call operations whose only operand is the one op_support_limits describes (x: rank 4, 1x2x4x4).
SINGLE_OPERAND_CALLS = {
    "softmax": lambda g, x: g.softmax(x, 1), "arg_max": lambda g, x: g.arg_max(x, 1), "arg_min": lambda g, x: g.arg_min(x, 1),
    "cumulative_sum": lambda g, x: g.cumulative_sum(x, 1), "cast": lambda g, x: g.cast(x, "float32"),
    "reshape": lambda g, x: g.reshape(x, [32]), "expand": lambda g, x: g.expand(x, [2, 2, 4, 4]),
    "tile": lambda g, x: g.tile(x, [1, 1, 1, 2]), "slice": lambda g, x: g.slice(x, [0, 0, 0, 0], [1, 1, 2, 2]),
    "pad": lambda g, x: g.pad(x, [0, 0, 1, 1], [0, 0, 1, 1]), "split": lambda g, x: g.split(x, 2, axis=1)[0],
    "concat": lambda g, x: g.concat([x, x], 0), "prelu": lambda g, x: g.prelu(x, x), "matmul": lambda g, x: g.matmul(x, x),
}
NEEDS_OTHER_OPERANDS = {"gemm", "conv2d", "conv_transpose2d", "batch_normalization", "where", "gather", "gather_elements",
                        "gather_nd", "scatter_elements", "scatter_nd", "quantize_linear", "dequantize_linear", "gru",
                        "gru_cell", "lstm", "lstm_cell"}
BINARY_NAMES = {"add", "sub", "mul", "div", "max", "min", "pow", "equal", "not_equal", "greater", "greater_or_equal",
                "lesser", "lesser_or_equal", "logical_and", "logical_or", "logical_xor"}


@pytest.mark.parametrize("dtype", ["float32", "float16", "int8", "uint8", "int32", "uint32", "int64", "uint64"])
def test_op_support_limits_match_what_the_builder_accepts(context, dtype):
    limits = context.op_support_limits()
    checked = 0
    for op in limits["operations"]:
        method = camel_to_snake(op)
        if method in NEEDS_OTHER_OPERANDS:
            continue
        call = SINGLE_OPERAND_CALLS.get(method)
        if call is None:
            call = (lambda m: (lambda g, x: getattr(g, m)(x, x)))(method) if method in BINARY_NAMES else \
                   (lambda m: (lambda g, x: getattr(g, m)(x)))(method)
        builder = webnn.MLGraphBuilder(context)
        x = builder.input("x", {"dataType": dtype, "shape": [1, 2, 4, 4]})
        if dtype in limits[op]["input"]["dataTypes"]:
            call(builder, x)
        else:
            with pytest.raises(TypeError, match="data type"):
                call(builder, x)
        checked += 1
    assert checked == 95 - len(NEEDS_OTHER_OPERANDS)
