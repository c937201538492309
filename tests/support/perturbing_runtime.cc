#include "support/perturbing_runtime.h"

#include "core/float16.h"

namespace inferfoundry::testing {
namespace {

void perturb_first_element(Tensor& tensor, double offset) {
  if (tensor.element_count() == 0) return;
  switch (tensor.dtype()) {
    case DType::kFloat32:
      tensor.data<float>()[0] += static_cast<float>(offset);
      break;
    case DType::kFloat64:
      tensor.data<double>()[0] += offset;
      break;
    case DType::kFloat16: {
      auto& bits = tensor.data<uint16_t>()[0];
      bits = float_to_half(half_to_float(bits) + static_cast<float>(offset));
      break;
    }
    default:
      break;  // integer outputs are left alone
  }
}

class PerturbingSession : public Session {
 public:
  PerturbingSession(std::unique_ptr<Session> inner, double offset, std::optional<Precision> precision)
      : inner_(std::move(inner)), offset_(offset), precision_(precision) {}
  void set_inputs(const std::vector<Tensor>& inputs) override { inner_->set_inputs(inputs); }
  RunTiming run() override { return inner_->run(); }
  std::vector<Tensor> outputs() override {
    auto tensors = inner_->outputs();
    for (auto& tensor : tensors) perturb_first_element(tensor, offset_);
    return tensors;
  }
  Precision precision() const override { return precision_.value_or(inner_->precision()); }
  nlohmann::json details() const override { return inner_->details(); }

 private:
  std::unique_ptr<Session> inner_;
  double offset_;
  std::optional<Precision> precision_;
};

class PerturbingRuntime : public Runtime {
 public:
  PerturbingRuntime(std::unique_ptr<Runtime> inner, std::string name, double offset, std::optional<Precision> precision)
      : inner_(std::move(inner)), name_(std::move(name)), offset_(offset), precision_(precision) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "test only: " + inner_->name() + " with perturbed outputs"; }
  Availability availability() const override { return inner_->availability(); }
  std::string version() const override { return inner_->version(); }
  std::unique_ptr<Session> prepare(const Model& model, const RuntimeOptions& options) const override {
    return std::make_unique<PerturbingSession>(inner_->prepare(model, options), offset_, precision_);
  }

 private:
  std::unique_ptr<Runtime> inner_;
  std::string name_;
  double offset_;
  std::optional<Precision> precision_;
};

}  // namespace

std::unique_ptr<Runtime> make_perturbing_runtime(std::unique_ptr<Runtime> inner, std::string name, double offset,
                                                 std::optional<Precision> reported_precision) {
  return std::make_unique<PerturbingRuntime>(std::move(inner), std::move(name), offset, reported_precision);
}

}  // namespace inferfoundry::testing
