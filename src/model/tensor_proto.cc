#include "model/tensor_proto.h"

#include <cstring>
#include <fstream>
#include <regex>

#include "core/checked_math.h"
#include "core/error.h"
#include "core/file_io.h"
#include "model/external_data.h"
#include "model/model.h"

namespace inferfoundry {
namespace fs = std::filesystem;

namespace {

template <typename Dst, typename Field>
void copy_typed(const Field& field, Tensor& tensor) {
  auto out = tensor.data<Dst>();
  if (static_cast<size_t>(field.size()) != out.size()) {
    fail(ErrorKind::kInput, "tensor '{}' has {} values for shape {}", tensor.name(), field.size(),
         format_shape(tensor.shape()));
  }
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<Dst>(field[static_cast<int>(i)]);
}

// Reads the tensor's bytes from its external file, after checking that the file holds all of them.
void read_external(const onnx::TensorProto& proto, const fs::path& model_dir, Tensor& tensor) {
  const ExternalDataRef ref = external_data_of(proto);
  const fs::path file = resolve_external_data(model_dir, ref.location);
  std::error_code ec;
  const auto file_size = fs::file_size(file, ec);
  if (ec)
    fail(ErrorKind::kInput, "external data '{}' of tensor '{}' cannot be read: {}", ref.location, proto.name(),
         ec.message());
  check_external_extent(proto, ref, file_size);
  if (ref.length && static_cast<uint64_t>(*ref.length) != tensor.byte_size()) {
    fail(ErrorKind::kInput, "external data of tensor '{}' has length {}, its shape needs {} bytes", proto.name(),
         *ref.length, tensor.byte_size());
  }
  std::ifstream in(file, std::ios::binary);
  in.seekg(ref.offset);
  in.read(reinterpret_cast<char*>(tensor.bytes().data()), static_cast<std::streamsize>(tensor.byte_size()));
  if (!in) fail(ErrorKind::kInput, "external data of tensor '{}' is shorter than its shape needs", proto.name());
}

// Values held in the typed fields, whichever the element type uses: an upper bound checked before a
// tensor is allocated, so a file cannot make us allocate for a shape its data does not back.
int64_t typed_value_count(const onnx::TensorProto& proto) {
  return int64_t{proto.float_data_size()} + proto.double_data_size() + proto.int32_data_size() +
         proto.int64_data_size() + proto.uint64_data_size();
}

// Throws Error(kInput) unless the tensor's own data could fill a tensor of `bytes` bytes.
void check_inline_data_backs_shape(const onnx::TensorProto& proto, const Shape& shape, DType dtype, uint64_t bytes) {
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != bytes) {
      fail(ErrorKind::kInput, "tensor '{}' has {} bytes of data for shape {} of {}", proto.name(),
           proto.raw_data().size(), format_shape(shape), dtype_name(dtype));
    }
  } else if (element_count(shape) > typed_value_count(proto)) {
    fail(ErrorKind::kInput, "tensor '{}' has {} values for shape {}", proto.name(), typed_value_count(proto),
         format_shape(shape));
  }
}

void fill_from_typed_fields(const onnx::TensorProto& proto, Tensor& tensor) {
  switch (tensor.dtype()) {
    case DType::kFloat32:
      copy_typed<float>(proto.float_data(), tensor);
      break;
    case DType::kFloat64:
      copy_typed<double>(proto.double_data(), tensor);
      break;
    case DType::kInt64:
      copy_typed<int64_t>(proto.int64_data(), tensor);
      break;
    case DType::kUInt32:
      copy_typed<uint32_t>(proto.uint64_data(), tensor);
      break;
    case DType::kUInt64:
      copy_typed<uint64_t>(proto.uint64_data(), tensor);
      break;
    case DType::kInt32:
      copy_typed<int32_t>(proto.int32_data(), tensor);
      break;
    case DType::kInt8:
      copy_typed<int8_t>(proto.int32_data(), tensor);
      break;
    case DType::kUInt8:
    case DType::kBool:
      copy_typed<uint8_t>(proto.int32_data(), tensor);
      break;
    case DType::kInt16:
      copy_typed<int16_t>(proto.int32_data(), tensor);
      break;
    // float16 and bfloat16 keep their bit patterns in int32_data.
    case DType::kUInt16:
    case DType::kFloat16:
    case DType::kBFloat16:
      copy_typed<uint16_t>(proto.int32_data(), tensor);
      break;
    default:
      fail(ErrorKind::kInput, "tensor '{}': element type {} is not supported", proto.name(),
           dtype_name(tensor.dtype()));
  }
}

}  // namespace

Tensor tensor_from_proto(const onnx::TensorProto& proto, const fs::path* model_dir) {
  const auto dtype = dtype_from_onnx(proto.data_type());
  if (!dtype || dtype_size(*dtype) == 0) {
    fail(ErrorKind::kInput, "tensor '{}' has unsupported element type code {}", proto.name(), proto.data_type());
  }
  const Shape shape(proto.dims().begin(), proto.dims().end());
  const uint64_t bytes = checked_byte_size(shape, dtype_size(*dtype), proto.name());
  const bool external = proto.data_location() == onnx::TensorProto::EXTERNAL;
  if (external && !model_dir)
    fail(ErrorKind::kInput, "tensor '{}' uses external data but has no model folder", proto.name());
  if (!external) check_inline_data_backs_shape(proto, shape, *dtype, bytes);
  Tensor tensor(proto.name(), *dtype, shape);
  if (external) {
    read_external(proto, *model_dir, tensor);
  } else if (proto.has_raw_data()) {
    std::memcpy(tensor.bytes().data(), proto.raw_data().data(), tensor.byte_size());
  } else {
    fill_from_typed_fields(proto, tensor);
  }
  return tensor;
}

onnx::TensorProto tensor_to_proto(const Tensor& tensor) {
  onnx::TensorProto proto;
  proto.set_name(tensor.name());
  proto.set_data_type(static_cast<int32_t>(tensor.dtype()));
  for (int64_t dim : tensor.shape()) proto.add_dims(dim);
  proto.set_raw_data(reinterpret_cast<const char*>(tensor.bytes().data()), tensor.byte_size());
  return proto;
}

Tensor read_tensor_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::kInput, "cannot open tensor file: {}", path.string());
  onnx::TensorProto proto;
  if (!proto.ParseFromIstream(&in)) fail(ErrorKind::kInput, "not a TensorProto file: {}", path.string());
  return tensor_from_proto(proto);
}

void write_tensor_file(const fs::path& path, const Tensor& tensor) {
  std::string bytes;
  tensor_to_proto(tensor).SerializeToString(&bytes);
  write_file_atomically(path, bytes);
}

std::vector<Tensor> read_tensor_folder(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::kInput, "not a folder of tensors: {}", dir.string());
  // At most 9 digits, so the index fits an int: input_99999999999.pb is not one of ours and is ignored.
  const std::regex pattern(prefix + "_([0-9]{1,9})\\.pb");
  std::vector<std::pair<int, fs::path>> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, match, pattern)) files.emplace_back(std::stoi(match[1]), entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Tensor> tensors;
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].first != static_cast<int>(i))
      fail(ErrorKind::kInput, "{}: {}_{}.pb is missing", dir.string(), prefix, i);
    tensors.push_back(read_tensor_file(files[i].second));
  }
  return tensors;
}

void write_tensor_folder(const fs::path& dir, const std::string& prefix, const std::vector<Tensor>& tensors) {
  CreatedFolders created(dir);  // a failed write (full disk) removes what this call made
  for (size_t i = 0; i < tensors.size(); ++i) {
    const fs::path file = dir / (prefix + "_" + std::to_string(i) + ".pb");
    created.add_file(file);
    write_tensor_file(file, tensors[i]);
  }
  created.keep();
}

}  // namespace inferfoundry
