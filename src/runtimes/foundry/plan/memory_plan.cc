#include "runtimes/foundry/plan/memory_plan.h"

#include <algorithm>

namespace inferfoundry::foundry {
namespace {

int64_t align(int64_t bytes) { return (bytes + kPlanAlignment - 1) / kPlanAlignment * kPlanAlignment; }

struct Interval {
  int value;
  int first, last;  // node steps
  int64_t bytes;
  int64_t offset = -1;
};

std::vector<Interval> lifetimes(const Graph& graph) {
  const int end = static_cast<int>(graph.nodes.size());
  std::vector<int> first(graph.values.size(), end + 1), last(graph.values.size(), -2);
  auto touch = [&](int value, int step) {
    const int root = graph.root_of(value);
    first[root] = std::min(first[root], step);
    last[root] = std::max(last[root], step);
  };
  for (int v : graph.inputs) touch(v, -1);
  for (int n = 0; n < end; ++n) {
    for (int v : graph.nodes[n].inputs)
      if (v >= 0 && !graph.values[v].is_constant()) touch(v, n);
    for (int v : graph.nodes[n].outputs)
      if (v >= 0) touch(v, n);
  }
  for (int v : graph.outputs)
    if (!graph.values[graph.root_of(v)].is_constant()) touch(v, end);
  std::vector<Interval> intervals;
  for (size_t v = 0; v < graph.values.size(); ++v) {
    const Value& value = graph.values[v];
    if (value.is_constant() || value.alias_of >= 0 || last[v] < -1) continue;
    intervals.push_back(
        {static_cast<int>(v), first[v], last[v], align(std::max<int64_t>(1, static_cast<int64_t>(value.byte_size())))});
  }
  return intervals;
}

}  // namespace

MemoryPlan plan_memory(Graph& graph) {
  MemoryPlan plan;
  std::vector<Interval> intervals = lifetimes(graph);
  std::vector<size_t> order(intervals.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return intervals[a].bytes > intervals[b].bytes; });
  std::vector<size_t> placed;
  for (size_t k : order) {
    Interval& item = intervals[k];
    // Occupied ranges of placed buffers alive at the same time, by offset.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t p : placed) {
      const Interval& other = intervals[p];
      if (other.first <= item.last && item.first <= other.last)
        busy.emplace_back(other.offset, other.offset + other.bytes);
    }
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (const auto& [begin, finish] : busy) {
      if (offset + item.bytes <= begin) break;
      offset = std::max(offset, finish);
    }
    item.offset = offset;
    placed.push_back(k);
    plan.arena_bytes = std::max(plan.arena_bytes, offset + item.bytes);
    plan.unshared_bytes += item.bytes;
    graph.values[item.value].offset = offset;
  }
  plan.buffers = static_cast<int>(intervals.size());
  std::vector<bool> read(graph.values.size(), false);
  for (const Node& node : graph.nodes)
    for (int v : node.inputs)
      if (v >= 0) read[v] = true;
  for (int v : graph.outputs) read[v] = true;
  for (size_t v = 0; v < graph.values.size(); ++v) {
    Value& value = graph.values[v];
    if (!value.is_constant()) continue;
    value.offset = read[v] ? plan.weight_bytes : -1;
    if (read[v]) plan.weight_bytes += align(static_cast<int64_t>(value.byte_size()));
  }
  for (Value& value : graph.values) {
    if (value.alias_of >= 0)
      value.offset = graph.values[graph.root_of(static_cast<int>(&value - graph.values.data()))].offset;
  }
  return plan;
}

nlohmann::json memory_json(const MemoryPlan& memory) {
  return {{"activation_arena_bytes", memory.arena_bytes},
          {"activation_bytes_without_reuse", memory.unshared_bytes},
          {"weight_bytes", memory.weight_bytes},
          {"activation_buffers", memory.buffers},
          {"peak_device_bytes", memory.arena_bytes + memory.weight_bytes}};
}

}  // namespace inferfoundry::foundry
