#include "runtimes/foundry/plan/fingerprint.h"

#include <fmt/format.h>

#include "cache/cache.h"
#include "runtimes/foundry/import/onnx_import.h"
#include "runtimes/foundry/plan/plan_format.h"
#include "runtimes/model_digest.h"

namespace inferfoundry::foundry {

nlohmann::json plan_fingerprint(const Model& model, const PlanSettings& settings,
                                const std::map<std::string, Shape>& shapes, const PlanTarget& target) {
  nlohmann::json resolved = nlohmann::json::object();
  for (const auto& [name, shape] : resolve_input_shapes(model, shapes)) resolved[name] = format_shape(shape);
  return {{"model_digest", model_content_digest(model)},
          {"precision", precision_name(settings.precision)},
          {"tf32", settings.tf32},
          {"layout", settings.layout},
          {"depthwise", settings.depthwise},
          {"kernel_reuse", settings.kernel_reuse_tolerance},
          {"shapes", resolved},
          {"gpu", target.gpu},
          {"compute_capability", target.compute_capability},
          {"foundry_version", kFoundryVersion},
          {"plan_format", kPlanFormatVersion},
          {"libraries", target.library_versions}};
}

std::string cache_key(const nlohmann::json& fingerprint) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : fingerprint.items()) parts.push_back(key + "=" + value.dump());
  return Cache::make_key(parts);
}

std::string fingerprint_difference(const nlohmann::json& have, const nlohmann::json& want) {
  std::string out;
  for (const auto& [key, value] : want.items()) {
    const nlohmann::json other = have.contains(key) ? have.at(key) : nlohmann::json();
    if (other == value) continue;
    out += fmt::format("{}{}: plan has {}, needed {}", out.empty() ? "" : "; ", key, other.dump(), value.dump());
  }
  return out.empty() ? "fingerprint differs" : out;
}

}  // namespace inferfoundry::foundry
