// Convolution. Candidates are every algorithm cuDNN reports as usable, each run two ways (fused:
// cudnnConvolutionBiasActivationForward with bias, residual and ReLU; plain: convolution then foundry's
// bias/residual/activation kernel), and, for channels-last ungrouped convolutions, the convolution as a
// cuBLASLt matrix product (1x1 stride-1 reads the input as it is, others go through foundry's im2col) with
// bias, ReLU and the residual in cuBLASLt's epilogue. The plan-wide choice (plan/kernel_choice.h) keeps the
// fastest candidate or a nearly as fast one on a kernel other layers share.
#include <fmt/format.h>

#include "core/error.h"
#include "runtimes/cuda/cuda_common.h"
#include "runtimes/foundry/engine/lt_matmul.h"
#include "runtimes/foundry/engine/steps.h"
#include "runtimes/foundry/kernels/conv.h"

namespace inferfoundry::foundry {
namespace {

constexpr size_t kMaxConvWorkspace = size_t{256} << 20;
constexpr size_t kMaxIm2colBytes = size_t{64} << 20;
constexpr size_t kMaxLtWorkspace = size_t{32} << 20;
constexpr int kLtCandidates = 8;

size_t align256(size_t bytes) { return (bytes + 255) / 256 * 256; }
class ConvStep : public Step {
 public:
  ConvStep(Node& node, const StepContext& ctx) : ctx_(ctx) {
    const Graph& g = *ctx.graph;
    const Value& x = g.values[node.inputs[0]];
    const Value& w = g.values[node.inputs[1]];
    const Value& y = g.values[node.outputs[0]];
    half_ = y.dtype == DType::kFloat16;
    nhwc_ = y.layout == Layout::kNhwc;
    x_ = ctx.ptr(node.inputs[0]);
    w_ = ctx.ptr(node.inputs[1]);
    b_ = ctx.ptr(node.inputs[2]);
    z_ = node.input(3) >= 0 ? ctx.ptr(node.inputs[3]) : nullptr;
    y_ = ctx.ptr(node.outputs[0]);
    const std::string act = node.attr_string("activation", "none");
    act_ = act == "relu" ? 1 : act == "clip" ? 2 : 0;
    lo_ = node.attr_float("clip_min", 0);
    hi_ = node.attr_float("clip_max", 0);
    channels_ = y.shape[1];
    spatial_ = y.shape[2] * y.shape[3];
    total_ = element_count(y.shape);
    check_geometry(node, x, w);
    prepare_gemm(node, x, w, y);
    prepare_depthwise(node, x, w, y);
    if (!ctx.choose && restore(node)) return;
    choose(node);
  }

  void enqueue(cudaStream_t stream, void* workspace) override {
    if (use_depthwise_)
      kernels::depthwise_nhwc(depthwise_args_, stream);
    else if (use_gemm_)
      run_gemm(lt_algo_, stream, workspace, workspace_);
    else
      run(algo_, fused_, stream, workspace, workspace_);
  }
  size_t workspace_bytes() const override {
    return use_depthwise_ ? 0 : use_gemm_ ? align256(col_bytes_) + workspace_ : workspace_;
  }
  std::string kernel() const override {
    if (use_depthwise_) return "foundry depthwise (fused bias/act)";
    if (use_gemm_)
      return std::string(im2col_ ? "foundry im2col + " : "") + matmul_->kernel_name(lt_algo_) +
             (act_ == 2 ? " + foundry clip" : "");
    return cudnn_kernel(algo_, fused_) + (fused_ ? " (bias/act fused)" : " + foundry bias/act");
  }
  std::string library_kernel() const override {
    if (use_depthwise_) return "";
    return use_gemm_ ? matmul_->kernel_name(lt_algo_) : cudnn_kernel(algo_, fused_);
  }

 private:
  void check_geometry(const Node& node, const Value& x, const Value& w) const {
    const auto pads = node.attr_ints("pads"), strides = node.attr_ints("strides"),
               dilations = node.attr_ints("dilations");
    if (pads.size() != 4 || strides.size() != 2 || dilations.size() != 2 || x.shape.size() != 4 ||
        w.shape.size() != 4) {
      fail(ErrorKind::kRuntime, "conv '{}': malformed 2-D convolution attributes", node.name);
    }
    if (pads[0] != pads[2] || pads[1] != pads[3])
      fail(ErrorKind::kRuntime, "conv '{}': asymmetric padding is not supported", node.name);
  }

  // cuDNN's descriptors, made only when cuDNN is a candidate or the plan chose it: the first cuDNN call of
  // a process loads its libraries (about 0.1 s), which a plan running on cuBLASLt and foundry's kernels skips.
  struct CudnnConv {
    TensorDesc xd, yd, bd;
    FilterDesc wd;
    ConvDesc cd;
    ActivationDesc ad;
  };

  const CudnnConv& describe(const Node& node) {
    if (dnn_) return *dnn_;
    const Graph& g = *ctx_.graph;
    const Value& x = g.values[node.inputs[0]];
    const Value& w = g.values[node.inputs[1]];
    const Value& y = g.values[node.outputs[0]];
    dnn_ = std::make_unique<CudnnConv>();
    const cudnnDataType_t type = half_ ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
    const cudnnTensorFormat_t format = nhwc_ ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW;
    const auto pads = node.attr_ints("pads"), strides = node.attr_ints("strides"),
               dilations = node.attr_ints("dilations");
    check_cudnn(cudnnSetTensor4dDescriptor(dnn_->xd, format, type, x.shape[0], x.shape[1], x.shape[2], x.shape[3]),
                "x descriptor");
    check_cudnn(cudnnSetTensor4dDescriptor(dnn_->yd, format, type, y.shape[0], y.shape[1], y.shape[2], y.shape[3]),
                "y descriptor");
    check_cudnn(cudnnSetFilter4dDescriptor(dnn_->wd, type, format, w.shape[0], w.shape[1], w.shape[2], w.shape[3]),
                "filter descriptor");
    check_cudnn(cudnnSetTensor4dDescriptor(dnn_->bd, CUDNN_TENSOR_NCHW, type, 1, y.shape[1], 1, 1), "bias descriptor");
    check_cudnn(cudnnSetConvolution2dDescriptor(dnn_->cd, pads[0], pads[1], strides[0], strides[1], dilations[0],
                                                dilations[1], CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                "convolution descriptor");
    check_cudnn(cudnnSetConvolutionGroupCount(dnn_->cd, static_cast<int>(node.attr_int("group", 1))), "group count");
    const cudnnMathType_t math = half_ ? CUDNN_TENSOR_OP_MATH : ctx_.tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
    check_cudnn(cudnnSetConvolutionMathType(dnn_->cd, math), "math type");
    check_cudnn(cudnnSetActivationDescriptor(dnn_->ad, act_ == 1 ? CUDNN_ACTIVATION_RELU : CUDNN_ACTIVATION_IDENTITY,
                                             CUDNN_NOT_PROPAGATE_NAN, 0.0),
                "activation descriptor");
    return *dnn_;
  }

  void run(cudnnConvolutionFwdAlgo_t algo, bool fused, cudaStream_t stream, void* workspace, size_t bytes) {
    const float one = 1.0f, zero = 0.0f, alpha2 = z_ ? 1.0f : 0.0f;
    const CudnnConv& d = *dnn_;
    check_cudnn(cudnnSetStream(ctx_.cudnn(), stream), "set stream");
    if (fused) {
      check_cudnn(cudnnConvolutionBiasActivationForward(ctx_.cudnn(), &one, d.xd, x_, d.wd, w_, d.cd, algo, workspace,
                                                        bytes, &alpha2, d.yd, z_ ? z_ : y_, d.bd, b_, d.ad, d.yd, y_),
                  "convolution+bias+activation");
      return;
    }
    check_cudnn(
        cudnnConvolutionForward(ctx_.cudnn(), &one, d.xd, x_, d.wd, w_, d.cd, algo, workspace, bytes, &zero, d.yd, y_),
        "convolution");
    kernels::bias_activation(y_, b_, z_, total_, channels_, spatial_, nhwc_, act_, lo_, hi_, half_, stream);
    cuda::check(cudaGetLastError(), "bias/activation kernel");
  }

  // Channels-last, ungrouped, undilated convolutions are also tried as Y[M, K] = col[M, R*S*C] * W[K, R*S*C]^T.
  void prepare_gemm(const Node& node, const Value& x, const Value& w, const Value& y) {
    const auto strides = node.attr_ints("strides"), pads = node.attr_ints("pads"),
               dilations = node.attr_ints("dilations");
    if (!nhwc_ || node.attr_int("group", 1) != 1 || dilations != std::vector<int64_t>{1, 1}) return;
    const bool pointwise = w.shape[2] == 1 && w.shape[3] == 1 && strides == std::vector<int64_t>{1, 1} &&
                           pads == std::vector<int64_t>{0, 0, 0, 0};
    const int64_t m = y.shape[0] * y.shape[2] * y.shape[3], k = w.shape[1] * w.shape[2] * w.shape[3];
    im2col_ = !pointwise;
    if (im2col_) {
      col_bytes_ = static_cast<size_t>(m * k) * (half_ ? 2 : 4);
      if (col_bytes_ > kMaxIm2colBytes) return;
      im2col_args_ = {.x = x_,
                      .half = half_,
                      .n = x.shape[0],
                      .h = x.shape[2],
                      .w = x.shape[3],
                      .c = x.shape[1],
                      .oh = y.shape[2],
                      .ow = y.shape[3],
                      .r = static_cast<int>(w.shape[2]),
                      .s = static_cast<int>(w.shape[3]),
                      .sh = static_cast<int>(strides[0]),
                      .sw = static_cast<int>(strides[1]),
                      .ph = static_cast<int>(pads[0]),
                      .pw = static_cast<int>(pads[1])};
    }
    matmul_ = std::make_unique<LtMatmul>(ctx_.lt, m, y.shape[1], k, half_, ctx_.tf32, b_, act_ == 1, z_ != nullptr);
  }

  void run_gemm(const cublasLtMatmulAlgo_t& algo, cudaStream_t stream, void* workspace, size_t lt_bytes) {
    const void* a = x_;
    char* lt_workspace = static_cast<char*>(workspace);
    if (im2col_) {
      kernels::Im2colArgs args = im2col_args_;
      args.col = workspace;
      kernels::im2col_nhwc(args, stream);
      a = workspace;
      lt_workspace += align256(col_bytes_);
    }
    matmul_->run(algo, a, w_, z_, y_, lt_workspace, lt_bytes, stream);
    if (act_ == 2)
      kernels::bias_activation(y_, nullptr, nullptr, total_, channels_, spatial_, nhwc_, act_, lo_, hi_, half_, stream);
  }

  // Depthwise convolutions (one input channel per filter) also get foundry's direct kernel as a candidate.
  void prepare_depthwise(const Node& node, const Value& x, const Value& w, const Value& y) {
    const int64_t group = node.attr_int("group", 1);
    if (!nhwc_ || group == 1 || group != x.shape[1] || group != y.shape[1] || w.shape[1] != 1) return;
    const auto strides = node.attr_ints("strides"), pads = node.attr_ints("pads"),
               dilations = node.attr_ints("dilations");
    depthwise_able_ = true;
    depthwise_args_ = {.x = x_,
                       .w = w_,
                       .bias = b_,
                       .residual = z_,
                       .y = y_,
                       .half = half_,
                       .n = x.shape[0],
                       .h = x.shape[2],
                       .w_in = x.shape[3],
                       .c = x.shape[1],
                       .oh = y.shape[2],
                       .ow = y.shape[3],
                       .r = static_cast<int>(w.shape[2]),
                       .s = static_cast<int>(w.shape[3]),
                       .sh = static_cast<int>(strides[0]),
                       .sw = static_cast<int>(strides[1]),
                       .ph = static_cast<int>(pads[0]),
                       .pw = static_cast<int>(pads[1]),
                       .dh = static_cast<int>(dilations[0]),
                       .dw = static_cast<int>(dilations[1]),
                       .act = act_,
                       .lo = lo_,
                       .hi = hi_};
  }

  bool restore(Node& node) {
    if (node.attr_string("engine", "") == "depthwise") {
      use_depthwise_ = depthwise_able_;
      return depthwise_able_;
    }
    if (node.attr_string("engine", "") == "gemm") {
      if (!matmul_ || !restore_lt_algo(node, *matmul_, lt_algo_, workspace_)) return false;
      use_gemm_ = true;
      return true;
    }
    if (!node.has_attr("algo")) return false;
    algo_ = static_cast<cudnnConvolutionFwdAlgo_t>(node.attr_int("algo", 0));
    fused_ = node.attr_int("fused", 0) != 0;
    const CudnnConv& d = describe(node);
    return cudnnGetConvolutionForwardWorkspaceSize(ctx_.cudnn(), d.xd, d.wd, d.cd, d.yd, algo_, &workspace_) ==
           CUDNN_STATUS_SUCCESS;
  }

  void add_cudnn_candidates(const Node& node, std::vector<TimedCandidate>& candidates) {
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    int returned = 0;
    const CudnnConv& d = describe(node);
    check_cudnn(cudnnGetConvolutionForwardAlgorithm_v7(ctx_.cudnn(), d.xd, d.wd, d.cd, d.yd,
                                                       CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &returned, perf),
                "algorithm list");
    for (int k = 0; k < returned; ++k) {
      if (perf[k].status != CUDNN_STATUS_SUCCESS || perf[k].memory > std::min(kMaxConvWorkspace, ctx_.scratch_bytes))
        continue;
      const cudnnConvolutionFwdAlgo_t algo = perf[k].algo;
      const size_t memory = perf[k].memory;
      for (bool fused : {true, false}) {
        // cuDNN fuses only ReLU, and identity only with IMPLICIT_PRECOMP_GEMM.
        if (fused && (act_ == 2 || (act_ == 0 && algo != CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM))) continue;
        candidates.push_back({cudnn_kernel(algo, fused),
                              [=, this] { run(algo, fused, ctx_.stream, ctx_.scratch, memory); },
                              [=, this] {
                                use_gemm_ = use_depthwise_ = false;
                                algo_ = algo;
                                fused_ = fused;
                                workspace_ = memory;
                              }});
      }
    }
  }

  void add_gemm_candidates(std::vector<TimedCandidate>& candidates) {
    if (!matmul_ || align256(col_bytes_) + kMaxLtWorkspace > ctx_.scratch_bytes) return;
    for (const auto& c : matmul_->candidates(kMaxLtWorkspace, kLtCandidates)) {
      candidates.push_back({matmul_->kernel_name(c.algo),
                            [=, this] { run_gemm(c.algo, ctx_.stream, ctx_.scratch, c.workspaceSize); },
                            [=, this] {
                              use_depthwise_ = false;
                              use_gemm_ = true;
                              lt_algo_ = c.algo;
                              workspace_ = c.workspaceSize;
                            }});
    }
  }

  std::string cudnn_kernel(cudnnConvolutionFwdAlgo_t algo, bool fused) const {
    return fmt::format("cudnn {} conv algo {}{}", half_ ? "fp16" : "fp32", static_cast<int>(algo),
                       fused ? " fused" : "");
  }

  void choose(Node& node) {
    if (depthwise_able_ && ctx_.own_depthwise) {
      use_depthwise_ = true;
      node.attrs["engine"] = std::string("depthwise");
      node.attrs["chosen_ms"] = static_cast<float>(
          time_candidate(ctx_.stream, [&] { kernels::depthwise_nhwc(depthwise_args_, ctx_.stream); }));
      node.attrs["candidates"] = int64_t{1};
      return;
    }
    std::vector<TimedCandidate> candidates;
    add_cudnn_candidates(node, candidates);
    add_gemm_candidates(candidates);
    if (depthwise_able_) {
      candidates.push_back({"foundry depthwise", [this] { kernels::depthwise_nhwc(depthwise_args_, ctx_.stream); },
                            [this] {
                              use_gemm_ = false;
                              use_depthwise_ = true;
                            }});
    }
    node.attrs["candidates"] = static_cast<int64_t>(candidates.size());
    if (choose_candidate(ctx_, std::move(candidates), [this, &node](double ms) { record_choice(node, ms); }) < 0) {
      fail(ErrorKind::kRuntime, "conv '{}': no cuDNN algorithm or matrix product ran for this convolution", node.name);
    }
  }

  void record_choice(Node& node, double ms) const {
    node.attrs["engine"] = std::string(use_depthwise_ ? "depthwise" : use_gemm_ ? "gemm" : "cudnn");
    if (use_gemm_)
      record_lt_algo(node, lt_algo_, workspace_);
    else
      node.attrs.erase("lt_algo");
    node.attrs["algo"] = static_cast<int64_t>(algo_);
    node.attrs["fused"] = int64_t{fused_};
    node.attrs["chosen_ms"] = static_cast<float>(ms);
  }

  const StepContext& ctx_;
  std::unique_ptr<CudnnConv> dnn_;
  const void *x_ = nullptr, *w_ = nullptr, *b_ = nullptr, *z_ = nullptr;
  void* y_ = nullptr;
  bool half_ = false, nhwc_ = false, fused_ = false;
  int act_ = 0;
  float lo_ = 0, hi_ = 0;
  int64_t channels_ = 0, spatial_ = 0, total_ = 0;
  cudnnConvolutionFwdAlgo_t algo_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  size_t workspace_ = 0;  // of the chosen cuDNN algorithm or cuBLASLt algorithm
  std::unique_ptr<LtMatmul> matmul_;
  bool im2col_ = false, use_gemm_ = false;
  bool depthwise_able_ = false, use_depthwise_ = false;
  kernels::DepthwiseArgs depthwise_args_;
  size_t col_bytes_ = 0;
  kernels::Im2colArgs im2col_args_;
  cublasLtMatmulAlgo_t lt_algo_{};
};

}  // namespace

std::unique_ptr<Step> make_conv_step(Node& node, const StepContext& ctx) {
  return std::make_unique<ConvStep>(node, ctx);
}

}  // namespace inferfoundry::foundry
