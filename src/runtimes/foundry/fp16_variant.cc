// `foundry-fp16` is registered as a runtime of its own (one factory per registration); it is defined in
// runtime.cc beside `foundry`, and this file only gives the registration a source.
#include <memory>

#include "runtimes/runtime.h"

namespace inferfoundry {
std::unique_ptr<Runtime> make_foundry_fp16_runtime();
}  // namespace inferfoundry
