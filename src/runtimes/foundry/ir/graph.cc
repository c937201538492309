#include "runtimes/foundry/ir/graph.h"

#include "core/error.h"

namespace inferfoundry::foundry {
namespace {
template <typename T>
const T* find_attr(const Node& node, const std::string& key) {
  const auto it = node.attrs.find(key);
  if (it == node.attrs.end()) return nullptr;
  const T* value = std::get_if<T>(&it->second);
  if (!value) fail(ErrorKind::kInput, "node '{}' ({}): attribute '{}' has an unexpected type", node.name, node.op, key);
  return value;
}
}  // namespace

int64_t Node::attr_int(const std::string& key, int64_t fallback) const {
  const auto* value = find_attr<int64_t>(*this, key);
  return value ? *value : fallback;
}

float Node::attr_float(const std::string& key, float fallback) const {
  const auto* value = find_attr<float>(*this, key);
  return value ? *value : fallback;
}

std::string Node::attr_string(const std::string& key, const std::string& fallback) const {
  const auto* value = find_attr<std::string>(*this, key);
  return value ? *value : fallback;
}

std::vector<int64_t> Node::attr_ints(const std::string& key, const std::vector<int64_t>& fallback) const {
  const auto* value = find_attr<std::vector<int64_t>>(*this, key);
  return value ? *value : fallback;
}

std::vector<float> Node::attr_floats(const std::string& key, const std::vector<float>& fallback) const {
  const auto* value = find_attr<std::vector<float>>(*this, key);
  return value ? *value : fallback;
}

int Graph::add_value(Value value) {
  values.push_back(std::move(value));
  return static_cast<int>(values.size()) - 1;
}

std::vector<int> Graph::producers() const {
  std::vector<int> producer(values.size(), -1);
  for (size_t n = 0; n < nodes.size(); ++n) {
    for (int out : nodes[n].outputs) {
      if (out >= 0) producer[out] = static_cast<int>(n);
    }
  }
  return producer;
}

std::vector<int> Graph::use_counts() const {
  std::vector<int> uses(values.size(), 0);
  for (const Node& node : nodes) {
    for (int in : node.inputs) {
      if (in >= 0) ++uses[in];
    }
  }
  for (int out : outputs) ++uses[out];
  return uses;
}

int Graph::root_of(int value) const {
  while (values[value].alias_of >= 0) value = values[value].alias_of;
  return value;
}

std::vector<int64_t> logical_strides(const Shape& shape, Layout layout) {
  std::vector<int64_t> strides(shape.size(), 1);
  if (layout == Layout::kNhwc && shape.size() == 4) {
    const int64_t c = shape[1], h = shape[2], w = shape[3];
    strides = {h * w * c, 1, w * c, c};
    return strides;
  }
  for (int k = static_cast<int>(shape.size()) - 2; k >= 0; --k) strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}

}  // namespace inferfoundry::foundry
