#pragma once
#include <memory>
#include <string>

#include "runtimes/runtime.h"

namespace inferfoundry::testing {

// A test-only runtime: runs the model on another runtime (usually `onnx`) and then adds `offset` to
// the first element of every floating-point output. With an offset beyond the tolerance it stands in for
// a runtime that computes wrong results; with a tiny one, for an honest one with rounding noise. A
// non-empty reported_precision goes into the session's details["precision"], as runtimes fixed to a
// lower precision report it.
std::unique_ptr<Runtime> make_perturbing_runtime(std::unique_ptr<Runtime> inner, std::string name, double offset,
                                                 std::string reported_precision = {});

}  // namespace inferfoundry::testing
