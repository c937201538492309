#include "runtimes/foundry/passes/pipeline.h"

#include <map>

#include "runtimes/foundry/import/onnx_import.h"
#include "runtimes/foundry/passes/shape_inference.h"

namespace inferfoundry::foundry {

nlohmann::json memory_json(const MemoryPlan& memory) {
  return {{"activation_arena_bytes", memory.arena_bytes},
          {"activation_bytes_without_reuse", memory.unshared_bytes},
          {"weight_bytes", memory.weight_bytes},
          {"activation_buffers", memory.buffers},
          {"peak_device_bytes", memory.arena_bytes + memory.weight_bytes}};
}

BuiltGraph build_graph(const Model& model, const BuildOptions& options) {
  BuiltGraph built;
  Graph& graph = built.graph;
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
  built.memory = plan_memory(graph);

  std::map<std::string, int> ops;
  int conversions = 0;
  for (const Node& node : graph.nodes) {
    ++ops[node.op];
    if (!node.fused.empty() && node.fused.front() == "format conversion") ++conversions;
  }
  built.summary = {
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
      {"memory", memory_json(built.memory)},
  };
  return built;
}

}  // namespace inferfoundry::foundry
