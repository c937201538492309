#include "runtimes/foundry/plan/planner.h"

#include "runtimes/foundry/plan/memory_plan.h"

namespace inferfoundry::foundry {

PlanFile plan_model(const Model& model, const PipelineOptions& options, nlohmann::json fingerprint) {
  OptimizedGraph optimized = run_pipeline(model, options);
  PlanFile plan{.graph = std::move(optimized.graph), .fingerprint = std::move(fingerprint)};
  plan.memory = plan_memory(plan.graph);
  plan.summary = std::move(optimized.summary);
  plan.summary["memory"] = memory_json(plan.memory);
  return plan;
}

}  // namespace inferfoundry::foundry
