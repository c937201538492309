#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/accuracy.h"
#include "runtimes/runtime.h"

namespace inferfoundry {

// How one test case of a suite ended.
//   passed:      every data set's outputs matched within tolerance
//   failed:      an output differs (values, shape, dtype or count)
//   unsupported: the case could not be set up: the model or its test data cannot be loaded (sequence or
//                string tensors, for instance) or the runtime rejected the model
//   error:       the runtime accepted the model but failed while running it
enum class CaseStatus { kPassed, kFailed, kUnsupported, kError };
std::string_view case_status_name(CaseStatus status);

struct CaseResult {
  std::string name;  // path of the case folder relative to the suite ("node/test_abs")
  CaseStatus status = CaseStatus::kPassed;
  std::string reason;                     // why it failed, is unsupported or errored; empty when passed
  std::string data_set;                   // the data set the reason is about ("test_data_set_0")
  std::vector<OutputComparison> outputs;  // comparisons of that data set (the failing one, or the last)
  int data_sets = 0;                      // data sets compared
  double seconds = 0;                     // wall time of the case, loading included
};

struct VerifyOptions {
  ToleranceOverride tolerance;  // over backend_test_tolerance(dtype)
  std::string filter;           // shell glob on the case name or its last folder; empty = every case
  RuntimeOptions runtime_options;
};

struct VerifyReport {
  std::string runtime;
  std::string runtime_version;
  std::string suite;
  std::vector<CaseResult> cases;
  double seconds = 0;

  int64_t count(CaseStatus status) const;
  // Passed cases over every case run, unsupported and errors included (0 for an empty report).
  double pass_rate() const;
};

// Every folder under `suite` (the suite itself included) that holds a model.onnx, sorted by name, that
// matches the filter. Throws Error(kInput) when the suite folder does not exist.
std::vector<std::filesystem::path> discover_cases(const std::filesystem::path& suite, const std::string& filter);

// Runs one case (every test_data_set_N in it) on the runtime. Never throws for the case's own problems;
// those are its status. A usage error in the options (Error(kUsage)) is thrown.
CaseResult verify_case(const Runtime& runtime, const std::filesystem::path& case_dir, std::string name,
                       const VerifyOptions& options);

// Called after each case: (case result, cases done, cases in all).
using CaseProgressFn = std::function<void(const CaseResult&, size_t, size_t)>;

// Discovers and runs every case of the suite. Throws Error(kInput) for a missing suite and
// Error(kUnavailable) when the runtime cannot run on this machine.
VerifyReport run_verify(const Runtime& runtime, const std::filesystem::path& suite, const VerifyOptions& options,
                        const CaseProgressFn& progress = {});

nlohmann::json verify_report_json(const VerifyReport& report, const VerifyOptions& options);
// "412 passed, 3 failed, 120 unsupported, 2 errors of 537 cases (76.7% passed) in 41.2 s"
std::string verify_summary_line(const VerifyReport& report);
// exit_code::kCheckFailed when a case failed or errored, or (strict) was unsupported; kOk otherwise.
int verify_exit_status(const VerifyReport& report, bool strict);

}  // namespace inferfoundry
