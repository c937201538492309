#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "model/model.h"
#include "onnx/onnx.pb.h"

namespace inferfoundry {

// What convert_to_fp16 changed, for the results file.
struct Fp16Report {
  int64_t initializers = 0;       // float initializers stored as float16
  int64_t constants = 0;          // float values of Constant / ConstantOfShape nodes
  int64_t casts_retargeted = 0;   // Cast(to=float) nodes (and dtype attributes) now producing float16
  int64_t io_casts = 0;           // Cast nodes added at float graph inputs and outputs
  int64_t float_only_inputs = 0;  // inputs that must stay float (Resize scales...), cast back to float
  int64_t clamped_values = 0;     // finite values beyond float16's range, clamped to +-65504
};

// Rewrites a model to compute in float16 while keeping its interface: float graph inputs and outputs stay
// float, with Cast nodes added just inside the graph, so callers feed and read the same types as before.
// Float initializers, constants and value_info become float16, Cast(to=float) becomes Cast(to=float16),
// and inputs that ONNX defines as float only (Resize roi/scales, Upsample scales) get a Cast back to
// float. External data is read in and stored inline; a result over protobuf's 2 GiB limit throws
// Error(kRuntime) (write_fp16_model below handles those). Subgraphs (If, Loop, Scan) are converted too.
onnx::ModelProto convert_to_fp16(const Model& model, Fp16Report* report = nullptr);

// How write_fp16_model lays out the converted weights.
struct ExternalDataOptions {
  int64_t size_threshold = 1024;  // initializers of at least this many bytes go to the data file
  int64_t alignment = 4096;       // every tensor's offset in the data file is a multiple of this (page size)
};

// The same conversion, written to a folder instead of memory, for models whose float16 form is too large for
// one protobuf message (2 GiB). DIR/FILE_NAME holds the graph; initializers of at least
// options.size_threshold bytes go to DIR/FILE_NAME.data (ONNX external data: location = that plain file
// name, offset aligned to options.alignment, length), the rest stay inline. Tensors are converted and
// written one at a time (external data of the source is read per tensor), so memory holds the graph and the
// largest tensor, not the model's weights. The folder must exist; both files are written in place (callers
// that need atomicity write into a temporary folder and rename it). Returns the path of the .onnx file.
// Throws Error(kOutput) when a file cannot be written, Error(kRuntime) when even the graph without its
// large weights is over protobuf's limit.
std::filesystem::path write_fp16_model(const Model& model, const std::filesystem::path& dir,
                                       const std::string& file_name, const ExternalDataOptions& options = {},
                                       Fp16Report* report = nullptr);

// Roughly how many bytes the float16 model serializes to with every weight inline (float tensors at two
// bytes per value, other tensors as they are, external data counted): to choose between convert_to_fp16
// and write_fp16_model before converting.
int64_t estimate_fp16_bytes(const Model& model);

}  // namespace inferfoundry
