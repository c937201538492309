#pragma once
// The CPU side of onnx-cuda's fp16 path: converts a model to float16 and decides where the result lives
// (memory, InferFoundry's cache, or a temporary folder). No CUDA here, so it is unit-tested on any machine.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cache/cache.h"
#include "model/model.h"
#include "model/precision.h"

namespace inferfoundry::onnx_cuda {

// Part of the cache key of converted models: change it whenever convert_to_fp16 / write_fp16_model write
// something different for the same input, so that older entries are not reused.
inline constexpr std::string_view kFp16ConverterVersion = "fp16-converter-1";
// Cache kind of converted models: ROOT/onnx-fp16/<key>/model.onnx (+ model.onnx.data, conversion.json).
inline constexpr std::string_view kFp16CacheKind = "onnx-fp16";
inline constexpr std::string_view kFp16ModelFile = "model.onnx";

struct Fp16ModelOptions {
  // Converted models estimated (estimate_fp16_bytes) below this stay in memory, as before; larger ones are
  // written with external data. 1 GiB keeps a wide margin below protobuf's 2 GiB limit (the estimate is
  // approximate, and ORT copies the bytes it is given). Tests lower it to force the folder path.
  int64_t in_memory_limit = int64_t{1} << 30;
  ExternalDataOptions external;
};

struct Fp16Model {
  std::optional<Model> model;  // what the session loads: from memory, or from its file (model.path())
  // details.fp16_conversion (what was converted) and details.fp16_model (where it lives: storage
  // "memory" | "cache" | "temporary folder", cache "hit" | "miss" | "off", path, conversion_ms...).
  nlohmann::json details = nlohmann::json::object();
  // The temporary folder when there is no cache folder: keep it until the session that read it is gone.
  std::shared_ptr<TemporaryFolder> temporary;
  // The cache entry's lock, held from the lookup until the caller has created its session from the files.
  std::unique_ptr<CacheLock> lock;
};

// Converts `model` to float16 (convert_to_fp16 / write_fp16_model). Small results stay in memory. Larger
// ones are written with external data: into cache_dir's entry ROOT/onnx-fp16/<key>/ when cache_dir is
// given (key: converter version, the model's content including its external data, the external-data
// options), reused by later calls, written into a temporary folder and renamed into place while the entry's
// lock is held; else into a TemporaryFolder. Throws Error like the conversion does.
Fp16Model prepare_fp16_model(const Model& model, const std::filesystem::path& cache_dir,
                             const Fp16ModelOptions& options = {});

// The cache key prepare_fp16_model uses: converter version, model_content_digest (the model file and each
// external-data file it names) and the external-data options.
std::string fp16_cache_key(const Model& model, const ExternalDataOptions& options);

}  // namespace inferfoundry::onnx_cuda
