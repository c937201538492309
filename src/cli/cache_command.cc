// `inferfoundry cache list|clear|prune`: the folder of built TensorRT engines, timing caches and plans.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cache/cache.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/terminal_text.h"

namespace inferfoundry::cli {
namespace {

std::string human_size(uint64_t bytes) {
  const double value = static_cast<double>(bytes);
  if (value >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GiB", value / (1024.0 * 1024 * 1024));
  if (value >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", value / (1024.0 * 1024));
  if (value >= 1024.0) return fmt::format("{:.1f} KiB", value / 1024.0);
  return fmt::format("{} B", bytes);
}

std::string format_time(std::filesystem::file_time_type time) {
  const auto system =
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(std::chrono::file_clock::to_sys(time));
  return fmt::format("{:%Y-%m-%d %H:%M}", fmt::gmtime(std::chrono::system_clock::to_time_t(system)));
}

class CacheCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand("cache", "List, clear or prune the cache of built engines and plans");
    cmd->add_option("--cache-dir", cache_dir_,
                    "Cache folder (default: $INFERFOUNDRY_CACHE_DIR, else $XDG_CACHE_HOME/inferfoundry)")
        ->check(non_empty_path());
    cmd->require_subcommand(1);
    list_ = cmd->add_subcommand("list", "List the entries, most recently used first");
    list_->add_flag("--json", json_, "Print JSON instead of text");
    clear_ = cmd->add_subcommand("clear", "Remove every entry");
    prune_ = cmd->add_subcommand("prune", "Remove least recently used entries until the cache fits a size");
    prune_->add_option("--max-size", max_size_, "Largest total size to keep, like 500M or 2G")->required();
    for (auto* action : {list_, clear_, prune_}) action->fallthrough();  // --cache-dir also after the action
    return cmd;
  }

  int run(const RuntimeRegistry&) override {
    // Open, never create: a folder without the cache's marker is refused untouched (exit 3).
    const std::filesystem::path root = Cache::default_root(cache_dir_);
    const uint64_t limit = prune_->parsed() ? parse_byte_size(max_size_) : 0;
    const std::optional<Cache> existing = Cache::open_existing(root);
    if (!existing) return nothing_cached(root);
    const Cache& cache = *existing;
    if (list_->parsed()) return list(cache);
    if (clear_->parsed()) {
      const size_t removed = cache.clear();
      fmt::print("removed {} entr{} from {}\n", removed, removed == 1 ? "y" : "ies",
                 terminal_text(cache.root().string()));
      return exit_code::kOk;
    }
    const size_t removed = cache.prune(limit);
    fmt::print("removed {} entr{}; {} now holds {}\n", removed, removed == 1 ? "y" : "ies",
               terminal_text(cache.root().string()), human_size(total_bytes(cache)));
    return exit_code::kOk;
  }

 private:
  // No cache folder yet: an empty listing, nothing to remove, and no folder created to say so.
  int nothing_cached(const std::filesystem::path& root) const {
    if (list_->parsed() && json_) {
      fmt::print("{}\n", dump_json(nlohmann::json{{"root", root.string()}, {"entries", nlohmann::json::array()}}));
    } else if (list_->parsed()) {
      fmt::print("cache folder: {} (not created yet)\n(empty)\n", terminal_text(root.string()));
    } else {
      fmt::print("removed 0 entries; {} does not exist\n", terminal_text(root.string()));
    }
    return exit_code::kOk;
  }

  static uint64_t total_bytes(const Cache& cache) {
    uint64_t total = 0;
    for (const auto& entry : cache.list()) total += entry.bytes;
    return total;
  }

  int list(const Cache& cache) const {
    const auto entries = cache.list();
    if (json_) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& e : entries) {
        items.push_back({{"kind", e.kind},
                         {"key", e.key},
                         {"path", e.path.string()},
                         {"bytes", e.bytes},
                         {"last_used_utc", format_time(e.last_used)}});
      }
      fmt::print("{}\n", dump_json(nlohmann::json{{"root", cache.root().string()}, {"entries", items}}));
      return exit_code::kOk;
    }
    fmt::print("cache folder: {}\n", terminal_text(cache.root().string()));
    if (entries.empty()) {
      fmt::print("(empty)\n");
      return exit_code::kOk;
    }
    fmt::print("{:<16} {:<34} {:>10}  {}\n", "kind", "key", "size", "last used (UTC)");
    uint64_t total = 0;
    for (const auto& e : entries) {
      // Folder names in the cache are whatever is on disk: their control bytes are escaped.
      fmt::print("{:<16} {:<34} {:>10}  {}\n", terminal_text(e.kind), terminal_text(e.key), human_size(e.bytes),
                 format_time(e.last_used));
      total += e.bytes;
    }
    fmt::print("{} entr{}, {}\n", entries.size(), entries.size() == 1 ? "y" : "ies", human_size(total));
    return exit_code::kOk;
  }

  std::string cache_dir_;
  std::string max_size_;
  bool json_ = false;
  CLI::App* list_ = nullptr;
  CLI::App* clear_ = nullptr;
  CLI::App* prune_ = nullptr;
};

}  // namespace

std::unique_ptr<Command> make_cache_command() { return std::make_unique<CacheCommand>(); }

}  // namespace inferfoundry::cli
