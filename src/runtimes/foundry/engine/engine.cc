#include "runtimes/foundry/engine/engine.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.h"
#include "core/stopwatch.h"

namespace inferfoundry::foundry {
namespace {
constexpr size_t kChoiceScratch = size_t{256} << 20;

// Where the time of a per-step phase goes: totals per operator and the slowest steps, so that a one-time
// library initialisation hiding in the first step of its kind stands out.
class StepTimes {
 public:
  void add(const Node& node, double ms) {
    by_op_[node.op] += ms;
    slowest_.push_back({ms, node.op + " " + node.name});
  }
  nlohmann::json to_json() {
    constexpr size_t kShown = 4;
    std::sort(slowest_.begin(), slowest_.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    nlohmann::json slowest = nlohmann::json::array();
    for (size_t k = 0; k < std::min(kShown, slowest_.size()); ++k)
      slowest.push_back({{"step", slowest_[k].second}, {"ms", slowest_[k].first}});
    return {{"by_op", by_op_}, {"slowest", slowest}};
  }

 private:
  std::map<std::string, double> by_op_;
  std::vector<std::pair<double, std::string>> slowest_;
};
}  // namespace

Engine::Engine(PlanFile plan, const EngineOptions& options, LtHandle lt) : plan_(std::move(plan)), lt_(std::move(lt)) {
  // Each phase is timed: a cached start is only as fast as its slowest phase, and this shows which it is.
  Stopwatch phase;
  const auto end_phase = [&](const char* name) { start_phases_ms_[name] = phase.lap_ms(); };
  validate_planned_graph(plan_.graph, plan_.memory);
  weights_ = cuda::DeviceBuffer(static_cast<size_t>(std::max<int64_t>(plan_.memory.weight_bytes, 256)));
  arena_ = cuda::DeviceBuffer(static_cast<size_t>(std::max<int64_t>(plan_.memory.arena_bytes, 256)));
  // Kernels never read an activation before writing it, but a defined start keeps timing runs reproducible.
  cuda::check(cudaMemset(arena_.get(), 0, arena_.size()), "clear arena");
  end_phase("allocate");
  upload_weights();
  end_phase("upload_weights");
  ctx_.graph = &plan_.graph;
  ctx_.arena = static_cast<char*>(arena_.get());
  ctx_.weights = static_cast<char*>(weights_.get());
  // cuDNN is loaded only when a layer uses it: plans whose convolutions all run as matrix products start faster.
  ctx_.cudnn = [this] {
    if (!cudnn_) {
      const Stopwatch watch;
      cudnn_.emplace();
      check_cudnn(cudnnSetStream(*cudnn_, stream_.get()), "set stream");
      start_phases_ms_["cudnn_handle"] = watch.elapsed_ms();
    }
    return cudnn_->get();
  };
  ctx_.lt = lt_;
  ctx_.stream = stream_.get();
  ctx_.tf32 = options.tf32;
  ctx_.choose = options.choose_kernels;
  ctx_.own_depthwise = options.own_depthwise;
  create_steps(options);
  end_phase("create_steps");  // includes cudnn_handle when a layer needed it
  capture();
  end_phase("capture");
  launch();  // the first replay uploads the graph; keep it out of anyone's timing
  stream_.synchronize();
  end_phase("first_replay");
}

Engine::~Engine() = default;

void Engine::enqueue_steps() const {
  for (const auto& step : steps_) step->enqueue(stream_.get(), workspace_.get());
}

void Engine::launch() const {
  if (graph_)
    graph_.launch(stream_.get());
  else
    enqueue_steps();
}

void Engine::capture() {
  try {
    // The first launch of each kernel loads it (CUDA lazy loading), so capture time is mostly module loads:
    // the steps that launch a library kernel first are timed apart from those that repeat one.
    StepTimes times;
    std::set<std::string> launched;
    double first_use_ms = 0;
    graph_ = cuda::GraphExec::capture(stream_.get(), [&] {
      for (size_t s = 0; s < steps_.size(); ++s) {
        const Stopwatch watch;
        steps_[s]->enqueue(stream_.get(), workspace_.get());
        const double ms = watch.elapsed_ms();
        times.add(plan_.graph.nodes[step_nodes_[s]], ms);
        const std::string kernel = steps_[s]->library_kernel();
        if (!kernel.empty() && launched.insert(kernel).second) first_use_ms += ms;
      }
    });
    start_phases_ms_["capture_detail"] = times.to_json();
    start_phases_ms_["capture_detail"]["library_kernel_first_use_ms"] = first_use_ms;
  } catch (const Error& e) {
    // A library call that cannot be captured: end the capture cleanly and run the steps one by one.
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    cudaStreamIsCapturing(stream_.get(), &status);
    if (status != cudaStreamCaptureStatusNone) {
      cudaGraph_t partial = nullptr;
      cudaStreamEndCapture(stream_.get(), &partial);
      if (partial) cudaGraphDestroy(partial);
    }
    cudaGetLastError();
    graph_ = cuda::GraphExec();
    capture_error_ = e.what();
  }
}

void Engine::upload_weights() {
  char* device = static_cast<char*>(weights_.get());
  // A loaded plan holds the block as it lies on the device: one copy. A built one uploads each constant
  // (straight from it: staging 100 MB through pinned memory costs more than it saves, once).
  if (!plan_.weight_image.empty()) {
    cuda::check(cudaMemcpy(device, plan_.weight_image.data(), plan_.weight_image.size(), cudaMemcpyHostToDevice),
                "upload weights");
  }
  for (const Value& v : plan_.graph.values) {
    if (!v.constant || v.offset < 0) continue;
    cuda::check(cudaMemcpy(device + v.offset, v.constant->bytes().data(), v.byte_size(), cudaMemcpyHostToDevice),
                "upload weights");
  }
}

void Engine::create_steps(const EngineOptions& options) {
  cuda::DeviceBuffer scratch;
  if (options.choose_kernels) {
    size_t free_bytes = 0, total = 0;
    cuda::check(cudaMemGetInfo(&free_bytes, &total), "cudaMemGetInfo");
    scratch = cuda::DeviceBuffer(std::min(kChoiceScratch, free_bytes / 4));
    ctx_.scratch = scratch.get();
    ctx_.scratch_bytes = scratch.size();
  }
  int heavy = 0, heavy_total = 0;
  for (const Node& node : plan_.graph.nodes) heavy_total += node.op == "Conv" || node.op == "Gemm";
  StepTimes times;
  KernelChooser chooser(options.kernel_reuse_tolerance);
  if (options.choose_kernels) ctx_.chooser = &chooser;
  for (size_t n = 0; n < plan_.graph.nodes.size(); ++n) {
    Node& node = plan_.graph.nodes[n];
    const bool is_heavy = node.op == "Conv" || node.op == "Gemm";
    const Stopwatch watch;
    steps_.push_back(make_step(node, ctx_));
    times.add(node, watch.elapsed_ms());
    step_nodes_.push_back(static_cast<int>(n));
    if (is_heavy && options.choose_kernels && options.progress) {
      options.progress(
          fmt::format("[{}/{}] {} {}: fastest {}", ++heavy, heavy_total, node.op, node.name, steps_.back()->kernel()));
    }
  }
  start_phases_ms_["create_steps_detail"] = times.to_json();
  if (options.choose_kernels) reused_over_faster_ = chooser.settle();
  ctx_.chooser = nullptr;
  ctx_.scratch = nullptr;
  ctx_.scratch_bytes = 0;
  scratch = cuda::DeviceBuffer();
  size_t workspace = 256;
  for (const auto& step : steps_) workspace = std::max(workspace, step->workspace_bytes());
  workspace_ = cuda::DeviceBuffer(workspace);
}

void* Engine::input_device(size_t k) const { return ctx_.ptr(plan_.graph.inputs.at(k)); }
void* Engine::output_device(size_t k) const { return ctx_.ptr(plan_.graph.outputs.at(k)); }

nlohmann::json Engine::profile(int iterations) {
  std::vector<cuda::Event> marks(steps_.size() + 1);
  std::vector<std::vector<float>> times(steps_.size());
  for (int it = 0; it < iterations + 1; ++it) {
    marks[0].record(stream_.get());
    for (size_t s = 0; s < steps_.size(); ++s) {
      steps_[s]->enqueue(stream_.get(), workspace_.get());
      marks[s + 1].record(stream_.get());
    }
    stream_.synchronize();
    if (it == 0) continue;  // warm-up pass
    for (size_t s = 0; s < steps_.size(); ++s) times[s].push_back(marks[s + 1].elapsed_since(marks[s]));
  }
  nlohmann::json layers = nlohmann::json::array();
  double total = 0;
  for (size_t s = 0; s < steps_.size(); ++s) {
    std::sort(times[s].begin(), times[s].end());
    const double median = times[s].empty() ? 0.0 : times[s][times[s].size() / 2];
    total += median;
    const Node& node = plan_.graph.nodes[step_nodes_[s]];
    layers.push_back({{"layer", node.name},
                      {"op", node.op},
                      {"fused", node.fused},
                      {"kernel", steps_[s]->kernel()},
                      {"median_ms", median}});
  }
  return {{"iterations", iterations},
          {"layers", layers},
          {"sum_of_medians_ms", total},
          {"note", "each layer timed alone between CUDA events, outside the CUDA graph"}};
}

nlohmann::json Engine::kernel_summary() const {
  std::vector<std::string> names;
  for (const auto& step : steps_) names.push_back(step->library_kernel());
  nlohmann::json summary = {{"library_kernels", distinct_kernels(names)}};
  if (reused_over_faster_ >= 0) summary["layers_reusing_a_slower_kernel"] = reused_over_faster_;
  return summary;
}

nlohmann::json Engine::kernels() const {
  nlohmann::json out = nlohmann::json::array();
  for (size_t s = 0; s < steps_.size(); ++s) {
    const Node& node = plan_.graph.nodes[step_nodes_[s]];
    if (node.op == "Alias") continue;
    nlohmann::json entry = {{"layer", node.name}, {"op", node.op}, {"kernel", steps_[s]->kernel()}};
    if (!node.fused.empty()) entry["fused"] = node.fused;
    if (node.has_attr("chosen_ms")) {
      entry["measured_ms"] = node.attr_float("chosen_ms", 0);
      entry["candidates"] = node.attr_int("candidates", 0);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace inferfoundry::foundry
