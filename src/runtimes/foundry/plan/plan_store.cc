#include "runtimes/foundry/plan/plan_store.h"

#include "cache/cache.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/stopwatch.h"
#include "runtimes/foundry/import/onnx_import.h"
#include "runtimes/foundry/plan/kernel_choice.h"
#include "runtimes/model_digest.h"

namespace inferfoundry::foundry {
namespace {
constexpr const char* kCacheKind = "foundry-plan";

void parse_checked(std::string_view bytes, const nlohmann::json& fingerprint, const std::string& where, PlanRead& read,
                   bool verify_checksum = true, std::shared_ptr<const void> storage = nullptr) {
  const Stopwatch watch;
  try {
    PlanFile plan = deserialize_plan(bytes, verify_checksum, std::move(storage));
    if (plan.fingerprint != fingerprint) {
      read.warning =
          fmt::format("stale plan {} ({}); rebuilding", where, fingerprint_difference(plan.fingerprint, fingerprint));
    } else {
      read.plan = std::move(plan);
    }
  } catch (const Error& e) {
    read.warning = fmt::format("{} ({}); rebuilding", e.what(), where);
  }
  read.parse_ms = watch.elapsed_ms();
}
}  // namespace

nlohmann::json plan_fingerprint(const Model& model, const FoundryOptions& options,
                                const std::map<std::string, Shape>& shapes, const std::string& gpu,
                                const std::string& compute_capability, const std::string& library_versions) {
  nlohmann::json resolved = nlohmann::json::object();
  for (const auto& [name, shape] : resolve_input_shapes(model, shapes)) resolved[name] = format_shape(shape);
  return {{"model_digest", model_content_digest(model)},
          {"precision", precision_name(options.precision)},
          {"tf32", options.tf32},
          {"layout", layout_name(options.layout)},
          {"depthwise", depthwise_name(options.depthwise)},
          {"kernel_reuse", options.kernel_reuse_tolerance},
          {"shapes", resolved},
          {"gpu", gpu},
          {"compute_capability", compute_capability},
          {"foundry_version", kFoundryVersion},
          {"plan_format", kPlanFormatVersion},
          {"libraries", library_versions}};
}

std::string cache_key(const nlohmann::json& fingerprint) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : fingerprint.items()) parts.push_back(key + "=" + value.dump());
  return Cache::make_key(parts);
}

std::string fingerprint_difference(const nlohmann::json& have, const nlohmann::json& want) {
  std::string out;
  for (const auto& [key, value] : want.items()) {
    const nlohmann::json other = have.contains(key) ? have.at(key) : nlohmann::json();
    if (other == value) continue;
    out += fmt::format("{}{}: plan has {}, needed {}", out.empty() ? "" : "; ", key, other.dump(), value.dump());
  }
  return out.empty() ? "fingerprint differs" : out;
}

PlanRead read_plan_file(const std::filesystem::path& path, const nlohmann::json& fingerprint) {
  PlanRead read;
  const Stopwatch watch;
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    read.warning = fmt::format("{}; building instead", e.what());
    return read;
  }
  read.bytes_ms = watch.elapsed_ms();
  parse_checked(bytes, fingerprint, path.string(), read);
  return read;
}

PlanRead read_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint) {
  PlanRead read;
  const Stopwatch watch;
  const Cache cache(cache_root);
  bool damaged = false;
  // Mapped, not read: the weights go from the page cache to the GPU with no copy in between.
  std::optional<Cache::MappedEntry> entry = cache.map(kCacheKind, cache_key(fingerprint), &damaged);
  read.bytes_ms = watch.elapsed_ms();
  if (damaged) read.warning = "damaged plan in the cache (checksum mismatch), removed; rebuilding";
  if (!entry) return read;
  const std::string_view payload = entry->payload;
  auto storage = std::make_shared<const MappedFile>(std::move(entry->file));
  parse_checked(payload, fingerprint, "in the cache", read, /*verify_checksum=*/false,
                std::move(storage));  // the cache checked its own
  return read;
}

void write_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint,
                       const std::string& bytes) {
  Cache(cache_root).write(kCacheKind, cache_key(fingerprint), bytes);
}

}  // namespace inferfoundry::foundry
