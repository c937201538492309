#include "report/json_format.h"

#include "core/error.h"
#include "core/file_io.h"
#include "core/json_text.h"

namespace inferfoundry {
using nlohmann::json;

json summary_to_json(const Summary& s) {
  return {{"count", s.count}, {"mean_ms", s.mean}, {"median_ms", s.median}, {"p90_ms", s.p90},       {"p95_ms", s.p95},
          {"p99_ms", s.p99},  {"min_ms", s.min},   {"max_ms", s.max},       {"stddev_ms", s.stddev}, {"cv", s.cv}};
}

Summary summary_from_json(const json& j) {
  Summary s;
  s.count = j.value("count", size_t{0});
  s.mean = j.value("mean_ms", 0.0);
  s.median = j.value("median_ms", 0.0);
  s.p90 = j.value("p90_ms", 0.0);
  s.p95 = j.value("p95_ms", 0.0);
  s.p99 = j.value("p99_ms", 0.0);
  s.min = j.value("min_ms", 0.0);
  s.max = j.value("max_ms", 0.0);
  s.stddev = j.value("stddev_ms", 0.0);
  s.cv = j.value("cv", 0.0);
  return s;
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

AccuracyVerdict accuracy_from_json(const json& j) {
  AccuracyVerdict verdict;
  verdict.reference = j.value("reference", "");
  verdict.atol = j.value("atol", 0.0);
  verdict.rtol = j.value("rtol", 0.0);
  verdict.passed = j.value("passed", true);
  for (const auto& o : j.value("outputs", json::array())) {
    OutputComparison c;
    c.name = o.value("name", "");
    c.max_abs_error = o.value("max_abs_error", 0.0);
    c.max_rel_error = o.value("max_rel_error", 0.0);
    c.mismatches = o.value("mismatches", int64_t{0});
    c.elements = o.value("elements", int64_t{0});
    c.cosine_similarity = o.value("cosine_similarity", 1.0);
    c.passed = o.value("passed", true);
    c.note = o.value("note", "");
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

RuntimeResult result_from_json(const json& j) {
  if (!j.is_object() || !j.contains("runtime") || !j["runtime"].is_string()) {
    fail(ErrorKind::kInput, "results entry without a runtime name");
  }
  RuntimeResult r;
  r.runtime = j["runtime"].get<std::string>();
  const auto status = status_from_name(j.value("status", "ok"));
  if (!status) fail(ErrorKind::kInput, "results entry '{}' has unknown status '{}'", r.runtime, j.value("status", ""));
  r.status = *status;
  r.error = j.value("error", "");
  if (r.status != RunStatus::kOk) return r;
  if (!j.contains("latency_ms") || !j["latency_ms"].is_number()) {
    fail(ErrorKind::kInput, "results entry '{}' has no numeric latency_ms", r.runtime);
  }
  r.latency = j.contains("latency") ? summary_from_json(j["latency"]) : Summary{};
  r.latency.median = j["latency_ms"].get<double>();
  if (j.contains("device_latency")) r.device = summary_from_json(j["device_latency"]);
  if (j.contains("h2d_latency")) r.h2d = summary_from_json(j["h2d_latency"]);
  if (j.contains("d2h_latency")) r.d2h = summary_from_json(j["d2h_latency"]);
  r.version = j.value("version", "");
  r.prepare_ms = j.value("prepare_ms", 0.0);
  r.first_run_ms = j.value("first_run_ms", 0.0);
  r.throughput_per_s = j.value("throughput_per_s", 0.0);
  r.wall_s = j.value("wall_s", 0.0);
  if (j.contains("peak_rss_mib")) r.peak_rss_mib = j["peak_rss_mib"].get<double>();
  r.settings = j.value("settings", json::object());
  r.details = j.value("details", json::object());
  if (j.contains("accuracy")) r.accuracy = accuracy_from_json(j["accuracy"]);
  r.samples_ms = j.value("samples_ms", std::vector<double>{});
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
  report.schema_version = j.value("schema_version", 0);
  if (report.schema_version > BenchmarkReport::kSchemaVersion) {
    fail(ErrorKind::kInput, "results file has schema version {}, newer than this InferFoundry understands ({})",
         report.schema_version, BenchmarkReport::kSchemaVersion);
  }
  report.model = j["model"].get<std::string>();
  report.model_path = j.value("model_path", "");
  report.environment = j.value("environment", json::object());
  report.config = j.value("config", json::object());
  try {
    for (const auto& entry : j["results"]) report.results.push_back(result_from_json(entry));
  } catch (const json::exception& e) {
    fail(ErrorKind::kInput, "malformed results entry: {}", e.what());
  }
  return report;
}

BenchmarkReport load_report(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  json j;
  try {
    j = parse_json_bounded(text, path.string());
  } catch (const json::parse_error& e) {
    fail(ErrorKind::kInput, "{} is not valid JSON (byte {})", path.string(), e.byte);
  }
  try {
    return report_from_json(j);
  } catch (const Error& e) {
    fail(ErrorKind::kInput, "{}: {}", path.string(), e.what());
  }
}

void save_report(const std::filesystem::path& path, const BenchmarkReport& report) {
  write_file_atomically(path, report_to_json(report).dump(2) + "\n");
}

}  // namespace inferfoundry
