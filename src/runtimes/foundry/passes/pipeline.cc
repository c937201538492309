#include "runtimes/foundry/passes/pipeline.h"

#include <map>

#include "runtimes/foundry/import/onnx_import.h"
#include "runtimes/foundry/passes/shape_inference.h"

namespace inferfoundry::foundry {

OptimizedGraph run_pipeline(const Model& model, const PipelineOptions& options) {
  OptimizedGraph optimized;
  Graph& graph = optimized.graph;
  graph = import_onnx(model, options.shapes);
  const size_t onnx_nodes = graph.nodes.size();
  const int folded = infer_shapes_and_fold(graph);
  remove_dead_nodes(graph);
  const size_t after_folding = graph.nodes.size();
  lower_to_foundry_ops(graph);
  const FusionStats fusion = fuse(graph);
  const size_t after_fusion = graph.nodes.size();
  assign_formats(graph, options.format);
  remove_dead_nodes(graph);

  std::map<std::string, int> ops;
  int conversions = 0;
  for (const Node& node : graph.nodes) {
    ++ops[node.op];
    if (!node.fused.empty() && node.fused.front() == "format conversion") ++conversions;
  }
  optimized.summary = {
      {"onnx_nodes", onnx_nodes},
      {"constant_folded_nodes", folded},
      {"nodes_after_folding", after_folding},
      {"layers_after_fusion", after_fusion},
      {"format_conversions", conversions},
      {"executed_layers", graph.nodes.size()},
      {"batchnorm_folded", fusion.batchnorm_folded},
      {"epilogues_fused", fusion.epilogues_fused},
      {"elementwise_merged", fusion.elementwise_merged},
      {"ops", ops},
      {"precision", options.format.fp16 ? "fp16" : "fp32"},
      {"layout", options.format.nhwc ? "nhwc" : "nchw"},
  };
  return optimized;
}

}  // namespace inferfoundry::foundry
