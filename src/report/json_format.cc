#include "report/json_format.h"

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "core/file_io.h"
#include "core/json_text.h"

namespace inferfoundry {
using nlohmann::json;

json summary_to_json(const Summary& s) {
  return {{"count", s.count}, {"mean_ms", s.mean}, {"median_ms", s.median}, {"p90_ms", s.p90},       {"p95_ms", s.p95},
          {"p99_ms", s.p99},  {"min_ms", s.min},   {"max_ms", s.max},       {"stddev_ms", s.stddev}, {"cv", s.cv}};
}

namespace {

// Reading a results file: every value is checked for its type before use, so a wrong type is an input
// error that says where it is ("results[1].latency.count should be a whole number >= 0, got string"), not
// nlohmann's type_error from deep inside, reported as an internal error.

bool has_type(const json& value, std::string*) { return value.is_string(); }
bool has_type(const json& value, double*) { return value.is_number(); }
bool has_type(const json& value, bool*) { return value.is_boolean(); }
// Whole numbers must also fit the field: nlohmann would wrap 2^64 - 1 into -1 without a word.
bool integer_within(const json& value, int64_t low, int64_t high) {
  if (value.is_number_unsigned()) return value.get<uint64_t>() <= static_cast<uint64_t>(high);
  return value.is_number_integer() && value.get<int64_t>() >= low && value.get<int64_t>() <= high;
}
bool has_type(const json& value, int64_t*) {
  return integer_within(value, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
}
bool has_type(const json& value, int*) {
  return integer_within(value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
}
bool has_type(const json& value, size_t*) { return integer_within(value, 0, std::numeric_limits<int64_t>::max()); }
bool has_type(const json& value, json*) { return value.is_object(); }
bool has_type(const json& value, std::vector<double>*) {
  return value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_number(); });
}

std::string_view type_wanted(std::string*) { return "a string"; }
std::string_view type_wanted(double*) { return "a number"; }
std::string_view type_wanted(bool*) { return "true or false"; }
std::string_view type_wanted(int64_t*) { return "a whole number"; }
std::string_view type_wanted(int*) { return "a whole number"; }
std::string_view type_wanted(size_t*) { return "a whole number >= 0"; }
std::string_view type_wanted(json*) { return "an object"; }
std::string_view type_wanted(std::vector<double>*) { return "an array of numbers"; }

// object[key] as a T, `fallback` when the key is absent; Error(kInput) naming `where`.key when it has
// another type.
template <typename T>
T field(const json& object, const char* key, T fallback, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!has_type(*it, static_cast<T*>(nullptr))) {
    fail(ErrorKind::kInput, "{}{} should be {}, got {}", where.empty() ? "" : where + ".", key,
         type_wanted(static_cast<T*>(nullptr)), it->type_name());
  }
  return it->template get<T>();
}

// The object at object[key] (for nested blocks such as "latency"), checked to be one.
const json& object_field(const json& object, const char* key, const std::string& where) {
  const json& value = object.at(key);
  if (!value.is_object()) fail(ErrorKind::kInput, "{}.{} should be an object, got {}", where, key, value.type_name());
  return value;
}

Summary summary_from_json(const json& j, const std::string& where) {
  Summary s;
  s.count = field(j, "count", size_t{0}, where);
  s.mean = field(j, "mean_ms", 0.0, where);
  s.median = field(j, "median_ms", 0.0, where);
  s.p90 = field(j, "p90_ms", 0.0, where);
  s.p95 = field(j, "p95_ms", 0.0, where);
  s.p99 = field(j, "p99_ms", 0.0, where);
  s.min = field(j, "min_ms", 0.0, where);
  s.max = field(j, "max_ms", 0.0, where);
  s.stddev = field(j, "stddev_ms", 0.0, where);
  s.cv = field(j, "cv", 0.0, where);
  return s;
}

}  // namespace

Summary summary_from_json(const json& j) {
  if (!j.is_object()) fail(ErrorKind::kInput, "a latency summary should be an object, got {}", j.type_name());
  return summary_from_json(j, "summary");
}

namespace {

json accuracy_to_json(const AccuracyVerdict& verdict) {
  json outputs = json::array();
  for (const auto& o : verdict.outputs) {
    outputs.push_back({{"name", o.name},
                       {"max_abs_error", o.max_abs_error},
                       {"max_rel_error", o.max_rel_error},
                       {"mismatches", o.mismatches},
                       {"elements", o.elements},
                       {"cosine_similarity", o.cosine_similarity},
                       {"passed", o.passed},
                       {"note", o.note}});
  }
  return {{"reference", verdict.reference},
          {"atol", verdict.atol},
          {"rtol", verdict.rtol},
          {"passed", verdict.passed},
          {"outputs", outputs}};
}

AccuracyVerdict accuracy_from_json(const json& j, const std::string& where) {
  AccuracyVerdict verdict;
  verdict.reference = field(j, "reference", std::string(), where);
  verdict.atol = field(j, "atol", 0.0, where);
  verdict.rtol = field(j, "rtol", 0.0, where);
  verdict.passed = field(j, "passed", true, where);
  const auto outputs = j.find("outputs");
  if (outputs == j.end()) return verdict;
  if (!outputs->is_array())
    fail(ErrorKind::kInput, "{}.outputs should be an array, got {}", where, outputs->type_name());
  for (size_t i = 0; i < outputs->size(); ++i) {
    const json& o = (*outputs)[i];
    const std::string at = fmt::format("{}.outputs[{}]", where, i);
    if (!o.is_object()) fail(ErrorKind::kInput, "{} should be an object, got {}", at, o.type_name());
    OutputComparison c;
    c.name = field(o, "name", std::string(), at);
    c.max_abs_error = field(o, "max_abs_error", 0.0, at);
    c.max_rel_error = field(o, "max_rel_error", 0.0, at);
    c.mismatches = field(o, "mismatches", int64_t{0}, at);
    c.elements = field(o, "elements", int64_t{0}, at);
    c.cosine_similarity = field(o, "cosine_similarity", 1.0, at);
    c.passed = field(o, "passed", true, at);
    c.note = field(o, "note", std::string(), at);
    verdict.outputs.push_back(std::move(c));
  }
  return verdict;
}

json result_to_json(const RuntimeResult& r) {
  json j = {{"runtime", r.runtime}, {"status", status_name(r.status)}};
  if (r.status == RunStatus::kOk) j["latency_ms"] = r.latency.median;
  if (!r.error.empty()) j["error"] = r.error;
  if (r.status != RunStatus::kOk) return j;
  j["version"] = r.version;
  j["precision"] = precision_name(r.precision);
  j["prepare_ms"] = r.prepare_ms;
  j["first_run_ms"] = r.first_run_ms;
  j["latency"] = summary_to_json(r.latency);
  if (r.device) j["device_latency"] = summary_to_json(*r.device);
  if (r.h2d) j["h2d_latency"] = summary_to_json(*r.h2d);
  if (r.d2h) j["d2h_latency"] = summary_to_json(*r.d2h);
  j["throughput_per_s"] = r.throughput_per_s;
  j["wall_s"] = r.wall_s;
  j["unstable"] = r.unstable();
  if (r.peak_rss_mib) j["peak_rss_mib"] = *r.peak_rss_mib;
  j["settings"] = r.settings;
  j["details"] = r.details;
  if (r.accuracy) j["accuracy"] = accuracy_to_json(*r.accuracy);
  j["samples_ms"] = r.samples_ms;
  return j;
}

RuntimeResult result_from_json(const json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("runtime") || !j["runtime"].is_string()) {
    fail(ErrorKind::kInput, "{}: results entry without a runtime name", where);
  }
  RuntimeResult r;
  r.runtime = j["runtime"].get<std::string>();
  const std::string status_text = field(j, "status", std::string("ok"), where);
  const auto status = status_from_name(status_text);
  if (!status) fail(ErrorKind::kInput, "results entry '{}' has unknown status '{}'", r.runtime, status_text);
  r.status = *status;
  r.error = field(j, "error", std::string(), where);
  if (r.status != RunStatus::kOk) return r;
  if (!j.contains("latency_ms") || !j["latency_ms"].is_number()) {
    fail(ErrorKind::kInput, "results entry '{}' has no numeric latency_ms", r.runtime);
  }
  r.latency =
      j.contains("latency") ? summary_from_json(object_field(j, "latency", where), where + ".latency") : Summary{};
  r.latency.median = j["latency_ms"].get<double>();
  if (j.contains("device_latency"))
    r.device = summary_from_json(object_field(j, "device_latency", where), where + ".device_latency");
  if (j.contains("h2d_latency"))
    r.h2d = summary_from_json(object_field(j, "h2d_latency", where), where + ".h2d_latency");
  if (j.contains("d2h_latency"))
    r.d2h = summary_from_json(object_field(j, "d2h_latency", where), where + ".d2h_latency");
  r.version = field(j, "version", std::string(), where);
  // Files written before results carried their precision read as fp32, the only precision they could claim.
  const std::string precision = field(j, "precision", std::string("fp32"), where);
  const auto parsed = precision_from_name(precision);
  if (!parsed) fail(ErrorKind::kInput, "{}.precision: unknown precision '{}'", where, precision);
  r.precision = *parsed;
  r.prepare_ms = field(j, "prepare_ms", 0.0, where);
  r.first_run_ms = field(j, "first_run_ms", 0.0, where);
  r.throughput_per_s = field(j, "throughput_per_s", 0.0, where);
  r.wall_s = field(j, "wall_s", 0.0, where);
  if (j.contains("peak_rss_mib")) r.peak_rss_mib = field(j, "peak_rss_mib", 0.0, where);
  r.settings = field(j, "settings", json::object(), where);
  r.details = field(j, "details", json::object(), where);
  if (j.contains("accuracy")) r.accuracy = accuracy_from_json(object_field(j, "accuracy", where), where + ".accuracy");
  r.samples_ms = field(j, "samples_ms", std::vector<double>{}, where);
  return r;
}

}  // namespace

json report_to_json(const BenchmarkReport& report) {
  json results = json::array();
  for (const auto& r : report.results) results.push_back(result_to_json(r));
  return {{"model", report.model},
          {"results", results},
          {"schema_version", report.schema_version},
          {"tool", "inferfoundry"},
          {"model_path", report.model_path},
          {"environment", report.environment},
          {"config", report.config}};
}

BenchmarkReport report_from_json(const json& j) {
  if (!j.is_object() || !j.contains("model") || !j["model"].is_string() || !j.contains("results") ||
      !j["results"].is_array()) {
    fail(ErrorKind::kInput, "not an InferFoundry results file: expected an object with 'model' and a 'results' array");
  }
  BenchmarkReport report;
  report.schema_version = field(j, "schema_version", 0, "");
  if (report.schema_version > BenchmarkReport::kSchemaVersion) {
    fail(ErrorKind::kInput, "results file has schema version {}, newer than this InferFoundry understands ({})",
         report.schema_version, BenchmarkReport::kSchemaVersion);
  }
  report.model = j["model"].get<std::string>();
  report.model_path = field(j, "model_path", std::string(), "");
  report.environment = field(j, "environment", json::object(), "");
  report.config = field(j, "config", json::object(), "");
  const json& results = j["results"];
  for (size_t i = 0; i < results.size(); ++i)
    report.results.push_back(result_from_json(results[i], fmt::format("results[{}]", i)));
  return report;
}

namespace {
// "[json.exception.out_of_range.406] number overflow parsing '1e400'" without the bracketed tag.
std::string without_exception_tag(std::string_view what) {
  const size_t end = what.starts_with("[json.exception.") ? what.find("] ") : std::string_view::npos;
  return std::string(end == std::string_view::npos ? what : what.substr(end + 2));
}
}  // namespace

BenchmarkReport load_report(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  json j;
  try {
    j = parse_json_bounded(text, path.string());
  } catch (const json::parse_error& e) {
    fail(ErrorKind::kInput, "{} is not valid JSON (byte {})", path.string(), e.byte);
  } catch (const json::exception& e) {  // out_of_range: a number such as 1e400 that no double holds
    fail(ErrorKind::kInput, "{} is not valid JSON: {}", path.string(), without_exception_tag(e.what()));
  }
  try {
    return report_from_json(j);
  } catch (const Error& e) {
    fail(ErrorKind::kInput, "{}: {}", path.string(), e.what());
  }
}

void save_report(const std::filesystem::path& path, const BenchmarkReport& report) {
  write_file_atomically(path, dump_json(report_to_json(report)) + "\n");
}

}  // namespace inferfoundry
