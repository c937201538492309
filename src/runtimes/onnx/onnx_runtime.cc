// `onnx`: ONNX Runtime on the CPU execution provider.
#include "core/error.h"
#include "runtimes/ort/ort_session.h"

namespace inferfoundry {
namespace {

class OnnxCpuRuntime : public Runtime {
 public:
  std::string name() const override { return "onnx"; }
  std::string description() const override { return "ONNX Runtime, CPU execution provider, full graph optimisation"; }
  Availability availability() const override { return {true, ""}; }
  std::string version() const override { return ort::version_string(); }

  std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions& options) const override {
    reject_unknown_options(options, name(), {});
    if (options.precision != Precision::kFp32) {
      fail(ErrorKind::kUsage, "runtime 'onnx' runs the model as it is; --precision {} is not supported on the CPU",
           precision_name(options.precision));
    }
    auto env = ort::shared_environment();
    Ort::Session session = ort::create_session(*env, model, ort::base_session_options(options));
    nlohmann::json details = {
        {"execution_provider", "CPUExecutionProvider"},
        {"graph_optimization", "all"},
        {"intra_op_threads", options.threads > 0 ? nlohmann::json(options.threads) : nlohmann::json("default")}};
    return std::make_unique<ort::HostSession>(std::move(env), std::move(session), Precision::kFp32, std::move(details));
  }
};

}  // namespace

std::unique_ptr<Runtime> make_onnx_runtime() { return std::make_unique<OnnxCpuRuntime>(); }

}  // namespace inferfoundry
