#include "model/model_summary.h"

#include "core/dtype.h"

namespace inferfoundry {

ModelSummary summarize(const Model& model) {
  const auto& proto = model.proto();
  ModelSummary summary;
  summary.name = model.display_name();
  summary.ir_version = proto.ir_version();
  for (const auto& opset : proto.opset_import()) summary.opsets.emplace_back(opset.domain(), opset.version());
  summary.producer = proto.producer_name();
  if (!proto.producer_version().empty()) summary.producer += " " + proto.producer_version();
  summary.inputs = model.inputs();
  summary.outputs = model.outputs();
  for (const auto& node : proto.graph().node()) {
    const std::string key =
        node.domain().empty() || node.domain() == "ai.onnx" ? node.op_type() : node.domain() + "::" + node.op_type();
    ++summary.op_histogram[key];
    ++summary.node_count;
  }
  for (const auto& init : proto.graph().initializer()) {
    int64_t elements = 1;
    for (int64_t dim : init.dims()) elements *= dim;
    const auto dtype = dtype_from_onnx(init.data_type());
    summary.parameter_count += elements;
    summary.parameter_bytes += elements * static_cast<int64_t>(dtype ? dtype_size(*dtype) : 0);
  }
  summary.external_data = model.has_external_data();
  return summary;
}

}  // namespace inferfoundry
