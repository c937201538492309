#include "bench/verify.h"

#include <fnmatch.h>

#include <algorithm>
#include <chrono>
#include <regex>

#include <fmt/format.h>

#include "bench/inputs.h"
#include "core/error.h"
#include "model/tensor_proto.h"

namespace inferfoundry {
namespace fs = std::filesystem;

std::string_view case_status_name(CaseStatus status) {
  switch (status) {
    case CaseStatus::kPassed:
      return "passed";
    case CaseStatus::kFailed:
      return "failed";
    case CaseStatus::kUnsupported:
      return "unsupported";
    case CaseStatus::kError:
      return "error";
  }
  return "error";
}

int64_t VerifyReport::count(CaseStatus status) const {
  return std::count_if(cases.begin(), cases.end(), [status](const CaseResult& c) { return c.status == status; });
}

double VerifyReport::pass_rate() const {
  return cases.empty() ? 0.0 : static_cast<double>(count(CaseStatus::kPassed)) / static_cast<double>(cases.size());
}

namespace {

using Clock = std::chrono::steady_clock;

bool matches_filter(const std::string& name, const std::string& filter) {
  if (filter.empty()) return true;
  const std::string last = fs::path(name).filename().string();
  return fnmatch(filter.c_str(), name.c_str(), 0) == 0 || fnmatch(filter.c_str(), last.c_str(), 0) == 0;
}

// test_data_set_0, test_data_set_1, ... in numeric order.
std::vector<fs::path> data_sets_of(const fs::path& case_dir) {
  static const std::regex pattern("test_data_set_([0-9]{1,9})");  // fits an int
  std::vector<std::pair<int, fs::path>> found;
  for (const auto& entry : fs::directory_iterator(case_dir)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && std::regex_match(name, match, pattern))
      found.emplace_back(std::stoi(match[1]), entry.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> dirs;
  for (auto& [index, dir] : found) dirs.push_back(std::move(dir));
  return dirs;
}

// Failures while setting a case up: the case is unsupported, with this reason.
struct SetupFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename Fn>
auto during_setup(const std::string& what, Fn&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage) throw;
    throw SetupFailure(what + ": " + e.what());
  } catch (const std::exception& e) {
    throw SetupFailure(what + ": " + e.what());
  }
}

// Runs one data set; returns its comparison. Setup problems throw SetupFailure; run problems propagate.
AccuracyVerdict run_data_set(Session& session, const Model& model, const fs::path& dir,
                             const ToleranceFn& tolerance_for) {
  const auto inputs = during_setup("cannot load test inputs", [&] { return load_inputs(model, dir); });
  const auto expected = during_setup("cannot load expected outputs", [&] { return read_tensor_folder(dir, "output"); });
  session.set_inputs(inputs);
  session.run();
  return compare_outputs(session.outputs(), expected, tolerance_for);
}

std::string first_failure(const AccuracyVerdict& verdict) {
  for (const auto& output : verdict.outputs) {
    if (!output.passed) return fmt::format("output '{}': {}", output.name, output.note);
  }
  return "outputs differ";
}

void run_case(CaseResult& result, const Runtime& runtime, const fs::path& case_dir, const VerifyOptions& options) {
  const Model model = during_setup("cannot load model", [&] { return Model::load(case_dir / "model.onnx"); });
  const auto data_sets = data_sets_of(case_dir);
  if (data_sets.empty()) throw SetupFailure("no test_data_set_N folder");
  const auto session =
      during_setup("runtime rejected the model", [&] { return runtime.prepare(model, options.runtime_options); });
  const ToleranceFn tolerance_for = [&](DType dtype) { return options.tolerance.apply(backend_test_tolerance(dtype)); };
  for (const auto& dir : data_sets) {
    result.data_set = dir.filename().string();
    AccuracyVerdict verdict = run_data_set(*session, model, dir, tolerance_for);
    ++result.data_sets;
    if (!verdict.passed) {
      result.status = CaseStatus::kFailed;
      result.reason = first_failure(verdict);
    }
    result.outputs = std::move(verdict.outputs);
    if (!verdict.passed) return;
  }
}

}  // namespace

std::vector<fs::path> discover_cases(const fs::path& suite, const std::string& filter) {
  std::error_code ec;
  if (!fs::is_directory(suite, ec)) fail(ErrorKind::kInput, "suite folder not found: {}", suite.string());
  std::vector<fs::path> cases;
  if (fs::is_regular_file(suite / "model.onnx", ec)) cases.push_back(suite);
  for (auto it = fs::recursive_directory_iterator(suite, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && fs::is_regular_file(it->path() / "model.onnx", ec)) cases.push_back(it->path());
  }
  if (ec) fail(ErrorKind::kInput, "cannot read suite folder {}: {}", suite.string(), ec.message());
  std::sort(cases.begin(), cases.end());
  std::erase_if(cases,
                [&](const fs::path& dir) { return !matches_filter(dir.lexically_relative(suite).string(), filter); });
  return cases;
}

CaseResult verify_case(const Runtime& runtime, const fs::path& case_dir, std::string name,
                       const VerifyOptions& options) {
  CaseResult result;
  result.name = std::move(name);
  const auto start = Clock::now();
  try {
    run_case(result, runtime, case_dir, options);
  } catch (const SetupFailure& e) {
    result.status = CaseStatus::kUnsupported;
    result.reason = e.what();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kUsage) throw;
    result.status = CaseStatus::kError;
    result.reason = e.what();
  } catch (const std::exception& e) {
    result.status = CaseStatus::kError;
    result.reason = e.what();
  }
  if (result.status == CaseStatus::kPassed) result.data_set.clear();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

VerifyReport run_verify(const Runtime& runtime, const fs::path& suite, const VerifyOptions& options,
                        const CaseProgressFn& progress) {
  const auto cases = discover_cases(suite, options.filter);
  const Availability availability = runtime.availability();
  if (!availability.available)
    fail(ErrorKind::kUnavailable, "runtime '{}' is unavailable: {}", runtime.name(), availability.reason);
  VerifyReport report;
  report.runtime = runtime.name();
  report.runtime_version = runtime.version();
  report.suite = suite.string();
  const auto start = Clock::now();
  for (const auto& dir : cases) {
    std::string name = dir == suite ? dir.filename().string() : dir.lexically_relative(suite).string();
    report.cases.push_back(verify_case(runtime, dir, std::move(name), options));
    if (progress) progress(report.cases.back(), report.cases.size(), cases.size());
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

nlohmann::json verify_report_json(const VerifyReport& report, const VerifyOptions& options) {
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : report.cases) {
    nlohmann::json entry = {
        {"name", c.name}, {"status", case_status_name(c.status)}, {"data_sets", c.data_sets}, {"seconds", c.seconds}};
    if (!c.reason.empty()) entry["reason"] = c.reason;
    if (!c.data_set.empty()) entry["data_set"] = c.data_set;
    if (c.status == CaseStatus::kFailed) {
      nlohmann::json outputs = nlohmann::json::array();
      for (const auto& o : c.outputs) {
        outputs.push_back({{"name", o.name},
                           {"passed", o.passed},
                           {"max_abs_error", o.max_abs_error},
                           {"max_rel_error", o.max_rel_error},
                           {"mismatches", o.mismatches},
                           {"elements", o.elements},
                           {"cosine_similarity", o.cosine_similarity},
                           {"note", o.note}});
      }
      entry["outputs"] = outputs;
    }
    cases.push_back(std::move(entry));
  }
  nlohmann::json tolerance = {
      {"defaults", "ONNX backend tests: floating rtol 1e-3 atol 1e-7; integers and bool exact"}};
  if (options.tolerance.atol) tolerance["atol"] = *options.tolerance.atol;
  if (options.tolerance.rtol) tolerance["rtol"] = *options.tolerance.rtol;
  return {{"runtime", report.runtime},
          {"runtime_version", report.runtime_version},
          {"suite", report.suite},
          {"filter", options.filter},
          {"tolerance", tolerance},
          {"summary",
           {{"cases", report.cases.size()},
            {"passed", report.count(CaseStatus::kPassed)},
            {"failed", report.count(CaseStatus::kFailed)},
            {"unsupported", report.count(CaseStatus::kUnsupported)},
            {"errors", report.count(CaseStatus::kError)},
            {"pass_rate", report.pass_rate()},
            {"seconds", report.seconds}}},
          {"cases", cases}};
}

std::string verify_summary_line(const VerifyReport& report) {
  return fmt::format("{} passed, {} failed, {} unsupported, {} errors of {} cases ({:.1f}% passed) in {:.1f} s",
                     report.count(CaseStatus::kPassed), report.count(CaseStatus::kFailed),
                     report.count(CaseStatus::kUnsupported), report.count(CaseStatus::kError), report.cases.size(),
                     report.pass_rate() * 100, report.seconds);
}

int verify_exit_status(const VerifyReport& report, bool strict) {
  const bool failed = report.count(CaseStatus::kFailed) > 0 || report.count(CaseStatus::kError) > 0;
  const bool unsupported = report.count(CaseStatus::kUnsupported) > 0;
  return failed || (strict && unsupported) ? exit_code::kCheckFailed : exit_code::kOk;
}

}  // namespace inferfoundry
