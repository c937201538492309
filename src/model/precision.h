#pragma once
#include <cstdint>

#include "model/model.h"
#include "onnx/onnx.pb.h"

namespace inferfoundry {

// What convert_to_fp16 changed, for the results file.
struct Fp16Report {
  int64_t initializers = 0;      // float initializers stored as float16
  int64_t constants = 0;         // float values of Constant / ConstantOfShape nodes
  int64_t casts_retargeted = 0;  // Cast(to=float) nodes (and dtype attributes) now producing float16
  int64_t io_casts = 0;          // Cast nodes added at float graph inputs and outputs
  int64_t float_only_inputs = 0; // inputs that must stay float (Resize scales...), cast back to float
  int64_t clamped_values = 0;    // finite values beyond float16's range, clamped to +-65504
};

// Rewrites a model to compute in float16 while keeping its interface: float graph inputs and outputs stay
// float, with Cast nodes added just inside the graph, so callers feed and read the same types as before.
// Float initializers, constants and value_info become float16, Cast(to=float) becomes Cast(to=float16),
// and inputs that ONNX defines as float only (Resize roi/scales, Upsample scales) get a Cast back to
// float. External data is read in and stored inline; a result over protobuf's 2 GiB limit throws
// Error(kRuntime). Subgraphs (If, Loop, Scan) are converted too.
onnx::ModelProto convert_to_fp16(const Model& model, Fp16Report* report = nullptr);

}  // namespace inferfoundry
