#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtimes/runtime.h"

namespace inferfoundry::cuda {

// Throws Error(kRuntime) "<what>: <CUDA error string>" unless status is cudaSuccess.
void check(cudaError_t status, const char* what);

// Whether a CUDA GPU can be used here; the reason names the missing piece (driver, device).
Availability gpu_availability();

struct GpuInfo {
  int device = 0;
  std::string name;
  int compute_major = 0, compute_minor = 0;
  size_t memory_bytes = 0;
  int driver_version = 0;   // e.g. 13000
  int runtime_version = 0;  // CUDA runtime this build uses
  std::string compute_capability() const { return std::to_string(compute_major) + "." + std::to_string(compute_minor); }
};
std::optional<GpuInfo> query_gpu(int device = 0);
// For the results file's environment block; null when there is no GPU.
nlohmann::json gpu_facts_json();

// Device memory, freed on destruction.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* get() const { return ptr_; }
  size_t size() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

// Page-locked host memory for fast, asynchronous copies.
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  explicit PinnedBuffer(size_t bytes);
  ~PinnedBuffer();
  PinnedBuffer(PinnedBuffer&& other) noexcept;
  PinnedBuffer& operator=(PinnedBuffer&& other) noexcept;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  void* get() const { return ptr_; }
  size_t size() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

class Stream {
 public:
  Stream();
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return stream_; }
  void synchronize() const;

 private:
  cudaStream_t stream_ = nullptr;
};

class Event {
 public:
  Event();
  ~Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  cudaEvent_t get() const { return event_; }
  void record(cudaStream_t stream) const;
  // Milliseconds from start to this event (both recorded and complete).
  float elapsed_since(const Event& start) const;

 private:
  cudaEvent_t event_ = nullptr;
};

// A captured CUDA graph instantiated for replay.
class GraphExec {
 public:
  GraphExec() = default;
  // Captures what `enqueue` puts on the stream, then instantiates it.
  template <typename Fn>
  static GraphExec capture(cudaStream_t stream, Fn&& enqueue) {
    check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), "cudaStreamBeginCapture");
    enqueue();
    cudaGraph_t graph = nullptr;
    check(cudaStreamEndCapture(stream, &graph), "cudaStreamEndCapture");
    return GraphExec(graph);
  }
  ~GraphExec();
  GraphExec(GraphExec&& other) noexcept;
  GraphExec& operator=(GraphExec&& other) noexcept;
  GraphExec(const GraphExec&) = delete;
  GraphExec& operator=(const GraphExec&) = delete;
  void launch(cudaStream_t stream) const;
  explicit operator bool() const { return exec_ != nullptr; }

 private:
  explicit GraphExec(cudaGraph_t graph);
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

// Peak device memory in use, sampled with cudaMemGetInfo (whole device, all processes).
size_t device_memory_used_bytes();

}  // namespace inferfoundry::cuda
