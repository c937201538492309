#include "runtimes/onnx_cuda/fp16_model.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "core/error.h"
#include "core/file_io.h"
#include "core/stopwatch.h"
#include "runtimes/model_digest.h"

namespace inferfoundry::onnx_cuda {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kRecordFile = "conversion.json";  // written last: its presence marks a complete entry

nlohmann::json report_json(const Fp16Report& report) {
  return {{"initializers", report.initializers},           {"constants", report.constants},
          {"casts_retargeted", report.casts_retargeted},   {"io_casts", report.io_casts},
          {"float_only_inputs", report.float_only_inputs}, {"clamped_values", report.clamped_values}};
}

fs::path data_file(const fs::path& folder) { return folder / (std::string(kFp16ModelFile) + ".data"); }

// Converts into `folder` and records what was done; returns the record.
nlohmann::json convert_into(const Model& model, const fs::path& folder, const ExternalDataOptions& options) {
  const Stopwatch watch;
  Fp16Report report;
  write_fp16_model(model, folder, std::string(kFp16ModelFile), options, &report);
  std::error_code ec;
  const auto data_bytes = fs::file_size(data_file(folder), ec);
  if (ec) fail(ErrorKind::kOutput, "cannot read back {}: {}", data_file(folder).string(), ec.message());
  return {{"converter", std::string(kFp16ConverterVersion)},
          {"source", model.display_name()},
          {"fp16_conversion", report_json(report)},
          {"conversion_ms", watch.elapsed_ms()},
          {"external_data_bytes", data_bytes}};
}

// The record of a complete entry, or nullopt when the entry is missing or incomplete (files absent, data
// file of another size than recorded).
std::optional<nlohmann::json> complete_entry(const fs::path& entry) {
  std::error_code ec;
  if (!fs::exists(entry / kRecordFile, ec) || !fs::exists(entry / kFp16ModelFile, ec)) return std::nullopt;
  try {
    auto record = nlohmann::json::parse(read_file(entry / kRecordFile));
    const auto data_bytes = fs::file_size(data_file(entry), ec);
    if (ec || record.value("converter", "") != kFp16ConverterVersion ||
        record.value("external_data_bytes", uint64_t{0}) != data_bytes) {
      return std::nullopt;
    }
    return record;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A sibling of the entry that Cache::list() skips while it is written (".tmp-" in its name).
fs::path staging_folder(const fs::path& entry) {
  std::random_device random;
  const fs::path folder =
      entry.parent_path() / fmt::format("{}.tmp-{}-{:08x}", entry.filename().string(), ::getpid(), random());
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) fail(ErrorKind::kOutput, "cannot create {}: {}", folder.string(), ec.message());
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
  return folder;
}

}  // namespace

std::string fp16_cache_key(const Model& model, const ExternalDataOptions& options) {
  return Cache::make_key({std::string(kFp16ConverterVersion), model_content_digest(model),
                          "size_threshold=" + std::to_string(options.size_threshold),
                          "alignment=" + std::to_string(options.alignment)});
}

Fp16Model prepare_fp16_model(const Model& model, const fs::path& cache_dir, const Fp16ModelOptions& options) {
  Fp16Model result;
  const int64_t estimate = estimate_fp16_bytes(model);
  nlohmann::json where = {{"estimated_bytes", estimate}};

  // Small models: converted in memory and loaded from bytes, as before. Writing and hashing them would add
  // file I/O to every run for a conversion that takes milliseconds, and their results stay as they were.
  if (estimate < options.in_memory_limit) {
    const Stopwatch watch;
    Fp16Report report;
    result.model = Model::from_proto(convert_to_fp16(model, &report), model.display_name() + " (fp16)");
    where.update({{"storage", "memory"}, {"cache", "off"}, {"conversion_ms", watch.elapsed_ms()}});
    result.details = {{"fp16_conversion", report_json(report)}, {"fp16_model", where}};
    return result;
  }

  // No cache folder: a temporary folder that lives as long as the session (ORT reads the weights from it when
  // the session is created).
  if (cache_dir.empty()) {
    result.temporary = std::make_shared<TemporaryFolder>("inferfoundry-fp16-");
    const nlohmann::json record = convert_into(model, result.temporary->path(), options.external);
    result.model = Model::load(result.temporary->path() / kFp16ModelFile);
    where.update({{"storage", "temporary folder"},
                  {"cache", "off"},
                  {"path", result.model->path()->string()},
                  {"conversion_ms", record["conversion_ms"]},
                  {"external_data_bytes", record["external_data_bytes"]}});
    result.details = {{"fp16_conversion", record["fp16_conversion"]}, {"fp16_model", where}};
    return result;
  }

  const Cache cache(cache_dir);
  const Stopwatch hash_watch;
  const std::string key = fp16_cache_key(model, options.external);
  where["fingerprint_ms"] = hash_watch.elapsed_ms();
  result.lock = cache.lock(kFp16CacheKind, key);  // a concurrent converter of the same model finishes first
  const fs::path entry = cache.folder(kFp16CacheKind, key);

  std::optional<nlohmann::json> record = complete_entry(entry);
  if (record) {
    try {
      result.model = Model::load(entry / kFp16ModelFile);
      std::error_code ec;
      fs::last_write_time(entry, fs::file_time_type::clock::now(), ec);  // recently used, for `cache prune`
      where.update({{"cache", "hit"}, {"cached_conversion_ms", (*record)["conversion_ms"]}});
    } catch (const Error& e) {
      fmt::print(stderr, "warning: cached fp16 model in {} could not be loaded ({}); converting again\n",
                 entry.string(), e.what());
      record.reset();
    }
  }
  if (!record) {
    const fs::path staging = staging_folder(entry);
    try {
      record = convert_into(model, staging, options.external);
      write_file_atomically(staging / kRecordFile, record->dump(2));
      // The entry folder exists (Cache::folder makes it) but holds nothing complete: replace it whole.
      std::error_code ec;
      fs::remove_all(entry, ec);
      fs::rename(staging, entry, ec);
      if (ec) fail(ErrorKind::kOutput, "cannot move the converted model into {}: {}", entry.string(), ec.message());
    } catch (...) {
      std::error_code ec;
      fs::remove_all(staging, ec);
      throw;
    }
    result.model = Model::load(entry / kFp16ModelFile);
    where.update({{"cache", "miss"}, {"conversion_ms", (*record)["conversion_ms"]}});
  }
  where.update({{"storage", "cache"},
                {"path", result.model->path()->string()},
                {"external_data_bytes", (*record)["external_data_bytes"]}});
  result.details = {{"fp16_conversion", (*record)["fp16_conversion"]}, {"fp16_model", where}};
  return result;
}

}  // namespace inferfoundry::onnx_cuda
