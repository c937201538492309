#pragma once
#include <map>
#include <string>

#include "core/shape.h"
#include "model/model.h"
#include "runtimes/foundry/ir/graph.h"

namespace inferfoundry::foundry {

// Converts a loaded ONNX model into foundry's graph. Runtime inputs get concrete shapes: `shapes` by input
// name first, then symbolic dimensions by name (a 1-element shape), then the model's fixed dimensions,
// then 1. Initializers and Constant nodes become constant values; attributes are copied as they are.
// Throws Error(kInput) on a malformed graph (unknown value names, cycles) or kUsage on contradicting shapes.
Graph import_onnx(const Model& model, const std::map<std::string, Shape>& shapes);

// The concrete shape of each runtime input under the same rules, without decoding any weights.
std::map<std::string, Shape> resolve_input_shapes(const Model& model, const std::map<std::string, Shape>& shapes);

}  // namespace inferfoundry::foundry
