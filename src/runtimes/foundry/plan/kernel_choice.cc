#include "runtimes/foundry/plan/kernel_choice.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "core/error.h"

namespace inferfoundry::foundry {

int KernelChooser::add(std::vector<MeasuredCandidate> candidates, Adopt adopt) {
  int fastest = -1;
  for (int k = 0; k < static_cast<int>(candidates.size()); ++k) {
    if (candidates[k].ms >= 0 && (fastest < 0 || candidates[k].ms < candidates[fastest].ms)) fastest = k;
  }
  if (fastest < 0) return -1;
  adopt(fastest, candidates[fastest].ms);
  layers_.push_back({std::move(candidates), std::move(adopt), fastest, fastest});
  return fastest;
}

bool KernelChooser::acceptable(const Layer& layer, const MeasuredCandidate& c) const {
  return c.ms >= 0 && c.ms <= layer.candidates[layer.fastest].ms * (1.0 + tolerance_);
}

int KernelChooser::settle() {
  // Greedy set cover: repeatedly take the kernel acceptable to the most layers not yet covered (ties: the
  // one whose acceptable candidates are fastest relative to each layer's best, then by name).
  std::vector<bool> covered(layers_.size(), false);
  std::set<std::string> kept;
  for (size_t uncovered = layers_.size(); uncovered > 0;) {
    std::map<std::string, std::pair<int, double>> score;  // kernel -> (layers covered, sum of slowdowns)
    for (size_t l = 0; l < layers_.size(); ++l) {
      if (covered[l]) continue;
      std::set<std::string> seen;  // one kernel may appear twice in a layer's list (different split counts)
      for (const auto& c : layers_[l].candidates) {
        if (!acceptable(layers_[l], c) || !seen.insert(c.kernel).second) continue;
        auto& [count, slowdown] = score[c.kernel];
        ++count;
        slowdown += c.ms / layers_[l].candidates[layers_[l].fastest].ms;
      }
    }
    auto best = score.begin();
    for (auto it = score.begin(); it != score.end(); ++it) {
      const bool more = it->second.first > best->second.first;
      const bool as_many_faster = it->second.first == best->second.first && it->second.second < best->second.second;
      if (more || as_many_faster) best = it;
    }
    kept.insert(best->first);
    for (size_t l = 0; l < layers_.size(); ++l) {
      if (covered[l]) continue;
      for (const auto& c : layers_[l].candidates) {
        if (c.kernel == best->first && acceptable(layers_[l], c)) {
          covered[l] = true;
          --uncovered;
          break;
        }
      }
    }
  }
  int slower = 0;
  for (Layer& layer : layers_) {
    int pick = -1;
    for (int k = 0; k < static_cast<int>(layer.candidates.size()); ++k) {
      const MeasuredCandidate& c = layer.candidates[k];
      if (!kept.contains(c.kernel) || !acceptable(layer, c)) continue;
      if (pick < 0 || c.ms < layer.candidates[pick].ms) pick = k;
    }
    if (pick != layer.adopted) {
      layer.adopt(pick, layer.candidates[pick].ms);
      layer.adopted = pick;
    }
    slower += layer.candidates[pick].ms > layer.candidates[layer.fastest].ms;
  }
  return slower;
}

size_t distinct_kernels(const std::vector<std::string>& kernels) {
  std::set<std::string> names;
  for (const auto& k : kernels) {
    if (!k.empty()) names.insert(k);
  }
  return names.size();
}

}  // namespace inferfoundry::foundry
