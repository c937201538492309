#include "model/model.h"

#include <fstream>
#include <system_error>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include "core/error.h"
#include "model/external_data.h"
#include "model/graph_walk.h"

namespace inferfoundry {
namespace fs = std::filesystem;

std::string TensorSpec::format_dims() const {
  if (!rank_known) return "unknown rank";
  if (dims.empty()) return "scalar";
  std::string text;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) text += " x ";
    text += dims[i].is_fixed() ? std::to_string(dims[i].value) : (dims[i].symbol.empty() ? "?" : dims[i].symbol);
  }
  return text;
}

namespace {

TensorSpec spec_from_value_info(const onnx::ValueInfoProto& info) {
  TensorSpec spec;
  spec.name = info.name();
  if (!info.type().has_tensor_type()) {
    fail(ErrorKind::kInput, "model value '{}' is not a tensor (sequences and maps are not supported)", info.name());
  }
  const auto& tensor_type = info.type().tensor_type();
  const auto dtype = dtype_from_onnx(tensor_type.elem_type());
  if (!dtype)
    fail(ErrorKind::kInput, "model value '{}' has unknown element type {}", info.name(), tensor_type.elem_type());
  spec.dtype = *dtype;
  spec.rank_known = tensor_type.has_shape();
  for (const auto& dim : tensor_type.shape().dim()) {
    Dim d;
    if (dim.has_dim_value()) d.value = dim.dim_value();
    if (dim.has_dim_param()) d.symbol = dim.dim_param();
    spec.dims.push_back(d);
  }
  return spec;
}

void check_external_data(const onnx::ModelProto& model, const fs::path& model_dir, bool& found) {
  for_each_stored_tensor(model, [&](const onnx::TensorProto& tensor) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL) return;
    found = true;
    const ExternalDataRef ref = external_data_of(tensor);
    const fs::path file = resolve_external_data(model_dir, ref.location);
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
      fail(ErrorKind::kInput, "external data '{}' of tensor '{}' cannot be read: {}", ref.location, tensor.name(),
           ec.message());
    check_external_extent(tensor, ref, size);
  });
}

}  // namespace

fs::path resolve_external_data(const fs::path& model_dir, const std::string& location) {
  if (location.empty()) fail(ErrorKind::kInput, "external data entry without a location");
  const fs::path relative(location);
  if (relative.is_absolute())
    fail(ErrorKind::kInput, "external data path '{}' is absolute; it must stay inside the model's folder", location);
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(model_dir.empty() ? fs::path(".") : model_dir, ec);
  const fs::path resolved = fs::weakly_canonical(base / relative, ec);
  if (ec) fail(ErrorKind::kInput, "external data path '{}' cannot be resolved: {}", location, ec.message());
  // Compare path components: the resolved file (symlinks followed) must lie below the model's folder.
  auto [base_end, resolved_it] = std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
  if (base_end != base.end() || resolved_it == resolved.end()) {
    fail(ErrorKind::kInput, "external data path '{}' leaves the model's folder; refused", location);
  }
  return resolved;
}

Model Model::load(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) fail(ErrorKind::kInput, "model file not found: {}", path.string());
  if (fs::is_directory(status)) fail(ErrorKind::kInput, "model path is a directory, not a file: {}", path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::kInput, "cannot open model file: {}", path.string());

  auto proto = std::make_shared<onnx::ModelProto>();
  google::protobuf::io::IstreamInputStream raw(&in);
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  if (!proto->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    fail(ErrorKind::kInput, "not a valid ONNX model (protobuf parse failed; truncated or another format?): {}",
         path.string());
  }
  if (proto->ir_version() <= 0 || !proto->has_graph() || proto->graph().output_size() == 0) {
    fail(ErrorKind::kInput, "not a valid ONNX model (no IR version or no graph outputs): {}", path.string());
  }

  Model model;
  model.proto_ = std::move(proto);
  model.path_ = path;
  model.display_name_ = path.filename().string();
  check_external_data(*model.proto_, path.parent_path(), model.has_external_data_);
  model.read_signature();
  return model;
}

Model Model::from_proto(onnx::ModelProto proto, std::string display_name) {
  Model model;
  model.proto_ = std::make_shared<onnx::ModelProto>(std::move(proto));
  model.display_name_ = std::move(display_name);
  bool external = false;
  for_each_stored_tensor(*model.proto_, [&](const onnx::TensorProto& t) {
    external = external || t.data_location() == onnx::TensorProto::EXTERNAL;
  });
  if (external) fail(ErrorKind::kInput, "in-memory model '{}' refers to external data", model.display_name_);
  model.read_signature();
  return model;
}

void Model::read_signature() {
  const auto& graph = proto_->graph();
  std::vector<std::string> initializer_names;
  for (const auto& init : graph.initializer()) initializer_names.push_back(init.name());
  std::sort(initializer_names.begin(), initializer_names.end());
  for (const auto& input : graph.input()) {
    // Older exporters list initializers as graph inputs too; those are weights, not model inputs.
    if (std::binary_search(initializer_names.begin(), initializer_names.end(), input.name())) continue;
    inputs_.push_back(spec_from_value_info(input));
  }
  for (const auto& output : graph.output()) outputs_.push_back(spec_from_value_info(output));
}

const std::string& Model::serialized() const {
  if (!serialized_) {
    auto bytes = std::make_shared<std::string>();
    if (!proto_->SerializeToString(bytes.get())) fail(ErrorKind::kInternal, "cannot serialize model {}", display_name_);
    serialized_ = std::move(bytes);
  }
  return *serialized_;
}

}  // namespace inferfoundry
