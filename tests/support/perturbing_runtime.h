#pragma once
#include <memory>
#include <optional>
#include <string>

#include "runtimes/runtime.h"

namespace inferfoundry::testing {

// A test-only runtime: runs the model on another runtime (usually `onnx`) and then adds `offset` to
// the first element of every floating-point output. With an offset beyond the tolerance it stands in for
// a runtime that computes wrong results; with a tiny one, for an honest one with rounding noise. A given
// reported_precision is what the session reports computing at, as runtimes fixed to a lower precision
// (foundry-fp16, onnx-cuda-fp16) do; otherwise the inner session's precision.
std::unique_ptr<Runtime> make_perturbing_runtime(std::unique_ptr<Runtime> inner, std::string name, double offset,
                                                 std::optional<Precision> reported_precision = std::nullopt);

}  // namespace inferfoundry::testing
