#include "runtimes/foundry/plan_store.h"

#include "cache/cache.h"
#include "core/error.h"
#include "core/file_io.h"
#include "runtimes/foundry/onnx_import.h"

namespace inferfoundry::foundry {
namespace {
constexpr const char* kCacheKind = "foundry-plan";

std::string model_hash(const Model& model) {
  if (model.path() && !model.has_external_data()) return sha256_file(*model.path());
  return sha256_hex(model.serialized());
}

std::optional<PlanFile> parse_checked(std::string_view bytes, const nlohmann::json& fingerprint, const std::string& where, std::string& warning,
                                      bool verify_checksum = true) {
  try {
    PlanFile plan = deserialize_plan(bytes, verify_checksum);
    if (plan.fingerprint != fingerprint) {
      warning = fmt::format("stale plan {} ({}); rebuilding", where, fingerprint_difference(plan.fingerprint, fingerprint));
      return std::nullopt;
    }
    return plan;
  } catch (const Error& e) {
    warning = fmt::format("{} ({}); rebuilding", e.what(), where);
    return std::nullopt;
  }
}
}  // namespace

nlohmann::json plan_fingerprint(const Model& model, const RuntimeOptions& options, const std::string& gpu,
                                const std::string& compute_capability, const std::string& library_versions) {
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& [name, shape] : resolve_input_shapes(model, options.shapes)) shapes[name] = format_shape(shape);
  const auto extra = [&](const char* key, const char* fallback) {
    const auto it = options.extra.find(key);
    return it == options.extra.end() ? std::string(fallback) : it->second;
  };
  return {{"model_sha256", model_hash(model)},
          {"precision", options.precision},
          {"tf32", extra("tf32", "0")},
          {"layout", extra("layout", "nhwc")},
          {"depthwise", extra("depthwise", "auto")},
          {"shapes", shapes},
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

std::optional<PlanFile> read_plan_file(const std::filesystem::path& path, const nlohmann::json& fingerprint, std::string& warning) {
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    warning = fmt::format("{}; building instead", e.what());
    return std::nullopt;
  }
  return parse_checked(bytes, fingerprint, path.string(), warning);
}

std::optional<PlanFile> read_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint, std::string& warning) {
  const Cache cache(cache_root);
  bool damaged = false;
  const auto bytes = cache.read(kCacheKind, cache_key(fingerprint), &damaged);
  if (damaged) warning = "damaged plan in the cache (checksum mismatch), removed; rebuilding";
  if (!bytes) return std::nullopt;
  return parse_checked(*bytes, fingerprint, "in the cache", warning, /*verify_checksum=*/false);  // the cache checked its own
}

void write_cached_plan(const std::filesystem::path& cache_root, const nlohmann::json& fingerprint, const std::string& bytes) {
  Cache(cache_root).write(kCacheKind, cache_key(fingerprint), bytes);
}

}  // namespace inferfoundry::foundry
