#include "runtimes/foundry/plan/plan_format.h"

#include <cstring>

#include "cache/cache.h"
#include "core/checked_math.h"
#include "core/error.h"
#include "core/json_text.h"

namespace inferfoundry::foundry {
namespace {

using nlohmann::json;
constexpr char kMagic[8] = {'I', 'F', 'P', 'L', 'A', 'N', '\0', '\1'};
constexpr size_t kDigestAt = 8 + 4 + 8 + 8, kDigestChars = 32;
constexpr size_t kPrefix = kDigestAt + kDigestChars;

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
T get(std::string_view bytes, size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  return value;
}

json attr_to_json(const AttrValue& attr) {
  return std::visit(
      [](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>)
          return {{"i", v}};
        else if constexpr (std::is_same_v<T, float>)
          return {{"f", v}};
        else if constexpr (std::is_same_v<T, std::string>)
          return {{"s", v}};
        else if constexpr (std::is_same_v<T, std::vector<int64_t>>)
          return {{"is", v}};
        else
          return {{"fs", v}};
      },
      attr);
}

AttrValue attr_from_json(const json& j) {
  if (j.contains("i")) return j.at("i").get<int64_t>();
  if (j.contains("f")) return j.at("f").get<float>();
  if (j.contains("s")) return j.at("s").get<std::string>();
  if (j.contains("is")) return j.at("is").get<std::vector<int64_t>>();
  if (j.contains("fs")) return j.at("fs").get<std::vector<float>>();
  fail(ErrorKind::kInput, "damaged plan: attribute without a type");
}

// The blob starts with the weight image (every device weight at its planned offset, padding zeroed), so a
// loader uploads it as it lies; constants with no device offset follow it.
json graph_to_json(const PlanFile& plan, std::string& blob) {
  const Graph& graph = plan.graph;
  blob.assign(static_cast<size_t>(plan.memory.weight_bytes), '\0');
  json values = json::array();
  for (const Value& v : graph.values) {
    json jv = {{"name", v.name},         {"dtype", static_cast<int>(v.dtype)},
               {"shape", v.shape},       {"layout", static_cast<int>(v.layout)},
               {"alias_of", v.alias_of}, {"offset", v.offset}};
    if (v.is_constant()) {
      const std::span<const std::byte> bytes = constant_bytes(plan, v);
      const size_t at = v.offset >= 0 ? static_cast<size_t>(v.offset) : blob.size();
      if (v.offset < 0) blob.resize(blob.size() + bytes.size());
      std::memcpy(blob.data() + at, bytes.data(), bytes.size());
      jv["const_at"] = at;
      jv["const_bytes"] = bytes.size();
    }
    values.push_back(std::move(jv));
  }
  json nodes = json::array();
  for (const Node& n : graph.nodes) {
    json attrs = json::object();
    for (const auto& [key, attr] : n.attrs) attrs[key] = attr_to_json(attr);
    nodes.push_back({{"op", n.op},
                     {"name", n.name},
                     {"inputs", n.inputs},
                     {"outputs", n.outputs},
                     {"attrs", attrs},
                     {"fused", n.fused}});
  }
  return {{"opset", graph.opset},
          {"inputs", graph.inputs},
          {"outputs", graph.outputs},
          {"values", values},
          {"nodes", nodes}};
}

// Device weights stay in the image (in_weight_image); only constants outside it are copied.
Graph graph_from_json(const json& j, std::string_view blob, int64_t weight_bytes) {
  Graph graph;
  graph.opset = j.at("opset").get<int64_t>();
  graph.inputs = j.at("inputs").get<std::vector<int>>();
  graph.outputs = j.at("outputs").get<std::vector<int>>();
  for (const json& jv : j.at("values")) {
    Value v;
    v.name = jv.at("name").get<std::string>();
    const auto dtype = dtype_from_onnx(jv.at("dtype").get<int>());
    if (!dtype) fail(ErrorKind::kInput, "damaged plan: value '{}' has an invalid element type", v.name);
    v.dtype = *dtype;
    v.shape = jv.at("shape").get<Shape>();
    for (int64_t d : v.shape)
      if (d < 0 || d > (int64_t{1} << 40))
        fail(ErrorKind::kInput, "damaged plan: value '{}' has an invalid shape", v.name);
    checked_byte_size(v.shape, dtype_size(v.dtype), v.name);  // so Value::byte_size() cannot wrap
    const int layout = jv.at("layout").get<int>();
    if (layout != 0 && layout != 1) fail(ErrorKind::kInput, "damaged plan: value '{}' has an invalid layout", v.name);
    v.layout = static_cast<Layout>(layout);
    v.alias_of = jv.at("alias_of").get<int>();
    v.offset = jv.at("offset").get<int64_t>();
    if (jv.contains("const_at")) {
      const auto at = jv.at("const_at").get<uint64_t>(), size = jv.at("const_bytes").get<uint64_t>();
      if (at > blob.size() || size > blob.size() - at || size != v.byte_size() || dtype_size(v.dtype) == 0) {
        fail(ErrorKind::kInput, "damaged plan: constant '{}' does not fit the weight blob", v.name);
      }
      if (v.offset >= 0) {
        if (at != static_cast<uint64_t>(v.offset) || at + size > static_cast<uint64_t>(weight_bytes)) {
          fail(ErrorKind::kInput, "damaged plan: weight '{}' is not at its offset in the weight image", v.name);
        }
        v.in_weight_image = true;
      } else {
        Tensor t(v.name, v.dtype, v.shape);
        std::memcpy(t.bytes().data(), blob.data() + at, size);
        v.constant = std::move(t);
      }
    }
    graph.values.push_back(std::move(v));
  }
  for (const json& jn : j.at("nodes")) {
    Node n;
    n.op = jn.at("op").get<std::string>();
    n.name = jn.at("name").get<std::string>();
    n.inputs = jn.at("inputs").get<std::vector<int>>();
    n.outputs = jn.at("outputs").get<std::vector<int>>();
    for (const auto& [key, attr] : jn.at("attrs").items()) n.attrs[key] = attr_from_json(attr);
    n.fused = jn.at("fused").get<std::vector<std::string>>();
    graph.nodes.push_back(std::move(n));
  }
  return graph;
}

json memory_to_json(const MemoryPlan& m) {
  return {{"arena_bytes", m.arena_bytes},
          {"unshared_bytes", m.unshared_bytes},
          {"weight_bytes", m.weight_bytes},
          {"buffers", m.buffers}};
}

MemoryPlan memory_from_json(const json& j) {
  MemoryPlan m;
  m.arena_bytes = j.at("arena_bytes").get<int64_t>();
  m.unshared_bytes = j.at("unshared_bytes").get<int64_t>();
  m.weight_bytes = j.at("weight_bytes").get<int64_t>();
  m.buffers = j.at("buffers").get<int>();
  return m;
}

}  // namespace

std::span<const std::byte> constant_bytes(const PlanFile& plan, const Value& value) {
  if (value.constant) return value.constant->bytes();
  if (!value.in_weight_image || value.offset < 0 ||
      static_cast<size_t>(value.offset) + value.byte_size() > plan.weight_image.size()) {
    fail(ErrorKind::kInternal, "foundry: constant '{}' has no bytes in the plan", value.name);
  }
  return {reinterpret_cast<const std::byte*>(plan.weight_image.data()) + value.offset, value.byte_size()};
}

std::string serialize_plan(const PlanFile& plan) {
  std::string blob;
  const json header = {{"fingerprint", plan.fingerprint},
                       {"graph", graph_to_json(plan, blob)},
                       {"memory", memory_to_json(plan.memory)},
                       {"summary", plan.summary}};
  const std::vector<uint8_t> cbor = json::to_cbor(header);
  std::string payload(reinterpret_cast<const char*>(cbor.data()), cbor.size());
  payload += blob;
  std::string out(kMagic, sizeof(kMagic));
  put<uint32_t>(out, kPlanFormatVersion);
  put<uint64_t>(out, cbor.size());
  put<uint64_t>(out, blob.size());
  out += xxh128_hex(payload);
  out += payload;
  return out;
}

PlanFile deserialize_plan(std::string_view bytes, bool verify_checksum, std::shared_ptr<const void> storage) {
  if (bytes.size() < kPrefix || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    fail(ErrorKind::kInput, "damaged plan: not a foundry plan file (bad magic or truncated header)");
  }
  const auto version = get<uint32_t>(bytes, 8);
  if (version != kPlanFormatVersion)
    fail(ErrorKind::kInput, "stale plan: format version {}, this build reads {}", version, kPlanFormatVersion);
  const auto header_size = get<uint64_t>(bytes, 12), blob_size = get<uint64_t>(bytes, 20);
  const size_t body = bytes.size() - kPrefix;
  if (header_size > body || blob_size != body - header_size)
    fail(ErrorKind::kInput, "damaged plan: sizes do not match the file (truncated?)");
  const std::string_view payload = bytes.substr(kPrefix);
  if (verify_checksum && xxh128_hex(payload) != bytes.substr(kDigestAt, kDigestChars))
    fail(ErrorKind::kInput, "damaged plan: checksum mismatch");
  PlanFile plan;
  try {
    const json header = parse_cbor_bounded(payload.substr(0, header_size), "damaged plan: the header");
    plan.fingerprint = header.at("fingerprint");
    plan.summary = header.at("summary");
    plan.memory = memory_from_json(header.at("memory"));
    const std::string_view blob = payload.substr(header_size);
    if (plan.memory.weight_bytes < 0 || static_cast<uint64_t>(plan.memory.weight_bytes) > blob.size()) {
      fail(ErrorKind::kInput, "damaged plan: the weight image is shorter than the memory plan says");
    }
    plan.graph = graph_from_json(header.at("graph"), blob, plan.memory.weight_bytes);
    plan.weight_image = blob.substr(0, static_cast<size_t>(plan.memory.weight_bytes));
    if (!storage) {  // nothing keeps `bytes` alive: own a copy of the image
      auto owned = std::make_shared<const std::string>(plan.weight_image);
      plan.weight_image = *owned;
      storage = std::move(owned);
    }
    plan.weight_storage = std::move(storage);
  } catch (const json::exception& e) {
    fail(ErrorKind::kInput, "damaged plan: {}", e.what());
  }
  validate_planned_graph(plan.graph, plan.memory);
  return plan;
}

void validate_planned_graph(const Graph& graph, const MemoryPlan& memory) {
  const int count = static_cast<int>(graph.values.size());
  auto check_id = [&](int id, bool optional) {
    if ((id < 0 && !optional) || id >= count) fail(ErrorKind::kInput, "damaged plan: value id {} out of range", id);
  };
  for (int id : graph.inputs) check_id(id, false);
  for (int id : graph.outputs) check_id(id, false);
  for (const Node& n : graph.nodes) {
    for (int id : n.inputs) check_id(id, true);
    for (int id : n.outputs) check_id(id, true);
  }
  for (int v = 0; v < count; ++v) {
    const Value& value = graph.values[v];
    if (value.alias_of >= count || value.alias_of == v)
      fail(ErrorKind::kInput, "damaged plan: bad alias on '{}'", value.name);
    int steps = 0;
    for (int root = v; graph.values[root].alias_of >= 0; root = graph.values[root].alias_of) {
      if (++steps > count) fail(ErrorKind::kInput, "damaged plan: alias cycle at '{}'", value.name);
    }
    const Value& root = graph.values[graph.root_of(v)];
    if (root.offset < 0) continue;
    const int64_t limit = root.is_constant() ? memory.weight_bytes : memory.arena_bytes;
    const auto end = checked_add(root.offset, static_cast<int64_t>(value.byte_size()));
    if (!end || *end > limit) {
      fail(ErrorKind::kInput, "damaged plan: value '{}' lies outside its memory block", value.name);
    }
  }
}

}  // namespace inferfoundry::foundry
