// Steps backed by foundry's own kernels, the step factory and candidate timing.
#include "runtimes/foundry/engine/steps.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/error.h"
#include "runtimes/cuda/cuda_common.h"
#include "runtimes/foundry/kernels/data_movement.h"
#include "runtimes/foundry/kernels/elementwise.h"
#include "runtimes/foundry/kernels/normalization.h"
#include "runtimes/foundry/kernels/pooling.h"
#include "runtimes/foundry/kernels/reduction.h"
#include "runtimes/foundry/ops/onnx_semantics.h"

namespace inferfoundry::foundry {

void* StepContext::ptr(int value) const {
  const int root = graph->root_of(value);
  const Value& v = graph->values[root];
  if (v.offset < 0) fail(ErrorKind::kInternal, "value '{}' has no memory in the plan", graph->values[value].name);
  return (v.is_constant() ? weights : arena) + v.offset;
}

double time_candidate(cudaStream_t stream, const std::function<void()>& enqueue, int runs) {
  try {
    cuda::Event start, stop;
    enqueue();  // warm-up, and the first chance to fail
    cuda::check(cudaStreamSynchronize(stream), "candidate warm-up");
    std::vector<float> times;
    for (int r = 0; r < runs; ++r) {
      start.record(stream);
      enqueue();
      stop.record(stream);
      cuda::check(cudaEventSynchronize(stop.get()), "candidate run");
      times.push_back(stop.elapsed_since(start));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
  } catch (const Error&) {
    cudaStreamSynchronize(stream);
    cudaGetLastError();  // a rejected candidate must not poison the next launch
    return -1;
  }
}

double choose_candidate(const StepContext& ctx, std::vector<TimedCandidate> candidates,
                        std::function<void(double ms)> record) {
  std::vector<MeasuredCandidate> measured;
  for (const auto& c : candidates) measured.push_back({c.kernel, time_candidate(ctx.stream, c.enqueue)});
  auto adopt = [candidates = std::move(candidates), record = std::move(record)](int k, double ms) {
    candidates[k].adopt();
    record(ms);
  };
  KernelChooser fastest_only(0.0);
  const int kept = (ctx.chooser ? *ctx.chooser : fastest_only).add(measured, std::move(adopt));
  return kept < 0 ? -1 : measured[kept].ms;
}

namespace {

bool is_half(const Value& v) { return v.dtype == DType::kFloat16; }

// Physical order of a value's logical axes: NHWC walks N, H, W, C.
std::vector<int> physical_order(const Value& v) {
  std::vector<int> order(v.shape.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  if (v.layout == Layout::kNhwc && v.shape.size() == 4) order = {0, 2, 3, 1};
  return order;
}

void check_rank(const Node& node, size_t rank) {
  if (rank > static_cast<size_t>(kernels::kMaxRank))
    fail(ErrorKind::kRuntime, "node '{}' ({}): rank {} exceeds {}", node.name, node.op, rank, kernels::kMaxRank);
}

class ElementwiseStep : public Step {
 public:
  ElementwiseStep(const Node& node, const StepContext& ctx) {
    const Graph& g = *ctx.graph;
    const Value& out = g.values[node.outputs[0]];
    check_rank(node, out.shape.size());
    const auto order = physical_order(out);
    args_.rank = static_cast<int>(out.shape.size());
    for (int d = 0; d < args_.rank; ++d) args_.dims[d] = out.shape[order[d]];
    args_.total = element_count(out.shape);
    args_.inputs = static_cast<int>(node.inputs.size());
    for (int k = 0; k < args_.inputs; ++k) {
      const Value& in = g.values[node.inputs[k]];
      args_.in[k] = ctx.ptr(node.inputs[k]);
      args_.in_half[k] = is_half(in);
      const auto strides = broadcast_strides(in.shape, logical_strides(in.shape, in.layout), out.shape);
      for (int d = 0; d < args_.rank; ++d) args_.strides[k][d] = strides[order[d]];
    }
    const auto code = node.attr_ints("code");
    const auto params = node.attr_floats("params");
    args_.instructions = static_cast<int>(code.size() / 3);
    if (args_.instructions == 0 || args_.instructions > kMaxEwInstructions || params.size() != code.size() / 3 * 2 ||
        args_.inputs > kMaxEwInputs) {
      fail(ErrorKind::kRuntime, "node '{}': malformed element-wise program", node.name);
    }
    for (size_t i = 0; i < code.size(); ++i) {
      const bool operand = i % 3 != 0;
      if (operand && (code[i] >= args_.inputs || code[i] < -static_cast<int64_t>(i / 3)))
        fail(ErrorKind::kRuntime, "node '{}': bad operand", node.name);
      args_.code[i] = static_cast<int>(code[i]);
    }
    std::copy(params.begin(), params.end(), args_.params);
    args_.out = ctx.ptr(node.outputs[0]);
    args_.out_half = is_half(out);
  }
  void enqueue(cudaStream_t stream, void*) override { kernels::elementwise(args_, stream); }
  std::string kernel() const override { return fmt::format("foundry elementwise ({} ops)", args_.instructions); }

 private:
  kernels::ElementwiseArgs args_;
};

// Copy nodes: map_axis/start/step describe the read in logical terms; layouts turn them into strides.
kernels::CopyArgs copy_args(const Value& in, const Value& out, const void* src, void* dst,
                            const std::vector<int64_t>& map_axis, const std::vector<int64_t>& start,
                            const std::vector<int64_t>& step, int64_t out_base, const Shape& dims) {
  kernels::CopyArgs a;
  const auto in_strides = logical_strides(in.shape, in.layout);
  const auto out_strides = logical_strides(out.shape, out.layout);
  const auto order = physical_order(out);
  a.rank = static_cast<int>(dims.size());
  a.total = element_count(dims);
  a.in = src;
  a.out = dst;
  a.in_half = is_half(in);
  a.out_half = is_half(out);
  a.out_base = out_base;
  for (size_t j = 0; j < start.size(); ++j) a.in_base += start[j] * in_strides[j];
  for (int d = 0; d < a.rank; ++d) {
    const int axis = order.size() == dims.size() ? order[d] : d;
    a.dims[d] = dims[axis];
    a.in_strides[d] = map_axis[axis] >= 0 ? in_strides[map_axis[axis]] * step[map_axis[axis]] : 0;
    a.out_strides[d] = out_strides[axis];
  }
  return a;
}

class CopyStep : public Step {
 public:
  CopyStep(const Node& node, const StepContext& ctx) {
    const Graph& g = *ctx.graph;
    const Value& in = g.values[node.inputs[0]];
    const Value& out = g.values[node.outputs[0]];
    check_rank(node, out.shape.size());
    const auto map_axis = node.attr_ints("map_axis"), start = node.attr_ints("start"), step = node.attr_ints("step");
    if (map_axis.size() != out.shape.size() || start.size() != in.shape.size() || step.size() != in.shape.size()) {
      fail(ErrorKind::kRuntime, "node '{}': malformed copy", node.name);
    }
    for (int64_t a : map_axis)
      if (a >= static_cast<int64_t>(in.shape.size())) fail(ErrorKind::kRuntime, "node '{}': malformed copy", node.name);
    args_ = copy_args(in, out, ctx.ptr(node.inputs[0]), ctx.ptr(node.outputs[0]), map_axis, start, step, 0, out.shape);
  }
  void enqueue(cudaStream_t stream, void*) override { kernels::strided_copy(args_, stream); }
  std::string kernel() const override { return "foundry strided copy"; }

 private:
  kernels::CopyArgs args_;
};

class ConcatStep : public Step {
 public:
  ConcatStep(const Node& node, const StepContext& ctx) {
    const Graph& g = *ctx.graph;
    const Value& out = g.values[node.outputs[0]];
    check_rank(node, out.shape.size());
    const int64_t axis = node.attr_int("axis", 0);
    const auto out_strides = logical_strides(out.shape, out.layout);
    int64_t at = 0;
    for (int id : node.inputs) {
      const Value& in = g.values[id];
      std::vector<int64_t> identity(in.shape.size());
      for (size_t k = 0; k < identity.size(); ++k) identity[k] = static_cast<int64_t>(k);
      parts_.push_back(copy_args(in, out, ctx.ptr(id), ctx.ptr(node.outputs[0]), identity,
                                 std::vector<int64_t>(identity.size(), 0), std::vector<int64_t>(identity.size(), 1),
                                 at * out_strides[axis], in.shape));
      at += in.shape[axis];
    }
  }
  void enqueue(cudaStream_t stream, void*) override {
    for (const auto& part : parts_) kernels::strided_copy(part, stream);
  }
  std::string kernel() const override { return fmt::format("foundry concat ({} copies)", parts_.size()); }

 private:
  std::vector<kernels::CopyArgs> parts_;
};

class PoolStep : public Step {
 public:
  PoolStep(const Node& node, const StepContext& ctx) {
    const Value& in = ctx.graph->values[node.inputs[0]];
    const Value& out = ctx.graph->values[node.outputs[0]];
    const auto k = node.attr_ints("kernel"), s = node.attr_ints("strides"), d = node.attr_ints("dilations"),
               p = node.attr_ints("pads");
    if (k.size() != 2 || s.size() != 2 || d.size() != 2 || p.size() != 4 || in.layout != out.layout) {
      fail(ErrorKind::kRuntime, "node '{}': malformed pooling", node.name);
    }
    a_ = {.in = ctx.ptr(node.inputs[0]),
          .out = ctx.ptr(node.outputs[0]),
          .half = is_half(out),
          .nhwc = out.layout == Layout::kNhwc,
          .max = node.attr_string("mode", "max") == "max",
          .count_include_pad = node.attr_int("count_include_pad", 0) != 0,
          .n = in.shape[0],
          .c = in.shape[1],
          .h = in.shape[2],
          .w = in.shape[3],
          .oh = out.shape[2],
          .ow = out.shape[3],
          .kh = static_cast<int>(k[0]),
          .kw = static_cast<int>(k[1]),
          .sh = static_cast<int>(s[0]),
          .sw = static_cast<int>(s[1]),
          .ph = static_cast<int>(p[0]),
          .pw = static_cast<int>(p[1]),
          .pb = static_cast<int>(p[2]),
          .pr = static_cast<int>(p[3]),
          .dh = static_cast<int>(d[0]),
          .dw = static_cast<int>(d[1])};
  }
  void enqueue(cudaStream_t stream, void*) override { kernels::pool2d(a_, stream); }
  std::string kernel() const override { return a_.max ? "foundry maxpool2d" : "foundry avgpool2d"; }

 private:
  kernels::PoolArgs a_;
};

class ReduceStep : public Step {
 public:
  ReduceStep(const Node& node, const StepContext& ctx) {
    const Value& in = ctx.graph->values[node.inputs[0]];
    const auto axes = node.attr_ints("axes");
    const std::string mode = node.attr_string("mode", "mean");
    mode_ = mode == "mean" ? 0 : mode == "sum" ? 1 : mode == "max" ? 2 : 3;
    if (axes.empty() || axes.front() < 0 || axes.back() >= static_cast<int64_t>(in.shape.size()))
      fail(ErrorKind::kRuntime, "node '{}': malformed reduce", node.name);
    if (in.layout == Layout::kNhwc && in.shape.size() == 4) {
      if (axes != std::vector<int64_t>{2, 3})
        fail(ErrorKind::kRuntime, "node '{}': channels-last reduce must be spatial", node.name);
      outer_ = in.shape[0];
      extent_ = in.shape[2] * in.shape[3];
      inner_ = in.shape[1];
    } else {
      outer_ = element_count(Shape(in.shape.begin(), in.shape.begin() + axes.front()));
      extent_ = element_count(Shape(in.shape.begin() + axes.front(), in.shape.begin() + axes.back() + 1));
      inner_ = element_count(Shape(in.shape.begin() + axes.back() + 1, in.shape.end()));
    }
    in_ = ctx.ptr(node.inputs[0]);
    out_ = ctx.ptr(node.outputs[0]);
    half_ = is_half(in);
  }
  void enqueue(cudaStream_t stream, void*) override {
    kernels::reduce(in_, out_, outer_, extent_, inner_, mode_, half_, stream);
  }
  std::string kernel() const override { return "foundry reduce"; }

 private:
  const void* in_ = nullptr;
  void* out_ = nullptr;
  int64_t outer_ = 0, extent_ = 0, inner_ = 0;
  int mode_ = 0;
  bool half_ = false;
};

class SoftmaxStep : public Step {
 public:
  SoftmaxStep(const Node& node, const StepContext& ctx)
      : in_(ctx.ptr(node.inputs[0])),
        out_(ctx.ptr(node.outputs[0])),
        outer_(node.attr_int("outer", 1)),
        dim_(node.attr_int("dim", 1)),
        inner_(node.attr_int("inner", 1)),
        log_(node.attr_int("log", 0) != 0),
        half_(is_half(ctx.graph->values[node.outputs[0]])) {
    if (outer_ * dim_ * inner_ != element_count(ctx.graph->values[node.outputs[0]].shape))
      fail(ErrorKind::kRuntime, "node '{}': malformed softmax", node.name);
  }
  void enqueue(cudaStream_t stream, void*) override {
    kernels::softmax(in_, out_, outer_, dim_, inner_, log_, half_, stream);
  }
  std::string kernel() const override { return "foundry softmax"; }

 private:
  const void* in_;
  void* out_;
  int64_t outer_, dim_, inner_;
  bool log_, half_;
};

class GatherStep : public Step {
 public:
  GatherStep(const Node& node, const StepContext& ctx) {
    const Value& in = ctx.graph->values[node.inputs[0]];
    const int64_t axis = node.attr_int("axis", 0);
    const auto indices = node.attr_ints("indices");
    if (axis < 0 || axis >= static_cast<int64_t>(in.shape.size()))
      fail(ErrorKind::kRuntime, "node '{}': malformed gather", node.name);
    for (int64_t i : indices)
      if (i < 0 || i >= in.shape[axis]) fail(ErrorKind::kRuntime, "node '{}': gather index out of range", node.name);
    outer_ = element_count(Shape(in.shape.begin(), in.shape.begin() + axis));
    dim_ = in.shape[axis];
    inner_ = element_count(Shape(in.shape.begin() + axis + 1, in.shape.end()));
    count_ = static_cast<int64_t>(indices.size());
    indices_ = cuda::DeviceBuffer(std::max<size_t>(1, indices.size()) * sizeof(int64_t));
    cuda::check(cudaMemcpy(indices_.get(), indices.data(), indices.size() * sizeof(int64_t), cudaMemcpyHostToDevice),
                "gather indices");
    in_ = ctx.ptr(node.inputs[0]);
    out_ = ctx.ptr(node.outputs[0]);
    half_ = is_half(in);
  }
  void enqueue(cudaStream_t stream, void*) override {
    kernels::gather(in_, out_, static_cast<const int64_t*>(indices_.get()), outer_, count_, dim_, inner_, half_,
                    stream);
  }
  std::string kernel() const override { return "foundry gather"; }

 private:
  cuda::DeviceBuffer indices_;
  const void* in_ = nullptr;
  void* out_ = nullptr;
  int64_t outer_ = 0, count_ = 0, dim_ = 0, inner_ = 0;
  bool half_ = false;
};

class PadStep : public Step {
 public:
  PadStep(const Node& node, const StepContext& ctx) {
    const Value& in = ctx.graph->values[node.inputs[0]];
    const Value& out = ctx.graph->values[node.outputs[0]];
    check_rank(node, out.shape.size());
    const auto begins = node.attr_ints("begins");
    if (begins.size() != in.shape.size()) fail(ErrorKind::kRuntime, "node '{}': malformed pad", node.name);
    a_.rank = static_cast<int>(in.shape.size());
    for (int d = 0; d < a_.rank; ++d) {
      a_.in_dims[d] = in.shape[d];
      a_.out_dims[d] = out.shape[d];
      a_.begins[d] = begins[d];
    }
    a_.total = element_count(out.shape);
    a_.in = ctx.ptr(node.inputs[0]);
    a_.out = ctx.ptr(node.outputs[0]);
    a_.value = node.attr_float("value", 0);
    a_.half = is_half(out);
  }
  void enqueue(cudaStream_t stream, void*) override { kernels::pad(a_, stream); }
  std::string kernel() const override { return "foundry pad"; }

 private:
  kernels::PadArgs a_;
};

class AliasStep : public Step {
 public:
  void enqueue(cudaStream_t, void*) override {}
  std::string kernel() const override { return "alias (no kernel)"; }
};

}  // namespace

std::unique_ptr<Step> make_step(Node& node, const StepContext& ctx) {
  const std::string& op = node.op;
  const size_t want_inputs = op == "Conv" ? 3 : op == "Gemm" ? 2 : 1;
  if (node.inputs.size() < want_inputs || node.outputs.empty() || node.outputs[0] < 0)
    fail(ErrorKind::kRuntime, "node '{}' ({}): malformed", node.name, op);
  for (int in : node.inputs)
    if (in < 0 && op != "Conv") fail(ErrorKind::kRuntime, "node '{}' ({}): missing input", node.name, op);
  if (op == "Conv") return make_conv_step(node, ctx);
  if (op == "Gemm") return make_gemm_step(node, ctx);
  if (op == "Elementwise") return std::make_unique<ElementwiseStep>(node, ctx);
  if (op == "Copy") return std::make_unique<CopyStep>(node, ctx);
  if (op == "Concat") return std::make_unique<ConcatStep>(node, ctx);
  if (op == "Pool") return std::make_unique<PoolStep>(node, ctx);
  if (op == "Reduce") return std::make_unique<ReduceStep>(node, ctx);
  if (op == "Softmax") return std::make_unique<SoftmaxStep>(node, ctx);
  if (op == "Gather") return std::make_unique<GatherStep>(node, ctx);
  if (op == "Pad") return std::make_unique<PadStep>(node, ctx);
  if (op == "Alias") return std::make_unique<AliasStep>();
  fail(ErrorKind::kRuntime, "node '{}': foundry has no kernel for op {}", node.name, op);
}

}  // namespace inferfoundry::foundry
