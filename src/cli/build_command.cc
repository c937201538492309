// `inferfoundry build`: builds (or loads) an engine plan once and reports what the builder did: layers
// before and after fusion, kernels chosen by timing, memory, and optionally a per-layer profile.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/inputs.h"
#include "cache/cache.h"
#include "cli/command.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/json_text.h"
#include "core/option_values.h"

namespace inferfoundry::cli {
namespace {

struct BuildOptions {
  std::string model;
  std::string runtime = "foundry";
  std::string precision = "fp32";
  std::string shapes;
  std::string save_plan, load_plan;
  std::string cache_dir;
  std::string output;
  bool profile = false;
  std::vector<std::string> runtime_options;
};

std::string mib(const nlohmann::json& bytes) {
  return fmt::format("{:.2f} MiB", bytes.get<double>() / (1024.0 * 1024.0));
}

std::string summary_text(const nlohmann::json& d) {
  std::string out;
  if (d.contains("plan_source")) out += fmt::format("plan:           {}\n", d["plan_source"].get<std::string>());
  if (d.contains("build_ms")) out += fmt::format("build time:     {:.1f} ms\n", d["build_ms"].get<double>());
  if (d.contains("load_ms")) out += fmt::format("load time:      {:.1f} ms\n", d["load_ms"].get<double>());
  if (!d.contains("summary")) return out + d.dump(2) + "\n";
  const auto& s = d["summary"];
  out += fmt::format("precision:      {} ({} layout)\n", s.value("precision", "?"), s.value("layout", "?"));
  out += fmt::format(
      "layers:         {} ONNX nodes -> {} after constant folding ({} folded) -> {} after fusion -> {} executed\n",
      s.value("onnx_nodes", 0), s.value("nodes_after_folding", 0), s.value("constant_folded_nodes", 0),
      s.value("layers_after_fusion", 0), s.value("executed_layers", 0));
  out += fmt::format(
      "fusions:        {} BatchNorm folded, {} bias/residual/activation epilogues, {} element-wise merges, {} format "
      "conversions\n",
      s.value("batchnorm_folded", 0), s.value("epilogues_fused", 0), s.value("elementwise_merged", 0),
      s.value("format_conversions", 0));
  const auto& m = s["memory"];
  out += fmt::format("memory:         weights {}, activations {} (without reuse {}), peak {}\n", mib(m["weight_bytes"]),
                     mib(m["activation_arena_bytes"]), mib(m["activation_bytes_without_reuse"]),
                     mib(m["peak_device_bytes"]));
  if (d.contains("kernels")) {
    out += "kernels:\n";
    for (const auto& k : d["kernels"]) {
      std::string timing =
          k.contains("measured_ms")
              ? fmt::format("  {:.4f} ms, best of {}", k["measured_ms"].get<double>(), k["candidates"].get<int64_t>())
              : "";
      out += fmt::format("  {:<40} {:<12} {}{}\n", k["layer"].get<std::string>().substr(0, 40),
                         k["op"].get<std::string>(), k["kernel"].get<std::string>(), timing);
    }
  }
  return out;
}

std::string profile_text(const nlohmann::json& p) {
  std::string out = fmt::format("per-layer profile (median of {} runs, each layer alone, CUDA events):\n",
                                p["iterations"].get<int>());
  out += fmt::format("  {:<40} {:<12} {:>10} {:>7}\n", "layer", "op", "ms", "%");
  const double total = std::max(1e-12, p["sum_of_medians_ms"].get<double>());
  for (const auto& l : p["layers"]) {
    if (l["op"] == "Alias") continue;
    const double ms = l["median_ms"].get<double>();
    out += fmt::format("  {:<40} {:<12} {:>10.4f} {:>6.1f}%\n", l["layer"].get<std::string>().substr(0, 40),
                       l["op"].get<std::string>(), ms, 100.0 * ms / total);
  }
  out += fmt::format("  {:<40} {:<12} {:>10.4f}\n", "total (sum of layers)", "", total);
  return out;
}

class BuildCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand(
        "build", "Build an engine plan ahead of time (foundry), save it, and report what the builder chose");
    cmd->add_option("--model,-m", o_.model, "ONNX model file")->required();
    cmd->add_option("--runtime,-r", o_.runtime, "Runtime that builds the plan")->capture_default_str();
    cmd->add_option("--precision", o_.precision, "fp32 or fp16")
        ->check(CLI::IsMember({"fp32", "fp16"}))
        ->capture_default_str();
    cmd->add_option("--shapes", o_.shapes,
                    "Input shapes: NAME:1x3x224x224,... (NAME may be a symbolic dimension: batch:8)");
    cmd->add_option("--save-plan", o_.save_plan, "Write the built plan to this file")->check(non_empty_path());
    cmd->add_option("--load-plan", o_.load_plan,
                    "Start from this plan file (rebuilt with a warning when damaged or stale)");
    cmd->add_option("--cache-dir", o_.cache_dir, "Plan cache folder (default: $INFERFOUNDRY_CACHE_DIR or XDG cache)")
        ->check(non_empty_path());
    cmd->add_flag("--profile", o_.profile, "Time every fused layer and print a per-layer profile");
    cmd->add_option("--option", o_.runtime_options, "Runtime-specific option KEY=VALUE (repeatable), e.g. tf32=1");
    cmd->add_option("--output,-o", o_.output, "Write the build report (summary, kernels, profile) as JSON to this file")
        ->check(non_empty_path());
    return cmd;
  }

  int run(const RuntimeRegistry& registry) override {
    const Runtime* runtime = registry.find(o_.runtime);
    if (!runtime)
      fail(ErrorKind::kUsage, "unknown runtime '{}'; known: {}", o_.runtime, fmt::join(registry.names(), ", "));
    if (!o_.save_plan.empty()) check_writable(o_.save_plan);
    if (!o_.output.empty()) check_writable(o_.output);
    const Model model = Model::load(o_.model);
    const Availability available = runtime->availability();
    if (!available.available)
      fail(ErrorKind::kUnavailable, "runtime '{}' is unavailable: {}", o_.runtime, available.reason);
    const RuntimeOptions options = runtime_options();
    const auto session = runtime->prepare(model, options);
    const nlohmann::json details = session->details();
    try {
      fmt::print("{}", summary_text(details));
      if (details.contains("profile")) fmt::print("{}", profile_text(details["profile"]));
    } catch (const nlohmann::json::exception& e) {  // a loaded plan's summary is the plan file's text
      fail(ErrorKind::kInput, "the plan's build summary is malformed: {}", e.what());
    }
    if (!o_.save_plan.empty()) fmt::print("plan written to {}\n", o_.save_plan);
    if (!o_.output.empty()) {
      write_file_atomically(o_.output, dump_json(details) + "\n");
      fmt::print("build report written to {}\n", o_.output);
    }
    return exit_code::kOk;
  }

 private:
  RuntimeOptions runtime_options() const {
    RuntimeOptions options;
    options.precision = parse_precision(o_.precision);
    if (!o_.shapes.empty()) options.shapes = parse_shape_list(o_.shapes);
    options.cache_dir = Cache::default_root(o_.cache_dir);
    options.extra = parse_key_values(o_.runtime_options);
    if (!o_.save_plan.empty()) options.extra["save-plan"] = o_.save_plan;
    if (!o_.load_plan.empty()) options.extra["load-plan"] = o_.load_plan;
    if (o_.profile) options.extra["profile"] = "1";
    if (o_.runtime == "foundry") options.extra.try_emplace("progress", "1");
    return options;
  }

  BuildOptions o_;
};

}  // namespace

std::unique_ptr<Command> make_build_command() { return std::make_unique<BuildCommand>(); }

}  // namespace inferfoundry::cli
