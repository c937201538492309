#pragma once
// Which measured candidate each layer keeps. Every library kernel a plan uses is loaded by the CUDA driver on
// its first launch, 2.5 to 4.5 ms apiece for cuBLASLt's kernels on an H100, and every start of the plan pays that
// again. So once all layers are timed, the chooser looks for the fewest kernels that leave each layer within
// a set fraction of its fastest candidate (differences that small are mostly timing noise) and keeps, per
// layer, the fastest candidate among those kernels.
#include <functional>
#include <string>
#include <vector>

namespace inferfoundry::foundry {

struct MeasuredCandidate {
  std::string kernel;  // identity of the library kernel that runs (same string: same kernel)
  double ms = -1;      // median time; negative when the candidate failed to run
};

class KernelChooser {
 public:
  // Makes the layer run its candidate `index` (measured at `ms`).
  using Adopt = std::function<void(int index, double ms)>;

  // `reuse_tolerance`: how much slower (0.05: 5%) than its fastest candidate a layer may run so that the plan
  // uses fewer kernels; 0 keeps every layer's fastest.
  explicit KernelChooser(double reuse_tolerance) : tolerance_(reuse_tolerance) {}

  // A layer's candidates: adopts the fastest at once (so the layer can run) and returns its index, or -1 when
  // none ran (the layer is then not recorded).
  int add(std::vector<MeasuredCandidate> candidates, Adopt adopt);

  // Chooses the kernel set over all layers added so far and adopts each layer's final candidate where it
  // differs from the one adopted. Returns how many layers run a slower candidate than their fastest.
  int settle();

 private:
  struct Layer {
    std::vector<MeasuredCandidate> candidates;
    Adopt adopt;
    int fastest = -1;
    int adopted = -1;
  };
  bool acceptable(const Layer& layer, const MeasuredCandidate& c) const;

  double tolerance_;
  std::vector<Layer> layers_;
};

// Library kernels a plan launches (distinct names among `kernels`, empty names ignored).
size_t distinct_kernels(const std::vector<std::string>& kernels);

}  // namespace inferfoundry::foundry
