#include "runtimes/tensorrt/tensorrt_settings.h"

#include <algorithm>

#include <fmt/format.h>

#include "cache/cache.h"
#include "core/error.h"
#include "core/option_values.h"

namespace inferfoundry::tensorrt {
namespace {

bool parse_switch(const RuntimeOptions& options, const std::string& key, bool fallback) {
  const auto it = options.extra.find(key);
  if (it == options.extra.end()) return fallback;
  return parse_bool_value(it->second, fmt::format("runtime 'tensorrt': --option {}", key));
}

// One shape per model input: given by name, else from symbolic dimensions, else 1 for what nothing fixes
// (the size synthetic inputs use). Names that are neither inputs nor symbols are Error(kUsage).
std::map<std::string, Shape> full_shapes(const Model& model, const std::map<std::string, Shape>& given,
                                         const char* flag) {
  std::map<std::string, int64_t> symbols;
  for (const auto& [name, shape] : given) {
    const bool is_input =
        std::any_of(model.inputs().begin(), model.inputs().end(), [&](const TensorSpec& s) { return s.name == name; });
    if (is_input) continue;
    const bool is_symbol = std::any_of(model.inputs().begin(), model.inputs().end(), [&](const TensorSpec& s) {
      return std::any_of(s.dims.begin(), s.dims.end(), [&](const Dim& d) { return d.symbol == name; });
    });
    if (!is_symbol || shape.size() != 1) {
      fail(ErrorKind::kUsage, "{} {}: not an input of the model, nor a symbolic dimension with one size", flag, name);
    }
    symbols[name] = shape[0];
  }
  std::map<std::string, Shape> shapes;
  for (const auto& input : model.inputs()) {
    if (auto it = given.find(input.name); it != given.end()) {
      if (it->second.size() != input.dims.size()) {
        fail(ErrorKind::kUsage, "{} {}: rank {} does not match the model's ({})", flag, input.name, it->second.size(),
             input.format_dims());
      }
      shapes[input.name] = it->second;
      continue;
    }
    Shape shape;
    for (const auto& dim : input.dims) {
      if (dim.is_fixed())
        shape.push_back(dim.value);
      else if (auto sym = symbols.find(dim.symbol); sym != symbols.end())
        shape.push_back(sym->second);
      else
        shape.push_back(1);
    }
    shapes[input.name] = shape;
  }
  return shapes;
}

std::string profile_text(const std::map<std::string, Shape>& shapes) {
  std::string text;
  for (const auto& [name, shape] : shapes)
    text += fmt::format("{}{}:{}", text.empty() ? "" : ",", name, format_shape(shape));
  return text;
}

bool model_is_static(const Model& model) {
  return std::all_of(model.inputs().begin(), model.inputs().end(), [](const TensorSpec& s) {
    return std::all_of(s.dims.begin(), s.dims.end(), [](const Dim& d) { return d.is_fixed(); });
  });
}

}  // namespace

bool has_qdq_nodes(const onnx::GraphProto& graph) {
  for (const auto& node : graph.node()) {
    if (node.op_type() == "QuantizeLinear" || node.op_type() == "DequantizeLinear") return true;
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_g() && has_qdq_nodes(attribute.g())) return true;
      for (const auto& subgraph : attribute.graphs()) {
        if (has_qdq_nodes(subgraph)) return true;
      }
    }
  }
  return false;
}

ShapeProfile resolve_profile(const Model& model, const RuntimeOptions& options) {
  if (options.shapes.empty() && (!options.min_shapes.empty() || !options.max_shapes.empty())) {
    fail(ErrorKind::kUsage, "--min-shapes and --max-shapes need --shapes (the shapes TensorRT optimises for)");
  }
  if (options.shapes.empty() && model_is_static(model)) return {};
  const auto opt = full_shapes(model, options.shapes, "--shapes");
  const auto min = options.min_shapes.empty() ? opt : full_shapes(model, options.min_shapes, "--min-shapes");
  const auto max = options.max_shapes.empty() ? opt : full_shapes(model, options.max_shapes, "--max-shapes");
  for (const auto& [name, shape] : opt) {
    const Shape& low = min.at(name);
    const Shape& high = max.at(name);
    for (size_t i = 0; i < shape.size(); ++i) {
      if (!(low[i] <= shape[i] && shape[i] <= high[i])) {
        fail(ErrorKind::kUsage, "shape profile of {}: need min <= opt <= max in every dimension, got {} / {} / {}",
             name, format_shape(low), format_shape(shape), format_shape(high));
      }
    }
  }
  return {profile_text(min), profile_text(opt), profile_text(max)};
}

TensorRtSettings resolve_settings(const Model& model, const RuntimeOptions& options) {
  reject_unknown_options(options, "tensorrt", {"engine_cache", "cuda_graph", "calibration_table", "workspace"});
  TensorRtSettings settings;
  settings.precision = options.precision;
  if (settings.precision == Precision::kBf16) {
    fail(ErrorKind::kUsage, "runtime 'tensorrt' supports --precision fp32, fp16 or int8, not {}",
         precision_name(settings.precision));
  }
  settings.engine_cache = parse_switch(options, "engine_cache", true);
  settings.cuda_graph = parse_switch(options, "cuda_graph", false);
  if (auto it = options.extra.find("workspace"); it != options.extra.end())
    settings.workspace_bytes = parse_byte_size(it->second);
  if (auto it = options.extra.find("calibration_table"); it != options.extra.end()) {
    settings.calibration_table = it->second;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(settings.calibration_table, ec)) {
      fail(ErrorKind::kInput, "runtime 'tensorrt': calibration table {} is not a readable file", it->second);
    }
    if (settings.precision != Precision::kInt8)
      fail(ErrorKind::kUsage, "runtime 'tensorrt': calibration_table is only used with --precision int8");
  }
  if (settings.precision == Precision::kInt8 && settings.calibration_table.empty() &&
      !has_qdq_nodes(model.proto().graph())) {
    fail(ErrorKind::kUsage,
         "runtime 'tensorrt': --precision int8 needs a quantized model (QuantizeLinear/DequantizeLinear nodes) or a "
         "calibration table (--option calibration_table=FILE); {} has neither",
         model.display_name());
  }
  settings.profile = resolve_profile(model, options);
  return settings;
}

std::string engine_cache_key(const EngineIdentity& identity, const TensorRtSettings& settings,
                             const std::string& calibration_sha256) {
  return Cache::make_key({"tensorrt-engine-v1", identity.model_digest, identity.gpu, identity.tensorrt_version,
                          identity.onnxruntime_version, std::string(precision_name(settings.precision)),
                          settings.profile.min, settings.profile.opt, settings.profile.max, calibration_sha256,
                          std::to_string(settings.workspace_bytes)});
}

std::string timing_cache_key(const EngineIdentity& identity) {
  return Cache::make_key({"tensorrt-timing-v1", identity.gpu, identity.tensorrt_version, identity.onnxruntime_version});
}

std::unordered_map<std::string, std::string> provider_options(const TensorRtSettings& settings,
                                                              const std::filesystem::path& engine_dir,
                                                              const std::filesystem::path& timing_dir) {
  std::unordered_map<std::string, std::string> options = {
      {"device_id", "0"},
      {"trt_fp16_enable", settings.precision == Precision::kFp16 || settings.precision == Precision::kInt8 ? "1" : "0"},
      {"trt_int8_enable", settings.precision == Precision::kInt8 ? "1" : "0"},
      {"trt_cuda_graph_enable", settings.cuda_graph ? "1" : "0"},
      {"trt_engine_cache_enable", engine_dir.empty() ? "0" : "1"},
      {"trt_timing_cache_enable", timing_dir.empty() ? "0" : "1"},
  };
  if (!engine_dir.empty()) options["trt_engine_cache_path"] = engine_dir.string();
  if (!timing_dir.empty()) options["trt_timing_cache_path"] = timing_dir.string();
  if (!settings.calibration_table.empty()) {
    // ORT looks the name up inside the engine cache folder (the runtime copies the table there), or takes it
    // as a path when there is no cache folder.
    options["trt_int8_calibration_table_name"] = engine_dir.empty()
                                                     ? std::filesystem::absolute(settings.calibration_table).string()
                                                     : settings.calibration_table.filename().string();
  }
  if (settings.workspace_bytes > 0) options["trt_max_workspace_size"] = std::to_string(settings.workspace_bytes);
  if (!settings.profile.empty()) {
    options["trt_profile_min_shapes"] = settings.profile.min;
    options["trt_profile_opt_shapes"] = settings.profile.opt;
    options["trt_profile_max_shapes"] = settings.profile.max;
  }
  return options;
}

}  // namespace inferfoundry::tensorrt
