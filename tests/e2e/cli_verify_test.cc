// End-to-end: `inferfoundry verify` on cases of Debian's libonnx-testdata, on a copy of a case with a
// deliberately wrong expected output, on bad arguments, and on the whole suite with a floor on the passes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_io.h"
#include "model/tensor_proto.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::run_cli;
using testing::TempDir;

const fs::path kTestData = ONNX_TESTDATA_DIR;

// The suite comes from the Debian package scripts/setup.sh installs; without it these tests cannot say
// anything, and a silent skip would hide a drop in the pass count.
void require_test_data() {
  ASSERT_TRUE(fs::is_directory(kTestData / "node")) << kTestData << " is missing: apt-get install libonnx-testdata";
}

// A copy of a suite case, to alter without touching the system's files.
fs::path copy_case(const TempDir& dir, const std::string& folder, const std::string& name) {
  const fs::path target = dir / name;
  fs::copy(kTestData / folder / name, target, fs::copy_options::recursive);
  return target;
}

TEST(CliVerify, HandfulOfSuiteCasesPass) {
  require_test_data();
  const auto r = run_cli({"verify", "--runtime", "onnx", "--suite", (kTestData / "node").string(), "--filter",
                          "test_[rs][ei][lg]*"});  // relu and sigmoid cases
  EXPECT_EQ(r.exit_code, exit_code::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("onnx 1.29.0 on"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 0 failed, 0 unsupported, 0 errors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(100.0% passed)"), std::string::npos) << r.out;
}

TEST(CliVerify, DeliberatelyWrongExpectedOutputFailsWithExitSix) {
  require_test_data();
  TempDir dir;
  const fs::path case_dir = copy_case(dir, "node", "test_relu");
  const fs::path output = case_dir / "test_data_set_0" / "output_0.pb";
  Tensor expected = read_tensor_file(output);
  expected.data<float>()[7] += 0.5f;
  write_tensor_file(output, expected);

  const auto json_path = dir / "verify.json";
  const auto r = run_cli({"verify", "--suite", dir.path().string(), "--json", json_path.string()});
  EXPECT_EQ(r.exit_code, exit_code::kCheckFailed) << r.out << r.err;
  EXPECT_NE(
      r.out.find("failed      test_relu [test_data_set_0]: output 'y': 1 of 60 elements differ; worst at [0, 1, 2]"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 passed, 1 failed"), std::string::npos) << r.out;

  const auto json = nlohmann::json::parse(read_file(json_path));
  EXPECT_EQ(json["summary"]["failed"], 1);
  const auto& output_json = json["cases"][0]["outputs"][0];
  EXPECT_NEAR(output_json["max_abs_error"].get<double>(), 0.5, 1e-6);
  EXPECT_EQ(output_json["mismatches"], 1);

  // The same difference within a tolerance the user gives passes.
  const auto tolerant = run_cli({"verify", "--suite", dir.path().string(), "--atol", "0.6"});
  EXPECT_EQ(tolerant.exit_code, exit_code::kOk) << tolerant.out;
}

TEST(CliVerify, UnsupportedCasesPassUnlessStrict) {
  require_test_data();
  TempDir dir;
  copy_case(dir, "node", "test_relu");
  copy_case(dir, "node", "test_cast_STRING_to_FLOAT");  // string tensors: not loadable here
  const auto r = run_cli({"verify", "--suite", dir.path().string(), "--verbose"});
  EXPECT_EQ(r.exit_code, exit_code::kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("unsupported test_cast_STRING_to_FLOAT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 passed, 0 failed, 1 unsupported"), std::string::npos) << r.out;
  const auto strict = run_cli({"verify", "--suite", dir.path().string(), "--strict"});
  EXPECT_EQ(strict.exit_code, exit_code::kCheckFailed) << strict.out;
}

TEST(CliVerify, BadArgumentsHaveTheirExitCodes) {
  auto r = run_cli({"verify", "--suite", "/nonexistent/suite"});
  EXPECT_EQ(r.exit_code, exit_code::kInput);
  EXPECT_NE(r.err.find("suite folder not found"), std::string::npos) << r.err;
  r = run_cli({"verify"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage);
  r = run_cli({"verify", "--suite", ONNX_TESTDATA_DIR, "--runtime", "no-such-runtime"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage);
  r = run_cli({"verify", "--suite", ONNX_TESTDATA_DIR, "--runtime", "all"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage);
  r = run_cli({"verify", "--suite", ONNX_TESTDATA_DIR, "--runtime", "onnx,onnx"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage);
  r = run_cli({"verify", "--suite", ONNX_TESTDATA_DIR, "--rtol", "-0.1"});
  EXPECT_EQ(r.exit_code, exit_code::kUsage);
  r = run_cli({"verify", "--suite", ONNX_TESTDATA_DIR, "--filter", "no_case_has_this_name"});
  EXPECT_EQ(r.exit_code, exit_code::kInput);
  EXPECT_NE(r.err.find("no test case"), std::string::npos) << r.err;
  TempDir dir;
  r = run_cli({"verify", "--suite", ONNX_TESTDATA_DIR, "--filter", "test_relu", "--json",
               (dir / "missing" / "x.json").string()});
  EXPECT_EQ(r.exit_code, exit_code::kOutput) << r.err;
}

// The floor: passes measured with `onnx` (ONNX Runtime 1.29.0, CPU) on libonnx-testdata 1.12.0-2 on
// 2026-11-21 (README, "Accuracy"). A change that loses a passing case fails here; a runtime upgrade that
// gains cases should raise these numbers.
TEST(CliVerify, WholeLibonnxTestdataPassCountDoesNotDrop) {
  require_test_data();
  TempDir dir;
  const auto json_path = dir / "suite.json";
  const auto r = run_cli({"verify", "--suite", kTestData.string(), "--json", json_path.string()});
  ASSERT_TRUE(r.exit_code == exit_code::kOk || r.exit_code == exit_code::kCheckFailed) << r.err;
  const auto json = nlohmann::json::parse(read_file(json_path));
  std::map<std::string, int> passed;
  for (const auto& c : json["cases"]) {
    const std::string name = c["name"];
    if (c["status"] == "passed") ++passed[name.substr(0, name.find('/'))];
    EXPECT_TRUE(c["status"] != "passed" || c["data_sets"].get<int>() > 0) << name;
  }
  EXPECT_GE(json["summary"]["passed"].get<int>(), 952) << r.out;
  EXPECT_GE(passed["node"], 854);
  EXPECT_GE(passed["pytorch-converted"], 59);
  EXPECT_GE(passed["pytorch-operator"], 24);
  EXPECT_GE(passed["simple"], 15);
  EXPECT_EQ(json["summary"]["errors"], 0) << r.out;
  EXPECT_EQ(json["summary"]["cases"], 1072);
}

}  // namespace
}  // namespace inferfoundry
