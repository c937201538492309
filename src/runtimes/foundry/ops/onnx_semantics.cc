#include "runtimes/foundry/ops/onnx_semantics.h"

#include <algorithm>
#include <limits>

#include "core/error.h"

namespace inferfoundry::foundry {

int64_t normalize_axis(const Node& node, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) {
    fail(ErrorKind::kInput, "node '{}' ({}): axis {} is out of range for rank {}", node.name, node.op, axis, rank);
  }
  return axis < 0 ? axis + rank : axis;
}

Shape broadcast_shapes(const Node& node, const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    const int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      fail(ErrorKind::kInput, "node '{}' ({}): shapes {} and {} do not broadcast", node.name, node.op, format_shape(a),
           format_shape(b));
    }
    out[k] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> broadcast_strides(const Shape& in, const std::vector<int64_t>& strides, const Shape& out) {
  std::vector<int64_t> result(out.size(), 0);
  const size_t lead = out.size() - in.size();
  for (size_t k = 0; k < in.size(); ++k) result[lead + k] = in[k] == 1 ? 0 : strides[k];
  return result;
}

std::vector<int64_t> constant_ints(const Graph& graph, int value, const Node& node) {
  if (value < 0 || !graph.values[value].is_constant()) {
    fail(ErrorKind::kInput, "node '{}' ({}): input '{}' must be a constant (or computable from shapes)", node.name,
         node.op, value < 0 ? std::string("<missing>") : graph.values[value].name);
  }
  const Tensor& tensor = *graph.values[value].constant;
  std::vector<int64_t> ints;
  ints.reserve(tensor.element_count());
  for (int64_t k = 0; k < tensor.element_count(); ++k) {
    if (tensor.dtype() == DType::kInt64)
      ints.push_back(tensor.data<int64_t>()[k]);
    else
      ints.push_back(static_cast<int64_t>(tensor.value_at(k)));
  }
  return ints;
}

SliceWindow resolve_slice(const Graph& graph, const Node& node, const Shape& in) {
  const int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (graph.opset < 10) {
    starts = node.attr_ints("starts");
    ends = node.attr_ints("ends");
    axes = node.attr_ints("axes");
  } else {
    starts = constant_ints(graph, node.input(1), node);
    ends = constant_ints(graph, node.input(2), node);
    if (node.input(3) >= 0) axes = constant_ints(graph, node.input(3), node);
    if (node.input(4) >= 0) steps = constant_ints(graph, node.input(4), node);
  }
  if (axes.empty()) {
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    fail(ErrorKind::kInput, "node '{}' (Slice): starts, ends, axes and steps differ in length", node.name);
  }
  SliceWindow window{std::vector<int64_t>(rank, 0), std::vector<int64_t>(rank, 1), in};
  for (size_t k = 0; k < starts.size(); ++k) {
    const int64_t axis = normalize_axis(node, axes[k], rank);
    const int64_t dim = in[axis], step = steps[k];
    if (step == 0) fail(ErrorKind::kInput, "node '{}' (Slice): step 0", node.name);
    int64_t start = starts[k] < 0 ? starts[k] + dim : starts[k];
    int64_t end = ends[k] < 0 && ends[k] > std::numeric_limits<int64_t>::min() / 2 ? ends[k] + dim : ends[k];
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      window.out_shape[axis] = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      window.out_shape[axis] = start > end ? (start - end - step - 1) / (-step) : 0;
    }
    window.starts[axis] = start;
    window.steps[axis] = step;
  }
  return window;
}

Window resolve_window(const Node& node, const Shape& in, const std::vector<int64_t>& kernel, bool ceil_mode) {
  const size_t spatial = in.size() - 2;
  if (kernel.size() != spatial) {
    fail(ErrorKind::kInput, "node '{}' ({}): kernel has {} dimensions, input has {} spatial", node.name, node.op,
         kernel.size(), spatial);
  }
  Window w;
  w.kernel = kernel;
  w.strides = node.attr_ints("strides", std::vector<int64_t>(spatial, 1));
  w.dilations = node.attr_ints("dilations", std::vector<int64_t>(spatial, 1));
  w.pads = node.attr_ints("pads", std::vector<int64_t>(2 * spatial, 0));
  if (w.strides.size() != spatial || w.dilations.size() != spatial || w.pads.size() != 2 * spatial) {
    fail(ErrorKind::kInput, "node '{}' ({}): strides, dilations or pads do not match the input rank", node.name,
         node.op);
  }
  const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
  w.out_spatial.resize(spatial);
  for (size_t k = 0; k < spatial; ++k) {
    const int64_t size = in[k + 2], stride = w.strides[k];
    const int64_t extent = (kernel[k] - 1) * w.dilations[k] + 1;
    if (stride <= 0 || kernel[k] <= 0 || w.dilations[k] <= 0) {
      fail(ErrorKind::kInput, "node '{}' ({}): kernel, strides and dilations must be positive", node.name, node.op);
    }
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int64_t out = (size + stride - 1) / stride;
      const int64_t total = std::max<int64_t>(0, (out - 1) * stride + extent - size);
      const int64_t small = total / 2, large = total - small;
      w.pads[k] = auto_pad == "SAME_UPPER" ? small : large;
      w.pads[k + spatial] = auto_pad == "SAME_UPPER" ? large : small;
      w.out_spatial[k] = out;
      continue;
    }
    if (auto_pad == "VALID") w.pads[k] = w.pads[k + spatial] = 0;
    const int64_t span = size + w.pads[k] + w.pads[k + spatial] - extent;
    if (span < 0) fail(ErrorKind::kInput, "node '{}' ({}): window larger than the padded input", node.name, node.op);
    int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
    // With ceil_mode the last window must still start inside the input or its begin padding.
    if (ceil_mode && (out - 1) * stride >= size + w.pads[k]) --out;
    w.out_spatial[k] = out;
  }
  return w;
}

}  // namespace inferfoundry::foundry
