// Runs the CPU half of a foundry build (import, shape inference and constant folding, lowering, fusion,
// formats, memory plan) on a model and prints what it says, so the ops foundry lacks can be listed on a
// machine without a GPU (docs/models.md). The GPU half (kernel choice by timing) may still refuse a model
// this accepts, so "lowers" here means "no unsupported node", not "builds".
//
// usage: foundry_graph_check MODEL [SHAPES]   (SHAPES in the --shapes syntax: x:1x3x640x640,batch:1)
// Prints "lowers: N layers" or the build error; exit status 0 when it lowers, 1 when it does not, 2 on usage.
#include <cstdio>
#include <exception>
#include <string>

#include "bench/inputs.h"
#include "core/error.h"
#include "model/model.h"
#include "runtimes/foundry/plan/planner.h"

int main(int argc, char** argv) {
  using namespace inferfoundry;
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: foundry_graph_check MODEL [SHAPES]\n");
    return 2;
  }
  try {
    const Model model = Model::load(argv[1]);
    foundry::PipelineOptions options;
    if (argc == 3) options.shapes = parse_shape_list(argv[2]);
    const foundry::PlanFile built = foundry::plan_model(model, options);
    std::printf("lowers: %d layers after fusion, ops %s\n", built.summary["executed_layers"].get<int>(),
                built.summary["ops"].dump().c_str());
    return 0;
  } catch (const std::exception& error) {
    std::printf("does not lower: %s\n", error.what());
    return 1;
  }
}
