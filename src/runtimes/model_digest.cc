#include "runtimes/model_digest.h"

#include <set>

#include "cache/cache.h"
#include "model/graph_walk.h"

namespace inferfoundry {
std::string model_content_digest(const Model& model) {
  if (!model.path()) return xxh128_hex(model.serialized());
  std::string parts = xxh128_file(*model.path());
  std::set<std::string> locations;
  for_each_tensor(model.proto().graph(), [&](const onnx::TensorProto& tensor) {
    for (const auto& entry : tensor.external_data()) {
      if (entry.key() == "location") locations.insert(entry.value());
    }
  });
  for (const auto& location : locations) {
    parts += ";" + location + "=" + xxh128_file(resolve_external_data(model.path()->parent_path(), location));
  }
  return locations.empty() ? parts : xxh128_hex(parts);
}

}  // namespace inferfoundry
