#include "bench/inputs.h"

#include <random>

#include "core/checked_math.h"
#include "core/error.h"
#include "core/float16.h"
#include "model/tensor_proto.h"

namespace inferfoundry {

std::map<std::string, Shape> parse_shape_list(const std::string& text) {
  std::map<std::string, Shape> shapes;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    // A comma followed by a digit continues the shape ("1,3,224" is rare but allowed by parse_shape).
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      fail(ErrorKind::kUsage, "invalid --shapes entry '{}': expected NAME:DIMS like input_ids:1x128", item);
    }
    shapes[item.substr(0, colon)] = parse_shape(item.substr(colon + 1));
    start = end + 1;
  }
  return shapes;
}

std::map<std::string, Shape> resolve_input_shapes(const Model& model, const std::map<std::string, Shape>& requested) {
  std::map<std::string, int64_t> symbols;
  for (const auto& [name, shape] : requested) {
    const bool is_input =
        std::any_of(model.inputs().begin(), model.inputs().end(), [&](const TensorSpec& s) { return s.name == name; });
    if (is_input) continue;
    bool is_symbol = false;
    for (const auto& input : model.inputs()) {
      for (const auto& dim : input.dims) is_symbol = is_symbol || dim.symbol == name;
    }
    if (!is_symbol) {
      std::string valid;
      for (const auto& input : model.inputs()) valid += (valid.empty() ? "" : ", ") + input.name;
      fail(ErrorKind::kUsage,
           "--shapes names '{}', which is neither an input nor a symbolic dimension of the model (inputs: {})", name,
           valid);
    }
    if (shape.size() != 1)
      fail(ErrorKind::kUsage, "--shapes {}: a symbolic dimension takes one size, got {}", name, format_shape(shape));
    symbols[name] = shape[0];
  }

  std::map<std::string, Shape> resolved;
  for (const auto& input : model.inputs()) {
    Shape shape;
    if (auto it = requested.find(input.name); it != requested.end()) {
      shape = it->second;
      if (!input.rank_known) {
        resolved[input.name] = shape;  // the model says nothing to check it against
        continue;
      }
      if (shape.size() != input.dims.size()) {
        fail(ErrorKind::kUsage, "--shapes {}: rank {} does not match the model's {} ({})", input.name, shape.size(),
             input.dims.size(), input.format_dims());
      }
      for (size_t i = 0; i < shape.size(); ++i) {
        if (input.dims[i].is_fixed() && input.dims[i].value != shape[i]) {
          fail(ErrorKind::kUsage, "--shapes {}: dimension {} is fixed to {} in the model, got {}", input.name, i,
               input.dims[i].value, shape[i]);
        }
      }
    } else if (!input.rank_known) {
      // Any guess (a scalar, a vector) makes some runtimes abort the process rather than fail the call.
      fail(ErrorKind::kUsage,
           "input '{}' has no shape in the model (unknown rank): give its full shape with --shapes {}:DIMS", input.name,
           input.name);
    } else {
      for (const auto& dim : input.dims) {
        if (dim.is_fixed())
          shape.push_back(dim.value);
        else if (auto sym = symbols.find(dim.symbol); sym != symbols.end())
          shape.push_back(sym->second);
        else
          shape.push_back(1);
      }
    }
    resolved[input.name] = shape;
  }
  return resolved;
}

namespace {

void fill_random(Tensor& tensor, const InputSpec& spec, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int64_t> integer(spec.int_min, spec.int_max);
  const int64_t n = tensor.element_count();
  auto fill = [&]<typename T>(auto&& make) {
    auto data = tensor.data<T>();
    for (int64_t i = 0; i < n; ++i) data[static_cast<size_t>(i)] = make();
  };
  switch (tensor.dtype()) {
    case DType::kFloat32:
      fill.template operator()<float>([&] { return real(rng); });
      break;
    case DType::kFloat64:
      fill.template operator()<double>([&] { return static_cast<double>(real(rng)); });
      break;
    case DType::kFloat16:
      fill.template operator()<uint16_t>([&] { return float_to_half(real(rng)); });
      break;
    case DType::kBFloat16:
      fill.template operator()<uint16_t>([&] { return float_to_bfloat16(real(rng)); });
      break;
    case DType::kInt64:
      fill.template operator()<int64_t>([&] { return integer(rng); });
      break;
    case DType::kInt32:
      fill.template operator()<int32_t>([&] { return static_cast<int32_t>(integer(rng)); });
      break;
    case DType::kUInt32:
      fill.template operator()<uint32_t>([&] { return static_cast<uint32_t>(integer(rng)); });
      break;
    case DType::kUInt64:
      fill.template operator()<uint64_t>([&] { return static_cast<uint64_t>(integer(rng)); });
      break;
    case DType::kInt16:
      fill.template operator()<int16_t>([&] { return static_cast<int16_t>(integer(rng) % 32768); });
      break;
    case DType::kUInt16:
      fill.template operator()<uint16_t>([&] { return static_cast<uint16_t>(integer(rng) % 65536); });
      break;
    case DType::kInt8:
      fill.template operator()<int8_t>([&] { return static_cast<int8_t>(integer(rng) % 128); });
      break;
    case DType::kUInt8:
      fill.template operator()<uint8_t>([&] { return static_cast<uint8_t>(integer(rng) % 256); });
      break;
    case DType::kBool:
      fill.template operator()<uint8_t>([&] { return static_cast<uint8_t>(rng() & 1u); });
      break;
    default:
      fail(ErrorKind::kInput, "cannot synthesise input '{}' of type {}", tensor.name(), dtype_name(tensor.dtype()));
  }
}

// Adds one input's size to the running total; throws Error(kInput) naming it when the total passes the limit.
void reserve_input_bytes(const TensorSpec& input, const Shape& shape, uint64_t limit, uint64_t& total) {
  const size_t element = dtype_size(input.dtype);
  if (element == 0)
    fail(ErrorKind::kInput, "cannot synthesise input '{}' of type {}", input.name, dtype_name(input.dtype));
  const uint64_t bytes = checked_byte_size(shape, element, input.name);
  const auto sum = checked_add(total, bytes);
  if (!sum || *sum > limit) {
    fail(ErrorKind::kInput, "input '{}' of shape {} ({}) needs {}{}, over the --max-input-bytes limit of {}",
         input.name, format_shape(shape), dtype_name(input.dtype), format_bytes(bytes),
         total > 0 ? fmt::format(" ({} with the inputs before it)", format_bytes(sum.value_or(UINT64_MAX))) : "",
         format_bytes(limit));
  }
  total = *sum;
}

}  // namespace

std::vector<Tensor> synthesize_inputs(const Model& model, const InputSpec& spec) {
  if (spec.int_min > spec.int_max) fail(ErrorKind::kUsage, "--int-range {}:{} is empty", spec.int_min, spec.int_max);
  const auto shapes = resolve_input_shapes(model, spec.shapes);
  uint64_t total_bytes = 0;
  for (const auto& input : model.inputs())
    reserve_input_bytes(input, shapes.at(input.name), spec.max_input_bytes, total_bytes);
  std::mt19937_64 rng(spec.seed);
  std::vector<Tensor> inputs;
  for (const auto& input : model.inputs()) {
    Tensor tensor(input.name, input.dtype, shapes.at(input.name));
    fill_random(tensor, spec, rng);
    inputs.push_back(std::move(tensor));
  }
  return inputs;
}

std::vector<Tensor> load_inputs(const Model& model, const std::filesystem::path& dir) {
  auto tensors = read_tensor_folder(dir, "input");
  if (tensors.size() != model.inputs().size()) {
    fail(ErrorKind::kInput, "{} holds {} input files, the model has {} inputs", dir.string(), tensors.size(),
         model.inputs().size());
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& spec = model.inputs()[i];
    auto& tensor = tensors[i];
    if (tensor.dtype() != spec.dtype) {
      fail(ErrorKind::kInput, "input_{}.pb is {}, model input '{}' is {}", i, dtype_name(tensor.dtype()), spec.name,
           dtype_name(spec.dtype));
    }
    bool fits = !spec.rank_known || tensor.shape().size() == spec.dims.size();
    for (size_t d = 0; fits && spec.rank_known && d < spec.dims.size(); ++d)
      fits = !spec.dims[d].is_fixed() || spec.dims[d].value == tensor.shape()[d];
    if (!fits) {
      fail(ErrorKind::kInput, "input_{}.pb has shape {}, model input '{}' is {}", i, format_shape(tensor.shape()),
           spec.name, spec.format_dims());
    }
    tensor.set_name(spec.name);
  }
  return tensors;
}

}  // namespace inferfoundry
