#include "runtimes/cuda/cuda_common.h"

#include <fstream>
#include <regex>
#include <utility>

#include "core/error.h"

namespace inferfoundry::cuda {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) fail(ErrorKind::kRuntime, "{}: {}", what, cudaGetErrorString(status));
}

Availability gpu_availability() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status == cudaErrorInsufficientDriver || status == cudaErrorNoDevice || (status == cudaSuccess && count == 0)) {
    cudaGetLastError();  // clear the sticky error so later calls are not poisoned
    return {false, "no NVIDIA GPU visible (no device, or no NVIDIA driver: libcuda.so.1 not loadable)"};
  }
  if (status != cudaSuccess) {
    cudaGetLastError();
    return {false, std::string("CUDA unusable: ") + cudaGetErrorString(status)};
  }
  return {true, ""};
}

std::optional<GpuInfo> query_gpu(int device) {
  if (!gpu_availability().available) return std::nullopt;
  cudaDeviceProp props{};
  if (cudaGetDeviceProperties(&props, device) != cudaSuccess) return std::nullopt;
  GpuInfo info;
  info.device = device;
  info.name = props.name;
  info.compute_major = props.major;
  info.compute_minor = props.minor;
  info.memory_bytes = props.totalGlobalMem;
  cudaDriverGetVersion(&info.driver_version);
  cudaRuntimeGetVersion(&info.runtime_version);
  return info;
}

namespace {
// The kernel driver's version ("580.82.07") from /proc/driver/nvidia/version; empty where it is not readable.
std::string kernel_driver_version() {
  std::ifstream in("/proc/driver/nvidia/version");
  std::string line;
  std::getline(in, line);
  std::smatch match;
  static const std::regex version(R"((\d+\.\d+(\.\d+)?))");
  return std::regex_search(line, match, version) ? match[1].str() : "";
}
}  // namespace

nlohmann::json gpu_facts_json() {
  const auto info = query_gpu();
  if (!info) return nullptr;
  auto version = [](int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); };
  return {{"name", info->name},
          {"compute_capability", info->compute_capability()},
          {"memory_gib", static_cast<double>(info->memory_bytes) / (1024.0 * 1024.0 * 1024.0)},
          {"driver_cuda_version", version(info->driver_version)},
          {"runtime_cuda_version", version(info->runtime_version)},
          {"driver_version", kernel_driver_version()}};
}

DeviceBuffer::DeviceBuffer(size_t bytes) : bytes_(bytes) {
  if (bytes > 0) check(cudaMalloc(&ptr_, bytes), "cudaMalloc");
}
DeviceBuffer::~DeviceBuffer() {
  if (ptr_) cudaFree(ptr_);
}
DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : ptr_(std::exchange(other.ptr_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    if (ptr_) cudaFree(ptr_);
    ptr_ = std::exchange(other.ptr_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

PinnedBuffer::PinnedBuffer(size_t bytes) : bytes_(bytes) {
  if (bytes > 0) check(cudaMallocHost(&ptr_, bytes), "cudaMallocHost");
}
PinnedBuffer::~PinnedBuffer() {
  if (ptr_) cudaFreeHost(ptr_);
}
PinnedBuffer::PinnedBuffer(PinnedBuffer&& other) noexcept
    : ptr_(std::exchange(other.ptr_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
PinnedBuffer& PinnedBuffer::operator=(PinnedBuffer&& other) noexcept {
  if (this != &other) {
    if (ptr_) cudaFreeHost(ptr_);
    ptr_ = std::exchange(other.ptr_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

Stream::Stream() { check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate"); }
Stream::~Stream() {
  if (stream_) cudaStreamDestroy(stream_);
}
void Stream::synchronize() const { check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize"); }

Event::Event() { check(cudaEventCreate(&event_), "cudaEventCreate"); }
Event::~Event() {
  if (event_) cudaEventDestroy(event_);
}
void Event::record(cudaStream_t stream) const { check(cudaEventRecord(event_, stream), "cudaEventRecord"); }
float Event::elapsed_since(const Event& start) const {
  check(cudaEventSynchronize(event_), "cudaEventSynchronize");
  float ms = 0;
  check(cudaEventElapsedTime(&ms, start.event_, event_), "cudaEventElapsedTime");
  return ms;
}

GraphExec::GraphExec(cudaGraph_t graph) : graph_(graph) {
  check(cudaGraphInstantiate(&exec_, graph_, 0), "cudaGraphInstantiate");
}
GraphExec::~GraphExec() {
  if (exec_) cudaGraphExecDestroy(exec_);
  if (graph_) cudaGraphDestroy(graph_);
}
GraphExec::GraphExec(GraphExec&& other) noexcept
    : graph_(std::exchange(other.graph_, nullptr)), exec_(std::exchange(other.exec_, nullptr)) {}
GraphExec& GraphExec::operator=(GraphExec&& other) noexcept {
  if (this != &other) {
    if (exec_) cudaGraphExecDestroy(exec_);
    if (graph_) cudaGraphDestroy(graph_);
    graph_ = std::exchange(other.graph_, nullptr);
    exec_ = std::exchange(other.exec_, nullptr);
  }
  return *this;
}
void GraphExec::launch(cudaStream_t stream) const { check(cudaGraphLaunch(exec_, stream), "cudaGraphLaunch"); }

size_t device_memory_used_bytes() {
  size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) return 0;
  return total_bytes - free_bytes;
}

}  // namespace inferfoundry::cuda
