// `inferfoundry inspect`: what a model file holds.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/terminal_text.h"
#include "model/model_summary.h"

namespace inferfoundry::cli {
namespace {

nlohmann::json specs_json(const std::vector<TensorSpec>& specs) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& spec : specs) {
    nlohmann::json dims = nlohmann::json::array();
    for (const auto& dim : spec.dims) {
      if (dim.is_fixed())
        dims.push_back(dim.value);
      else
        dims.push_back(dim.symbol.empty() ? nlohmann::json(nullptr) : nlohmann::json(dim.symbol));
    }
    // An unknown rank is null, unlike a scalar's [].
    list.push_back({{"name", spec.name},
                    {"dtype", dtype_name(spec.dtype)},
                    {"shape", spec.rank_known ? dims : nlohmann::json(nullptr)}});
  }
  return list;
}

nlohmann::json summary_json(const ModelSummary& s) {
  nlohmann::json opsets = nlohmann::json::object();
  for (const auto& [domain, version] : s.opsets) opsets[domain.empty() ? "ai.onnx" : domain] = version;
  return {{"model", s.name},
          {"ir_version", s.ir_version},
          {"opsets", opsets},
          {"producer", s.producer},
          {"inputs", specs_json(s.inputs)},
          {"outputs", specs_json(s.outputs)},
          {"op_histogram", s.op_histogram},
          {"node_count", s.node_count},
          {"parameter_count", s.parameter_count},
          {"parameter_bytes", s.parameter_bytes},
          {"external_data", s.external_data}};
}

// Every name in a model file is the author's text: terminal_text keeps its control bytes off the terminal.
std::string summary_text(const ModelSummary& s) {
  std::string out =
      fmt::format("model:       {}\nIR version:  {}\nproducer:    {}\nopsets:     ", terminal_text(s.name),
                  s.ir_version, s.producer.empty() ? "-" : terminal_text(s.producer));
  for (const auto& [domain, version] : s.opsets)
    out += fmt::format(" {}:{}", domain.empty() ? "ai.onnx" : terminal_text(domain), version);
  out += "\ninputs:\n";
  for (const auto& spec : s.inputs)
    out += fmt::format("  {:<24} {:<9} {}\n", terminal_text(spec.name), dtype_name(spec.dtype),
                       terminal_text(spec.format_dims()));
  out += "outputs:\n";
  for (const auto& spec : s.outputs)
    out += fmt::format("  {:<24} {:<9} {}\n", terminal_text(spec.name), dtype_name(spec.dtype),
                       terminal_text(spec.format_dims()));
  out += fmt::format("parameters:  {} ({:.2f} MiB){}\n", s.parameter_count,
                     static_cast<double>(s.parameter_bytes) / (1024.0 * 1024.0),
                     s.external_data ? ", partly in external data files" : "");
  out += fmt::format("nodes:       {}\n", s.node_count);
  std::vector<std::pair<std::string, int64_t>> ops(s.op_histogram.begin(), s.op_histogram.end());
  std::stable_sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [op, count] : ops) out += fmt::format("  {:<24} {}\n", terminal_text(op), count);
  return out;
}

class InspectCommand : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    auto* cmd = app.add_subcommand("inspect", "Show a model's signature, opsets, operators and parameters");
    cmd->add_option("--model,-m", model_, "ONNX model file")->required()->check(non_empty_path());
    cmd->add_flag("--json", json_, "Print JSON instead of text");
    return cmd;
  }
  int run(const RuntimeRegistry&) override {
    const ModelSummary summary = summarize(Model::load(model_));
    fmt::print("{}", json_ ? dump_json(summary_json(summary)) + "\n" : summary_text(summary));
    return exit_code::kOk;
  }

 private:
  std::string model_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_inspect_command() { return std::make_unique<InspectCommand>(); }

}  // namespace inferfoundry::cli
