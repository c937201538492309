#include <algorithm>

#include "runtimes/foundry/passes/passes.h"

namespace inferfoundry::foundry {
namespace {

bool node_is_dead(const Graph& graph, const Node& node, const std::vector<bool>& needed) {
  bool any_needed_runtime_output = false;
  for (int out : node.outputs) {
    if (out >= 0 && needed[out] && !graph.values[out].is_constant()) any_needed_runtime_output = true;
  }
  return !any_needed_runtime_output;
}

void compact_values(Graph& graph) {
  std::vector<bool> used(graph.values.size(), false);
  for (const Node& node : graph.nodes) {
    for (int v : node.inputs)
      if (v >= 0) used[v] = true;
    for (int v : node.outputs)
      if (v >= 0) used[v] = true;
  }
  for (int v : graph.inputs) used[v] = true;
  for (int v : graph.outputs) used[v] = true;
  for (size_t v = 0; v < graph.values.size(); ++v) {
    if (used[v] && graph.values[v].alias_of >= 0) used[graph.values[v].alias_of] = true;
  }
  std::vector<int> remap(graph.values.size(), -1);
  std::vector<Value> kept;
  for (size_t v = 0; v < graph.values.size(); ++v) {
    if (!used[v]) continue;
    remap[v] = static_cast<int>(kept.size());
    kept.push_back(std::move(graph.values[v]));
  }
  for (Value& value : kept) {
    if (value.alias_of >= 0) value.alias_of = remap[value.alias_of];
  }
  auto fix = [&](std::vector<int>& ids) {
    for (int& id : ids) id = id >= 0 ? remap[id] : -1;
  };
  for (Node& node : graph.nodes) {
    fix(node.inputs);
    fix(node.outputs);
  }
  fix(graph.inputs);
  fix(graph.outputs);
  graph.values = std::move(kept);
}

}  // namespace

void remove_dead_nodes(Graph& graph) {
  std::vector<bool> needed(graph.values.size(), false);
  for (int out : graph.outputs) needed[out] = true;
  std::vector<bool> keep(graph.nodes.size(), false);
  for (int n = static_cast<int>(graph.nodes.size()) - 1; n >= 0; --n) {
    const Node& node = graph.nodes[n];
    if (node_is_dead(graph, node, needed)) continue;
    keep[n] = true;
    for (int in : node.inputs)
      if (in >= 0) needed[in] = true;
  }
  std::vector<Node> kept;
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    if (keep[n]) kept.push_back(std::move(graph.nodes[n]));
  }
  graph.nodes = std::move(kept);
  compact_values(graph);
}

}  // namespace inferfoundry::foundry
