#include "model/model_summary.h"

#include "core/checked_math.h"
#include "core/dtype.h"
#include "core/error.h"

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
  // Checked sums: the dimensions are whatever the file says.
  for (const auto& init : proto.graph().initializer()) {
    const Shape shape(init.dims().begin(), init.dims().end());
    const auto dtype = dtype_from_onnx(init.data_type());
    const auto count = checked_add(summary.parameter_count, checked_element_count(shape, init.name()));
    const auto bytes =
        checked_add(summary.parameter_bytes,
                    static_cast<int64_t>(checked_byte_size(shape, dtype ? dtype_size(*dtype) : 0, init.name())));
    if (!count || !bytes)
      fail(ErrorKind::kInput, "{}: its initializers hold more values than can be counted", summary.name);
    summary.parameter_count = *count;
    summary.parameter_bytes = *bytes;
  }
  summary.external_data = model.has_external_data();
  return summary;
}

}  // namespace inferfoundry
