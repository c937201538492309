#pragma once
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "onnx/onnx.pb.h"

namespace inferfoundry {

// One dimension of a model input or output as the file declares it: a fixed size, a named symbolic
// dimension ("batch", "sequence"), or unknown.
struct Dim {
  int64_t value = -1;  // >= 0 when fixed
  std::string symbol;  // non-empty when symbolic
  bool is_fixed() const { return value >= 0; }
};

struct TensorSpec {
  std::string name;
  DType dtype = DType::kUndefined;
  std::vector<Dim> dims;
  // False when the model gives no shape at all (ONNX's unknown rank): `dims` is then empty but the
  // tensor is not a scalar, and only the user can say what shape it takes.
  bool rank_known = true;
  std::string format_dims() const;  // "batch x 3 x 224 x 224", "unknown rank"
};

// A loaded, validated ONNX model. Holds the parsed protobuf, the path it came from (needed by runtimes
// that resolve external data themselves) and its signature.
class Model {
 public:
  // Loads and validates an .onnx file: a regular file, a parseable ModelProto with a graph, and external
  // data (if any, of any tensor: initializers, sparse initializers, attributes, local functions) that stays
  // inside the model's folder and within its file. Throws Error(kInput) with one clear line.
  static Model load(const std::filesystem::path& path);
  // Wraps an in-memory model (WebNN conversion, tests). External data is not allowed here.
  static Model from_proto(onnx::ModelProto proto, std::string display_name);

  const onnx::ModelProto& proto() const { return *proto_; }
  // Empty for in-memory models.
  const std::optional<std::filesystem::path>& path() const { return path_; }
  // File name for files, the given name for in-memory models.
  const std::string& display_name() const { return display_name_; }
  // Serialized bytes of the model (cached; for runtimes that load from memory).
  const std::string& serialized() const;

  const std::vector<TensorSpec>& inputs() const { return inputs_; }
  const std::vector<TensorSpec>& outputs() const { return outputs_; }
  bool has_external_data() const { return has_external_data_; }

 private:
  Model() = default;
  void read_signature();

  std::shared_ptr<onnx::ModelProto> proto_;
  std::optional<std::filesystem::path> path_;
  std::string display_name_;
  std::vector<TensorSpec> inputs_;
  std::vector<TensorSpec> outputs_;
  bool has_external_data_ = false;
  mutable std::shared_ptr<std::string> serialized_;
};

// Checks that an external-data location named inside a model file resolves inside the model's folder
// (no absolute paths, no "..", no symlinks out). Returns the resolved path; throws Error(kInput).
std::filesystem::path resolve_external_data(const std::filesystem::path& model_dir, const std::string& location);

}  // namespace inferfoundry
