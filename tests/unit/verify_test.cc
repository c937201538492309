// The suite runner as a library: case discovery and filters, and the classification of each case as
// passed, failed, unsupported or error, on suites built here with the `onnx` runtime.
#include <gtest/gtest.h>

#include "bench/verify.h"
#include "core/error.h"
#include "core/file_io.h"
#include "model/graph_builder.h"
#include "model/tensor_proto.h"
#include "support/cli_runner.h"

namespace inferfoundry {
std::unique_ptr<Runtime> make_onnx_runtime();  // src/runtimes/onnx

namespace {
namespace fs = std::filesystem;
using testing::TempDir;

Tensor floats(const std::string& name, const std::vector<float>& values, Shape shape) {
  Tensor t(name, DType::kFloat32, std::move(shape));
  std::copy(values.begin(), values.end(), t.data<float>().begin());
  return t;
}

void write_model(const fs::path& dir, const onnx::ModelProto& model) {
  fs::create_directories(dir);
  write_file_atomically(dir / "model.onnx", model.SerializeAsString());
}

void write_data_set(const fs::path& case_dir, int index, const std::vector<Tensor>& inputs,
                    const std::vector<Tensor>& outputs) {
  const fs::path dir = case_dir / ("test_data_set_" + std::to_string(index));
  write_tensor_folder(dir, "input", inputs);
  write_tensor_folder(dir, "output", outputs);
}

onnx::ModelProto relu_model() {
  GraphBuilder b("relu");
  b.add_input("x", DType::kFloat32, {fixed_dim(2), fixed_dim(3)});
  b.add_output("y", DType::kFloat32, {fixed_dim(2), fixed_dim(3)});
  b.add_node("Relu", {"x"}, {"y"});
  return b.build();
}

// Relu case with two data sets; the second's expected output is `second_expected`.
void write_relu_case(const fs::path& dir, const std::vector<float>& second_expected) {
  write_model(dir, relu_model());
  write_data_set(dir, 0, {floats("x", {-1, 2, -3, 4, 0, 6}, {2, 3})}, {floats("y", {0, 2, 0, 4, 0, 6}, {2, 3})});
  write_data_set(dir, 1, {floats("x", {1, -2, 3, -4, 5, -6}, {2, 3})}, {floats("y", second_expected, {2, 3})});
}

class VerifyCase : public ::testing::Test {
 protected:
  CaseResult run(const fs::path& dir, VerifyOptions options = {}) {
    return verify_case(*runtime_, dir, dir.filename().string(), options);
  }
  TempDir suite_;
  std::unique_ptr<Runtime> runtime_ = make_onnx_runtime();
};

TEST_F(VerifyCase, MatchingOutputsInEveryDataSetPass) {
  write_relu_case(suite_ / "relu", {1, 0, 3, 0, 5, 0});
  const auto result = run(suite_ / "relu");
  EXPECT_EQ(result.status, CaseStatus::kPassed) << result.reason;
  EXPECT_EQ(result.data_sets, 2);
  EXPECT_TRUE(result.reason.empty());
  EXPECT_TRUE(result.data_set.empty());
}

TEST_F(VerifyCase, AWrongExpectedOutputFailsAndSaysWhereAndByHowMuch) {
  write_relu_case(suite_ / "relu", {1, 0, 3, 0, 5.5f, 0});
  const auto result = run(suite_ / "relu");
  EXPECT_EQ(result.status, CaseStatus::kFailed);
  EXPECT_EQ(result.data_set, "test_data_set_1");
  EXPECT_EQ(result.data_sets, 2);
  EXPECT_NE(result.reason.find("output 'y'"), std::string::npos) << result.reason;
  EXPECT_NE(result.reason.find("worst at [1, 1]: got 5, expected 5.5"), std::string::npos) << result.reason;
  ASSERT_EQ(result.outputs.size(), 1u);
  EXPECT_DOUBLE_EQ(result.outputs[0].max_abs_error, 0.5);
  EXPECT_EQ(result.outputs[0].mismatches, 1);
}

TEST_F(VerifyCase, ToleranceOverrideAcceptsASmallDifference) {
  write_relu_case(suite_ / "relu", {1, 0, 3, 0, 5.5f, 0});
  VerifyOptions options;
  options.tolerance.atol = 0.5;
  EXPECT_EQ(run(suite_ / "relu", options).status, CaseStatus::kPassed);
}

TEST_F(VerifyCase, ExpectedDtypeOrShapeThatDiffersFails) {
  write_model(suite_ / "shape", relu_model());
  write_data_set(suite_ / "shape", 0, {floats("x", {1, 2, 3, 4, 5, 6}, {2, 3})},
                 {floats("y", {1, 2, 3, 4, 5, 6}, {3, 2})});
  const auto result = run(suite_ / "shape");
  EXPECT_EQ(result.status, CaseStatus::kFailed);
  EXPECT_NE(result.reason.find("shape 2x3 where 3x2 was expected"), std::string::npos) << result.reason;
}

TEST_F(VerifyCase, AModelTheRuntimeRejectsIsUnsupported) {
  GraphBuilder b("unknown_op");
  b.add_input("x", DType::kFloat32, {fixed_dim(2)});
  b.add_output("y", DType::kFloat32, {fixed_dim(2)});
  b.add_opset("com.example.nothing", 1);
  b.add_node("NoSuchOp", {"x"}, {"y"}, "com.example.nothing");
  write_model(suite_ / "unknown_op", b.build());
  write_data_set(suite_ / "unknown_op", 0, {floats("x", {1, 2}, {2})}, {floats("y", {1, 2}, {2})});
  const auto result = run(suite_ / "unknown_op");
  EXPECT_EQ(result.status, CaseStatus::kUnsupported);
  EXPECT_NE(result.reason.find("runtime rejected the model"), std::string::npos) << result.reason;
}

TEST_F(VerifyCase, UnreadableModelOrMissingDataIsUnsupportedWithTheReason) {
  fs::create_directories(suite_ / "garbage");
  write_file_atomically(suite_ / "garbage" / "model.onnx", "this is not a protobuf");
  const auto garbage = run(suite_ / "garbage");
  EXPECT_EQ(garbage.status, CaseStatus::kUnsupported);
  EXPECT_NE(garbage.reason.find("cannot load model"), std::string::npos) << garbage.reason;

  write_model(suite_ / "no_data", relu_model());
  const auto no_data = run(suite_ / "no_data");
  EXPECT_EQ(no_data.status, CaseStatus::kUnsupported);
  EXPECT_NE(no_data.reason.find("no test_data_set_N"), std::string::npos) << no_data.reason;

  write_model(suite_ / "bad_input", relu_model());
  write_data_set(suite_ / "bad_input", 0, {floats("x", {1, 2}, {2})}, {floats("y", {1, 2}, {2})});
  const auto bad_input = run(suite_ / "bad_input");
  EXPECT_EQ(bad_input.status, CaseStatus::kUnsupported);
  EXPECT_NE(bad_input.reason.find("cannot load test inputs"), std::string::npos) << bad_input.reason;
}

TEST_F(VerifyCase, AFailureWhileRunningIsAnError) {
  GraphBuilder b("reshape");
  b.add_input("x", DType::kFloat32, {fixed_dim(6)});
  b.add_input("shape", DType::kInt64, {fixed_dim(1)});
  b.add_output("y", DType::kFloat32, {symbolic_dim("n")});
  b.add_node("Reshape", {"x", "shape"}, {"y"});
  write_model(suite_ / "reshape", b.build());
  Tensor shape("shape", DType::kInt64, {1});
  shape.data<int64_t>()[0] = 5;  // 6 elements cannot become 5
  write_data_set(suite_ / "reshape", 0, {floats("x", {1, 2, 3, 4, 5, 6}, {6}), shape},
                 {floats("y", {1, 2, 3, 4, 5}, {5})});
  const auto result = run(suite_ / "reshape");
  EXPECT_EQ(result.status, CaseStatus::kError) << result.reason;
  EXPECT_NE(result.reason.find("run failed"), std::string::npos) << result.reason;
}

TEST(DiscoverCases, FindsModelFoldersRecursivelySortedAndFiltered) {
  TempDir suite;
  for (const char* name : {"b/test_relu", "a/test_add", "a/test_add_bcast", "b/deeper/test_conv"}) {
    write_model(suite / name, relu_model());
  }
  fs::create_directories(suite / "not_a_case");
  auto names = [&](const std::string& filter) {
    std::vector<std::string> list;
    for (const auto& dir : discover_cases(suite.path(), filter))
      list.push_back(dir.lexically_relative(suite.path()).string());
    return list;
  };
  EXPECT_EQ(names(""),
            (std::vector<std::string>{"a/test_add", "a/test_add_bcast", "b/deeper/test_conv", "b/test_relu"}));
  EXPECT_EQ(names("test_add*"), (std::vector<std::string>{"a/test_add", "a/test_add_bcast"}));
  EXPECT_EQ(names("b/*"), (std::vector<std::string>{"b/deeper/test_conv", "b/test_relu"}));
  EXPECT_TRUE(names("test_nothing").empty());
  EXPECT_EQ(discover_cases(suite / "a" / "test_add", "").size(), 1u) << "a case folder is a suite of one";
}

TEST(DiscoverCases, MissingSuiteIsAnInputError) {
  try {
    discover_cases("/nonexistent/suite", "");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
  }
}

TEST(RunVerify, SummaryCountsJsonAndExitStatus) {
  TempDir suite;
  write_relu_case(suite / "good", {1, 0, 3, 0, 5, 0});
  write_relu_case(suite / "wrong", {1, 0, 3, 0, 5, 1});
  write_model(suite / "empty", relu_model());
  const auto runtime = make_onnx_runtime();
  VerifyOptions options;
  const VerifyReport report = run_verify(*runtime, suite.path(), options);
  ASSERT_EQ(report.cases.size(), 3u);
  EXPECT_EQ(report.count(CaseStatus::kPassed), 1);
  EXPECT_EQ(report.count(CaseStatus::kFailed), 1);
  EXPECT_EQ(report.count(CaseStatus::kUnsupported), 1);
  EXPECT_NEAR(report.pass_rate(), 1.0 / 3, 1e-12);
  EXPECT_NE(verify_summary_line(report).find("1 passed, 1 failed, 1 unsupported, 0 errors of 3 cases (33.3% passed)"),
            std::string::npos)
      << verify_summary_line(report);
  EXPECT_EQ(verify_exit_status(report, false), exit_code::kCheckFailed);

  const auto json = verify_report_json(report, options);
  EXPECT_EQ(json["summary"]["passed"], 1);
  EXPECT_EQ(json["cases"][2]["name"], "wrong");
  EXPECT_EQ(json["cases"][2]["status"], "failed");
  EXPECT_EQ(json["cases"][2]["outputs"][0]["mismatches"], 1);

  options.filter = "good";
  const VerifyReport good_only = run_verify(*runtime, suite.path(), options);
  EXPECT_EQ(verify_exit_status(good_only, false), exit_code::kOk);
  EXPECT_EQ(verify_exit_status(good_only, true), exit_code::kOk);
  options.filter = "[ge]*";
  const VerifyReport with_unsupported = run_verify(*runtime, suite.path(), options);
  ASSERT_EQ(with_unsupported.cases.size(), 2u);
  EXPECT_EQ(verify_exit_status(with_unsupported, false), exit_code::kOk) << "unsupported passes unless strict";
  EXPECT_EQ(verify_exit_status(with_unsupported, true), exit_code::kCheckFailed);
}

}  // namespace
}  // namespace inferfoundry
