#pragma once
#include <cstdint>

#include <nlohmann/json.hpp>

#include "runtimes/foundry/ir/graph.h"

namespace inferfoundry::foundry {

inline constexpr int64_t kPlanAlignment = 256;

struct MemoryPlan {
  int64_t arena_bytes = 0;     // one device allocation for every activation, inputs and outputs included
  int64_t unshared_bytes = 0;  // what the activations would take without reuse, for the summary
  int64_t weight_bytes = 0;    // one device allocation for every constant the kernels read
  int buffers = 0;             // activation buffers placed
};

// Places every runtime value that owns memory (aliases share their root's) in one arena: values whose
// lifetimes (first write to last read, in node order; graph inputs from the start, outputs to the end)
// overlap never overlap in memory. Largest first, each at the lowest offset that fits. Constants read by
// nodes get offsets in the weight block. Writes Value::offset and returns the totals.
MemoryPlan plan_memory(Graph& graph);

// The memory plan as the build summary reports it (bytes of the arena, without reuse, weights, peak).
nlohmann::json memory_json(const MemoryPlan& memory);

}  // namespace inferfoundry::foundry
