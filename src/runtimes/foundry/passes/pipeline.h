#pragma once
// The pass pipeline, the CPU half of a build up to the memory plan: ONNX -> graph -> shape inference and
// constant folding -> dead nodes -> lowering -> fusion -> layout and precision -> dead nodes. The memory plan
// (plan/planner.h) and the kernel choice by timing (the engine, on the GPU) follow.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "model/model.h"
#include "runtimes/foundry/ir/graph.h"
#include "runtimes/foundry/passes/passes.h"

namespace inferfoundry::foundry {

struct PipelineOptions {
  FormatOptions format;
  std::map<std::string, Shape> shapes;  // --shapes
};

struct OptimizedGraph {
  Graph graph;
  nlohmann::json summary;  // layer counts before/after, folds, fusions, op histogram, precision and layout
};

OptimizedGraph run_pipeline(const Model& model, const PipelineOptions& options);

}  // namespace inferfoundry::foundry
