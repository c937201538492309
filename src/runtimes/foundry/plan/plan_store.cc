#include "runtimes/foundry/plan/plan_store.h"

#include "cache/cache.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/stopwatch.h"
#include "runtimes/foundry/plan/fingerprint.h"

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
