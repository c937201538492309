#pragma once
#include <string>

#include "runtimes/foundry/ir/graph.h"

namespace inferfoundry::foundry {

// One sweep in topological order that gives every value a dtype and concrete shape and folds nodes whose
// inputs are all constant into constants (this covers the shape arithmetic exporters emit: Shape, Gather,
// Concat, Unsqueeze, ... feeding Reshape). A node whose op foundry does not know keeps outputs of unknown
// dtype; the op check after the passes reports it. Returns how many nodes were folded.
int infer_shapes_and_fold(Graph& graph);

// Ops that shape inference knows and that are supported only when they fold to constants.
bool is_fold_only_op(const std::string& op);

}  // namespace inferfoundry::foundry
