#pragma once
// foundry's plan file: everything an engine needs to start without the model or a rebuild.
//
//   bytes 0-7    magic "IFPLAN\0\1"
//   bytes 8-11   format version (little-endian u32); a reader rejects other versions as stale
//   bytes 12-19  header length H (u64), bytes 20-27 weight blob length B (u64)
//   bytes 28-59  XXH3-128 (hex) of the H + B bytes that follow
//   H bytes      CBOR header: fingerprint, graph (values, nodes, attributes, kernel choices), memory plan,
//                build summary
//   B bytes      the weight image: the device weight block as it lies in memory (memory.weight_bytes, each
//                weight at its planned offset), then any constant that is not on the device
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtimes/foundry/ir/graph.h"
#include "runtimes/foundry/plan/memory_plan.h"

namespace inferfoundry::foundry {

inline constexpr uint32_t kPlanFormatVersion = 3;  // 2: XXH3-128 checksum; 3: weights as the device image

struct PlanFile {
  Graph graph;
  MemoryPlan memory;
  nlohmann::json fingerprint;  // what the plan was built for: model hash, precision, shapes, GPU, versions
  nlohmann::json summary;      // build summary (layers, fusions, kernels chosen, timings)
  // Loaded plans: the device weight block, byte for byte, uploaded in one copy. It points into the plan's
  // bytes (a mapped cache entry) kept alive by `weight_storage`; built plans leave it empty.
  std::string_view weight_image;
  std::shared_ptr<const void> weight_storage;
};

// The bytes of a constant value, wherever the plan keeps them.
std::span<const std::byte> constant_bytes(const PlanFile& plan, const Value& value);

std::string serialize_plan(const PlanFile& plan);
// Throws Error(kInput) with "damaged plan: ..." when the bytes are truncated, fail the checksum or do not
// describe a consistent graph, and "stale plan: ..." for another format version.
// `verify_checksum` may be false when the bytes come from a store that verified its own checksum (the cache).
// The weights stay in `bytes` when `storage` keeps them alive (a mapped file); otherwise they are copied.
PlanFile deserialize_plan(std::string_view bytes, bool verify_checksum = true,
                          std::shared_ptr<const void> storage = nullptr);

// Checks ids, shapes and offsets of a graph against its memory plan (for plans read from disk).
void validate_planned_graph(const Graph& graph, const MemoryPlan& memory);

}  // namespace inferfoundry::foundry
