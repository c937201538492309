#include "runtimes/model_digest.h"

#include <set>

#include "cache/cache.h"

namespace inferfoundry {
namespace {

void collect_external_files(const onnx::GraphProto& graph, std::set<std::string>& locations) {
  for (const auto& initializer : graph.initializer()) {
    for (const auto& entry : initializer.external_data()) {
      if (entry.key() == "location") locations.insert(entry.value());
    }
  }
  for (const auto& node : graph.node()) {
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_g()) collect_external_files(attribute.g(), locations);
      for (const auto& subgraph : attribute.graphs()) collect_external_files(subgraph, locations);
    }
  }
}

}  // namespace

std::string model_content_digest(const Model& model) {
  if (!model.path()) return xxh128_hex(model.serialized());
  std::string parts = xxh128_file(*model.path());
  std::set<std::string> locations;
  collect_external_files(model.proto().graph(), locations);
  for (const auto& location : locations) {
    parts += ";" + location + "=" + xxh128_file(resolve_external_data(model.path()->parent_path(), location));
  }
  return locations.empty() ? parts : xxh128_hex(parts);
}

}  // namespace inferfoundry
