#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "model/model.h"

namespace inferfoundry {

// How synthetic inputs are made. Values are never all zeros: floats are uniform in [-1, 1], integers
// uniform in [int_min, int_max] (a range that is safe as token ids), bools alternate randomly.
struct InputSpec {
  uint64_t seed = 42;
  int64_t int_min = 0;
  int64_t int_max = 1000;
  // --shapes: input name -> full shape, or symbolic dimension name -> size (given as a 1-element shape).
  std::map<std::string, Shape> shapes;
  // --max-input-bytes: the most the synthetic inputs may take together. Shapes come from the model file
  // and the command line, so a dimension of 2^40 must be refused with a reason, not attempted.
  uint64_t max_input_bytes = kDefaultMaxInputBytes;
  static constexpr uint64_t kDefaultMaxInputBytes = uint64_t{4} << 30;  // 4 GiB
};

// Resolves each model input to a concrete shape: --shapes by input name first, then symbolic dimensions
// by name, then 1 for any dimension still unknown. Unknown names in --shapes throw Error(kUsage); a
// shape that contradicts a fixed dimension throws Error(kUsage); so does an input of unknown rank that
// --shapes does not give in full.
std::map<std::string, Shape> resolve_input_shapes(const Model& model, const std::map<std::string, Shape>& requested);

// Random inputs for every model input. Throws Error(kInput) naming the input when its size overflows or the
// inputs together would exceed spec.max_input_bytes, before anything is allocated.
std::vector<Tensor> synthesize_inputs(const Model& model, const InputSpec& spec);

// Loads input_K.pb files (ONNX test-data layout) and checks them against the model's inputs: count,
// dtype and rank/fixed dimensions. Names are taken from the model. Throws Error(kInput).
std::vector<Tensor> load_inputs(const Model& model, const std::filesystem::path& dir);

// Parses "name:1x128,other:4" (the --shapes syntax). Throws Error(kUsage).
std::map<std::string, Shape> parse_shape_list(const std::string& text);

}  // namespace inferfoundry
