#include "model/precision.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/checked_math.h"
#include "core/error.h"
#include "core/float16.h"
#include "model/graph_walk.h"
#include "model/tensor_proto.h"

namespace inferfoundry {
namespace fs = std::filesystem;
namespace {

constexpr int32_t kFloat = onnx::TensorProto::FLOAT;
constexpr int32_t kFloat16 = onnx::TensorProto::FLOAT16;
constexpr float kHalfMax = 65504.0f;
constexpr int64_t kProtobufLimit = std::numeric_limits<int32_t>::max();

// Inputs that ONNX types as float only (or that ORT's kernels read as float), by op type and index.
const std::map<std::string, std::vector<int>>& float_only_inputs() {
  static const std::map<std::string, std::vector<int>> slots = {{"Resize", {1, 2}}, {"Upsample", {1}}};
  return slots;
}

// A tensor's values as raw_data (typed fields and external data read in), under the same name.
void make_inline(onnx::TensorProto& tensor, const fs::path* model_dir) {
  const Tensor values = tensor_from_proto(tensor, model_dir);
  onnx::TensorProto inlined = tensor_to_proto(values);
  inlined.set_name(tensor.name());
  inlined.set_doc_string(tensor.doc_string());
  tensor = std::move(inlined);
}

// Appends large tensors' bytes to one external-data file as they come, each at an aligned offset, and makes
// the tensors refer to them; small ones stay inline. Only one tensor's bytes are in memory at a time.
class ExternalDataWriter {
 public:
  ExternalDataWriter(fs::path file, std::string location, const ExternalDataOptions& options)
      : path_(std::move(file)), location_(std::move(location)), options_(options), buffer_(size_t{1} << 20) {
    out_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    out_.open(path_, std::ios::binary | std::ios::trunc);
    if (!out_) fail(ErrorKind::kOutput, "cannot write {}", path_.string());
  }

  void place(onnx::TensorProto& tensor) {
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL || tensor.data_type() == onnx::TensorProto::STRING)
      return;
    if (!tensor.has_raw_data()) {
      // Typed fields (float_data, int64_data...): only large ones are worth decoding to move out.
      const auto dtype = dtype_from_onnx(tensor.data_type());
      if (!dtype || dtype_size(*dtype) == 0) return;
      const uint64_t bytes =
          checked_byte_size(Shape(tensor.dims().begin(), tensor.dims().end()), dtype_size(*dtype), tensor.name());
      if (bytes < static_cast<uint64_t>(options_.size_threshold)) return;
      make_inline(tensor, nullptr);
    }
    const int64_t length = static_cast<int64_t>(tensor.raw_data().size());
    if (length < options_.size_threshold || length == 0) return;
    const int64_t padding = (options_.alignment - offset_ % options_.alignment) % options_.alignment;
    static const std::string zeros(4096, '\0');
    for (int64_t left = padding; left > 0; left -= static_cast<int64_t>(zeros.size())) {
      out_.write(zeros.data(), std::min<int64_t>(left, static_cast<int64_t>(zeros.size())));
    }
    offset_ += padding;
    out_.write(tensor.raw_data().data(), length);
    if (!out_) fail(ErrorKind::kOutput, "cannot write {} (disk full?)", path_.string());
    std::string().swap(*tensor.mutable_raw_data());  // clear_raw_data() alone keeps the string's capacity
    tensor.clear_raw_data();
    tensor.set_data_location(onnx::TensorProto::EXTERNAL);
    tensor.clear_external_data();
    auto add = [&](const std::string& key, const std::string& value) {
      auto* entry = tensor.add_external_data();
      entry->set_key(key);
      entry->set_value(value);
    };
    add("location", location_);
    add("offset", std::to_string(offset_));
    add("length", std::to_string(length));
    offset_ += length;
  }

  // Flushes and closes the file; returns its size.
  int64_t finish() {
    out_.close();
    if (!out_) fail(ErrorKind::kOutput, "cannot write {} (disk full?)", path_.string());
    return offset_;
  }

 private:
  fs::path path_;
  std::string location_;
  ExternalDataOptions options_;
  std::vector<char> buffer_;
  std::ofstream out_;
  int64_t offset_ = 0;
};

class Converter {
 public:
  // With a writer, every initializer goes through it once converted, so large weights leave memory one by one.
  Converter(const std::filesystem::path* model_dir, Fp16Report& report, ExternalDataWriter* writer = nullptr)
      : model_dir_(model_dir), report_(report), writer_(writer) {}

  // Subgraphs' own inputs and outputs are internal values, so they change type like the rest.
  void convert_graph(onnx::GraphProto& graph, bool subgraph = false) {
    if (subgraph) {
      for (auto& input : *graph.mutable_input()) retype(input);
      for (auto& output : *graph.mutable_output()) retype(output);
    }
    for (auto& initializer : *graph.mutable_initializer()) {
      if (initializer.data_type() == kFloat) {
        to_half(initializer);
        ++report_.initializers;
      } else if (initializer.data_location() == onnx::TensorProto::EXTERNAL) {
        // The source's external data does not travel with the converted model: read it in.
        make_inline(initializer, model_dir_);
      }
      if (writer_) writer_->place(initializer);
    }
    for (auto& info : *graph.mutable_value_info()) retype(info);
    onnx::GraphProto rewritten_nodes;
    for (auto& node : *graph.mutable_node()) {
      convert_node(node);
      add_float_only_casts(node, rewritten_nodes);
      *rewritten_nodes.add_node() = node;
    }
    graph.mutable_node()->Swap(rewritten_nodes.mutable_node());
  }

  // The outermost graph keeps float inputs and outputs: Casts just inside translate.
  void keep_float_interface(onnx::GraphProto& graph) {
    std::set<std::string> initializer_names;
    for (const auto& initializer : graph.initializer()) initializer_names.insert(initializer.name());
    std::set<std::string> input_names;
    onnx::GraphProto input_casts;
    for (auto& input : *graph.mutable_input()) {
      input_names.insert(input.name());
      if (!is_float_tensor(input)) continue;
      // Old models list initializers as inputs too: those were converted, so their declared type follows.
      if (initializer_names.count(input.name())) {
        input.mutable_type()->mutable_tensor_type()->set_elem_type(kFloat16);
        continue;
      }
      const std::string half_name = input.name() + "__fp16";
      rename_uses(graph, input.name(), half_name);
      add_cast(input_casts, input.name(), half_name, kFloat16, report_.io_casts);
    }
    for (const auto& output : graph.output()) {
      if (!is_float_tensor(output) || input_names.count(output.name())) continue;
      const std::string half_name = output.name() + "__fp16";
      rename_everywhere(graph, output.name(), half_name);
      add_cast(graph, half_name, output.name(), kFloat, report_.io_casts);
    }
    // Input casts must precede every node that reads them.
    for (auto& node : *graph.mutable_node()) *input_casts.add_node() = std::move(node);
    graph.mutable_node()->Swap(input_casts.mutable_node());
  }

 private:
  static bool is_float_tensor(const onnx::ValueInfoProto& info) {
    return info.type().has_tensor_type() && info.type().tensor_type().elem_type() == kFloat;
  }

  static void retype(onnx::ValueInfoProto& info) {
    if (is_float_tensor(info)) info.mutable_type()->mutable_tensor_type()->set_elem_type(kFloat16);
  }

  static void add_cast(onnx::GraphProto& graph, const std::string& from, const std::string& to, int32_t type,
                       int64_t& counter) {
    auto* cast = graph.add_node();
    cast->set_op_type("Cast");
    cast->set_name(to + "__cast");
    cast->add_input(from);
    cast->add_output(to);
    auto* attribute = cast->add_attribute();
    attribute->set_name("to");
    attribute->set_type(onnx::AttributeProto::INT);
    attribute->set_i(type);
    ++counter;
  }

  // Replaces `from` by `to` wherever a node reads it, subgraphs included (they may read outer names).
  static void rename_uses(onnx::GraphProto& graph, const std::string& from, const std::string& to) {
    for (auto& node : *graph.mutable_node()) {
      for (auto& input : *node.mutable_input()) {
        if (input == from) input = to;
      }
      for (auto& attribute : *node.mutable_attribute()) {
        if (attribute.has_g()) rename_uses(*attribute.mutable_g(), from, to);
        for (auto& subgraph : *attribute.mutable_graphs()) rename_uses(subgraph, from, to);
      }
    }
  }

  static void rename_everywhere(onnx::GraphProto& graph, const std::string& from, const std::string& to) {
    rename_uses(graph, from, to);
    for (auto& node : *graph.mutable_node()) {
      for (auto& output : *node.mutable_output()) {
        if (output == from) output = to;
      }
    }
    for (auto& initializer : *graph.mutable_initializer()) {
      if (initializer.name() == from) initializer.set_name(to);
    }
    for (auto& info : *graph.mutable_value_info()) {
      if (info.name() == from) info.set_name(to);
    }
  }

  void convert_node(onnx::NodeProto& node) {
    for (auto& attribute : *node.mutable_attribute()) {
      if (attribute.has_g()) convert_graph(*attribute.mutable_g(), true);
      for (auto& subgraph : *attribute.mutable_graphs()) convert_graph(subgraph, true);
      const std::string& name = attribute.name();
      if (attribute.has_t() && attribute.t().data_type() != kFloat &&
          attribute.t().data_location() == onnx::TensorProto::EXTERNAL) {
        make_inline(*attribute.mutable_t(), model_dir_);
      }
      if (attribute.has_t() && attribute.t().data_type() == kFloat && (name == "value" || name == "sparse_value")) {
        to_half(*attribute.mutable_t());
        ++report_.constants;
      } else if (node.op_type() == "Constant" && (name == "value_float" || name == "value_floats")) {
        constant_as_half_tensor(attribute);
      } else if ((name == "to" || name == "dtype") && attribute.type() == onnx::AttributeProto::INT &&
                 attribute.i() == kFloat) {
        attribute.set_i(kFloat16);
        ++report_.casts_retargeted;
      }
    }
  }

  // Constant's value_float / value_floats become a float16 `value` tensor (scalar or 1-D).
  void constant_as_half_tensor(onnx::AttributeProto& attribute) {
    onnx::TensorProto tensor;
    tensor.set_data_type(kFloat);
    if (attribute.name() == "value_float") {
      tensor.add_float_data(attribute.f());
    } else {
      tensor.add_dims(attribute.floats_size());
      for (float value : attribute.floats()) tensor.add_float_data(value);
    }
    to_half(tensor);
    attribute.Clear();
    attribute.set_name("value");
    attribute.set_type(onnx::AttributeProto::TENSOR);
    *attribute.mutable_t() = std::move(tensor);
    ++report_.constants;
  }

  void add_float_only_casts(onnx::NodeProto& node, onnx::GraphProto& nodes) {
    const auto slots = float_only_inputs().find(node.op_type());
    if (slots == float_only_inputs().end() || !node.domain().empty()) return;
    for (int index : slots->second) {
      if (index >= node.input_size() || node.input(index).empty()) continue;
      const std::string float_name = node.input(index) + "__fp32_for_" + node.name() + "_" + std::to_string(index);
      add_cast(nodes, node.input(index), float_name, kFloat, report_.float_only_inputs);
      node.set_input(index, float_name);
    }
  }

  void to_half(onnx::TensorProto& tensor) {
    const Tensor values = tensor_from_proto(tensor, model_dir_);
    std::string bytes(static_cast<size_t>(values.element_count()) * sizeof(uint16_t), '\0');
    auto floats = values.data<float>();
    for (size_t i = 0; i < floats.size(); ++i) {
      float value = floats[i];
      if (std::isfinite(value) && std::fabs(value) > kHalfMax) {
        value = std::copysign(kHalfMax, value);
        ++report_.clamped_values;
      }
      const uint16_t half = float_to_half(value);
      std::memcpy(bytes.data() + i * sizeof(uint16_t), &half, sizeof(half));
    }
    tensor.clear_float_data();
    tensor.clear_external_data();
    tensor.clear_data_location();
    tensor.set_data_type(kFloat16);
    tensor.set_raw_data(std::move(bytes));
  }

  const std::filesystem::path* model_dir_;
  Fp16Report& report_;
  ExternalDataWriter* writer_;
};

double gib(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0); }

}  // namespace

onnx::ModelProto convert_to_fp16(const Model& model, Fp16Report* report) {
  Fp16Report local;
  Fp16Report& counts = report ? *report : local;
  counts = {};
  onnx::ModelProto converted = model.proto();
  std::filesystem::path model_dir;
  if (model.path()) model_dir = model.path()->parent_path();
  const std::filesystem::path* dir = model.path() ? &model_dir : nullptr;

  Converter converter(dir, counts);
  onnx::GraphProto& graph = *converted.mutable_graph();
  converter.convert_graph(graph);
  converter.keep_float_interface(graph);
  if (static_cast<int64_t>(converted.ByteSizeLong()) > kProtobufLimit) {
    fail(ErrorKind::kRuntime,
         "{} in float16 is {:.1f} GiB, over protobuf's 2 GiB limit for one in-memory model; "
         "write it with its weights in external data instead (write_fp16_model)",
         model.display_name(), gib(static_cast<int64_t>(converted.ByteSizeLong())));
  }
  return converted;
}

fs::path write_fp16_model(const Model& model, const fs::path& dir, const std::string& file_name,
                          const ExternalDataOptions& options, Fp16Report* report) {
  if (file_name.empty() || fs::path(file_name).filename() != fs::path(file_name) || file_name == "." ||
      file_name == "..") {
    fail(ErrorKind::kInternal, "write_fp16_model: '{}' is not a plain file name", file_name);
  }
  if (options.alignment <= 0 || options.size_threshold < 0) {
    fail(ErrorKind::kInternal, "write_fp16_model: alignment must be positive and the size threshold not negative");
  }
  Fp16Report local;
  Fp16Report& counts = report ? *report : local;
  counts = {};
  // The source's graph; for a model with external data this is small, its weights are read per tensor.
  onnx::ModelProto converted = model.proto();
  fs::path model_dir;
  if (model.path()) model_dir = model.path()->parent_path();
  const fs::path* source_dir = model.path() ? &model_dir : nullptr;

  // A plain file name beside the model: Model::load and ONNX Runtime resolve it against the model's folder.
  const std::string location = file_name + ".data";
  ExternalDataWriter writer(dir / location, location, options);
  Converter converter(source_dir, counts, &writer);
  onnx::GraphProto& graph = *converted.mutable_graph();
  converter.convert_graph(graph);
  converter.keep_float_interface(graph);
  writer.finish();

  const int64_t graph_bytes = static_cast<int64_t>(converted.ByteSizeLong());
  if (graph_bytes > kProtobufLimit) {
    fail(ErrorKind::kRuntime,
         "{} in float16 is {:.1f} GiB even with initializers of {} bytes or more in external data, "
         "over protobuf's 2 GiB limit",
         model.display_name(), gib(graph_bytes), options.size_threshold);
  }
  const fs::path path = dir / file_name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !converted.SerializeToOstream(&out)) fail(ErrorKind::kOutput, "cannot write {}", path.string());
  out.close();
  if (!out) fail(ErrorKind::kOutput, "cannot write {} (disk full?)", path.string());
  return path;
}

int64_t estimate_fp16_bytes(const Model& model) {
  int64_t total = static_cast<int64_t>(model.proto().ByteSizeLong());
  for_each_tensor(model.proto().graph(), [&](const onnx::TensorProto& tensor) {
    const auto dtype = dtype_from_onnx(tensor.data_type());
    if (!dtype || dtype_size(*dtype) == 0) return;
    // Checked: the dimensions are the file's word, and a wrapped product would pick the wrong storage.
    const auto bytes = static_cast<int64_t>(
        checked_byte_size(Shape(tensor.dims().begin(), tensor.dims().end()), dtype_size(*dtype), tensor.name()));
    const bool external = tensor.data_location() == onnx::TensorProto::EXTERNAL;
    const int64_t change = tensor.data_type() == kFloat ? (external ? bytes / 2 : -bytes / 2)  // 4 bytes become 2
                                                        : (external ? bytes : 0);
    total = checked_add(total, change).value_or(std::numeric_limits<int64_t>::max());
  });
  return total;
}

}  // namespace inferfoundry
