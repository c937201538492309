#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/precision.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "model/model.h"

namespace inferfoundry {

// Whether a runtime can run on this machine, and if not, why and how to fix it.
struct Availability {
  bool available = false;
  std::string reason;  // empty when available
};

// Settings for preparing a session. Knobs that several runtimes share are typed fields; a runtime's own
// knobs travel in `extra` as strings, and each runtime rejects keys it does not know.
struct RuntimeOptions {
  int threads = 0;  // CPU threads; 0 = the runtime's default
  Precision precision = Precision::kFp32;
  std::map<std::string, Shape> shapes;  // input name -> shape used (and optimised for)
  std::map<std::string, Shape> min_shapes;
  std::map<std::string, Shape> max_shapes;
  std::filesystem::path cache_dir;  // where engines/plans may be cached; empty = no cache
  bool include_transfers = false;   // device runtimes: copy inputs/outputs host<->device inside run()
  std::map<std::string, std::string> extra;
};

// What a runtime measured about one run beyond the host clock (device runtimes, via CUDA events).
struct RunTiming {
  std::optional<double> device_ms;  // compute on the device
  std::optional<double> h2d_ms;     // host to device copies (only with include_transfers)
  std::optional<double> d2h_ms;     // device to host copies (only with include_transfers)
};

// A model prepared on one runtime, ready to run repeatedly. Not thread-safe.
class Session {
 public:
  virtual ~Session() = default;
  // Stages inputs where the runtime reads them (host buffers, or device memory kept there for the timed
  // loop). Inputs are in the model's input order with concrete shapes.
  virtual void set_inputs(const std::vector<Tensor>& inputs) = 0;
  // Runs once on the staged inputs and returns when the results are complete.
  virtual RunTiming run() = 0;
  // Outputs of the last run, in host memory, in the model's output order.
  virtual std::vector<Tensor> outputs() = 0;
  // The precision this session computes at: a runtime fixed to fp16 reports fp16 whatever was asked.
  // The output check takes its default tolerances from it.
  virtual Precision precision() const = 0;
  // Facts worth reporting: which provider ran which nodes, engine build vs load time, kernels chosen.
  virtual nlohmann::json details() const { return nlohmann::json::object(); }
};

// One way of running ONNX models. Implementations live in src/runtimes/<name>/, one folder each.
class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual std::string name() const = 0;         // CLI name: "onnx", "onnx-cuda", "tensorrt", "foundry"
  virtual std::string description() const = 0;  // one line
  virtual Availability availability() const = 0;
  virtual std::string version() const = 0;
  // Prepares a session: throws Error(kUnavailable) if unavailable, Error(kRuntime) if the model is rejected.
  virtual std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions& options) const = 0;
};

}  // namespace inferfoundry

namespace inferfoundry {
// Throws Error(kUsage) naming the runtime, the first key of options.extra it does not know, and the keys it
// does know.
void reject_unknown_options(const RuntimeOptions& options, std::string_view runtime,
                            const std::vector<std::string_view>& known_keys);
}  // namespace inferfoundry
