// `onnx-cuda-fp16` is registered as a runtime of its own (one factory per registration); it is defined beside
// `onnx-cuda` in onnx_cuda_runtime.cc.
#include <memory>

#include "runtimes/runtime.h"

namespace inferfoundry {
std::unique_ptr<Runtime> make_onnx_cuda_fp16_runtime();
}  // namespace inferfoundry
