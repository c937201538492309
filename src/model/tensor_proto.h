#pragma once
#include <filesystem>
#include <vector>

#include "core/tensor.h"
#include "onnx/onnx.pb.h"

namespace inferfoundry {

// Decodes a TensorProto (raw_data or typed fields; external data resolved against model_dir, which must
// then be given). Throws Error(kInput) on malformed or inconsistent tensors.
Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::filesystem::path* model_dir = nullptr);
onnx::TensorProto tensor_to_proto(const Tensor& tensor);

// One TensorProto per .pb file, as in ONNX's test-data layout (input_0.pb, output_0.pb, ...).
Tensor read_tensor_file(const std::filesystem::path& path);
// Written atomically (temp file + rename); throws Error(kOutput) when the file cannot be written.
void write_tensor_file(const std::filesystem::path& path, const Tensor& tensor);

// Reads PREFIX_0.pb, PREFIX_1.pb, ... from a folder in index order.
std::vector<Tensor> read_tensor_folder(const std::filesystem::path& dir, const std::string& prefix);
// Writes PREFIX_K.pb for each tensor, creating the folder. On failure (Error(kOutput)) the files and
// folders this call created are removed again.
void write_tensor_folder(const std::filesystem::path& dir, const std::string& prefix,
                         const std::vector<Tensor>& tensors);

}  // namespace inferfoundry
