"""WebNN graphs in Python, run on InferFoundry's runtimes.

    import numpy as np
    import inferfoundry_webnn as webnn

    context = webnn.ML().create_context(power_preference="low-power")
    builder = webnn.MLGraphBuilder(context)
    x = builder.input("x", {"dataType": "float32", "shape": [2, 3]})
    graph = builder.build({"y": builder.relu(x)})
    print(context.compute(graph, {"x": np.ones((2, 3), np.float32)})["y"])

Validation errors raise TypeError naming the operation and the operand; runtime failures RuntimeError.
"""
from ._webnn import ML, MLContext, MLGraph, MLGraphBuilder, MLOperand, MLTensor, operation_names

__all__ = ["ML", "MLContext", "MLGraph", "MLGraphBuilder", "MLOperand", "MLTensor", "operation_names"]
