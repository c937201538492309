#pragma once
// The CPU half of a build: the pass pipeline's graph with its memory plan, as a plan whose kernels the engine
// then chooses by timing on the GPU (engine/engine.h).
#include <nlohmann/json.hpp>

#include "model/model.h"
#include "runtimes/foundry/passes/pipeline.h"
#include "runtimes/foundry/plan/plan_format.h"

namespace inferfoundry::foundry {

// Runs the pass pipeline and plans memory; the build summary gains the memory plan under "memory".
PlanFile plan_model(const Model& model, const PipelineOptions& options, nlohmann::json fingerprint = {});

}  // namespace inferfoundry::foundry
