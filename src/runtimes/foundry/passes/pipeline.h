#pragma once
// The CPU half of a build: ONNX -> graph -> passes -> memory plan. The GPU half (kernel choice by timing)
// happens in the engine; both together produce a PlanFile.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/model.h"
#include "runtimes/foundry/ir/graph.h"
#include "runtimes/foundry/passes/passes.h"
#include "runtimes/foundry/plan/memory_plan.h"

namespace inferfoundry::foundry {

struct BuildOptions {
  FormatOptions format;
  std::map<std::string, Shape> shapes;  // --shapes
};

struct BuiltGraph {
  Graph graph;
  MemoryPlan memory;
  nlohmann::json summary;  // layer counts before/after, folds, fusions, op histogram, memory
};

BuiltGraph build_graph(const Model& model, const BuildOptions& options);

// The memory plan as the build summary reports it (bytes of the arena, without reuse, weights, peak).
nlohmann::json memory_json(const MemoryPlan& memory);

}  // namespace inferfoundry::foundry
