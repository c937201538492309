// Hostile input (issue 20): model files, results files and options made to crash, damage or mislead the
// CLI. Each ends with one clear error line and the documented exit status; none with a crash or exit 1.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/file_io.h"
#include "model/graph_builder.h"
#include "support/cli_runner.h"

namespace inferfoundry {
namespace {
namespace fs = std::filesystem;
using testing::CliResult;
using testing::run_cli;
using testing::TempDir;

// The one-line error of docs/exit-codes.md, with the code expected and a word it must mention.
void expect_one_line_error(const CliResult& r, int code, const std::string& mentions) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("inferfoundry: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
}

void save(const onnx::ModelProto& model, const fs::path& path) {
  std::string bytes;
  ASSERT_TRUE(model.SerializeToString(&bytes));
  write_file_atomically(path, bytes);
}

// y = Relu(x) with x of the given dims.
onnx::ModelProto relu_model(const std::vector<Dim>& dims) {
  GraphBuilder g("relu", 17);
  g.add_input("x", DType::kFloat32, dims);
  g.add_node("Relu", {"x"}, {"y"});
  g.add_output("y", DType::kFloat32, dims);
  return g.build();
}

std::vector<std::string> bench(const fs::path& model, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"benchmark", "--model", model.string(), "--iterations", "2", "--warmup", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(HostileSizes, BatchWhoseSizeWrapsIsAnInputErrorNotACrash) {
  TempDir dir;
  save(relu_model({symbolic_dim("batch"), fixed_dim(3), fixed_dim(32), fixed_dim(32)}), dir / "m.onnx");
  expect_one_line_error(run_cli(bench(dir / "m.onnx", {"--shapes", "batch:1501199875790166"})), exit_code::kInput,
                        "'x'");
}

TEST(HostileSizes, ModelDimensionNear2To62IsAnInputErrorNotACrash) {
  TempDir dir;
  for (const int64_t dim : {int64_t{1} << 62, (int64_t{1} << 61) + 1, int64_t{1} << 40}) {
    save(relu_model({fixed_dim(dim)}), dir / "m.onnx");
    const auto r = run_cli(bench(dir / "m.onnx"));
    expect_one_line_error(r, exit_code::kInput, "'x'");
    EXPECT_EQ(r.err.find("vector::"), std::string::npos) << r.err;
  }
}

TEST(HostileSizes, InputsPastMaxInputBytesAreRefusedWithTheirSize) {
  TempDir dir;
  save(relu_model({symbolic_dim("batch"), fixed_dim(1024)}), dir / "m.onnx");
  // 2^20 x 1024 floats = 4 GiB + nothing: one byte over the default ceiling is refused...
  const auto r = run_cli(bench(dir / "m.onnx", {"--shapes", "batch:1048577"}));
  expect_one_line_error(r, exit_code::kInput, "--max-input-bytes");
  EXPECT_NE(r.err.find("4.0 GiB"), std::string::npos) << r.err;
  // ...and a lower ceiling given on the command line is honoured.
  expect_one_line_error(run_cli(bench(dir / "m.onnx", {"--shapes", "batch:64", "--max-input-bytes", "100K"})),
                        exit_code::kInput, "256.0 KiB");
  expect_one_line_error(run_cli(bench(dir / "m.onnx", {"--max-input-bytes", "lots"})), exit_code::kUsage, "lots");
  EXPECT_EQ(run_cli(bench(dir / "m.onnx", {"--shapes", "batch:2", "--max-input-bytes", "1M"})).exit_code, 0);
}

TEST(HostileSizes, ExternalDataOffsetThatIsNotANumberIsAnInputError) {
  TempDir dir;
  testing::write_text(dir / "w.bin", std::string(16, 'x'));
  GraphBuilder g("add", 17);
  g.add_input("x", DType::kFloat32, {fixed_dim(4)});
  g.add_initializer(Tensor("w", DType::kFloat32, {4}));
  g.add_node("Add", {"x", "w"}, {"y"});
  g.add_output("y", DType::kFloat32, {fixed_dim(4)});
  for (const std::string offset : {"abc", "99999999999999999999"}) {
    onnx::ModelProto model = g.build();
    auto* w = model.mutable_graph()->mutable_initializer(0);
    w->clear_raw_data();
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"location", "w.bin"}, {"offset", offset}}) {
      auto* entry = w->add_external_data();
      entry->set_key(key);
      entry->set_value(value);
    }
    save(model, dir / "m.onnx");
    expect_one_line_error(run_cli(bench(dir / "m.onnx")), exit_code::kInput, offset);
    expect_one_line_error(run_cli({"inspect", "--model", (dir / "m.onnx").string()}), exit_code::kInput, offset);
  }
}

TEST(HostileModels, UnknownRankInputIsAUsageErrorNamingItUntilShapesGivesItsShape) {
  TempDir dir;
  onnx::ModelProto model = relu_model({});
  model.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  model.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  save(model, dir / "m.onnx");
  expect_one_line_error(run_cli(bench(dir / "m.onnx")), exit_code::kUsage, "'x'");
  const auto given = run_cli(bench(dir / "m.onnx", {"--shapes", "x:2x3"}));
  EXPECT_EQ(given.exit_code, 0) << given.err;
  const auto inspect = run_cli({"inspect", "--model", (dir / "m.onnx").string()});
  EXPECT_NE(inspect.out.find("unknown rank"), std::string::npos) << inspect.out;
}

std::string nested_arrays(int levels) {
  return std::string(static_cast<size_t>(levels), '[') + std::string(static_cast<size_t>(levels), ']');
}

TEST(HostileResults, DeeplyNestedDetailsAreAnInputErrorInEveryReportFormat) {
  TempDir dir;
  testing::write_text(
      dir / "deep.json",
      R"({"model": "m", "results": [{"runtime": "onnx", "latency_ms": 1, "details": )" + nested_arrays(100000) + "}]}");
  for (const std::string format : {"text", "markdown", "json", "html"}) {
    expect_one_line_error(run_cli({"report", "--path", (dir / "deep.json").string(), "--format", format}),
                          exit_code::kInput, "deeper than 64 levels");
  }
  expect_one_line_error(run_cli({"report", "--compare", (dir / "deep.json").string(), (dir / "deep.json").string()}),
                        exit_code::kInput, "deeper than 64 levels");
}

TEST(HostileResults, DeeplyNestedEnvironmentOrConfigIsAnInputErrorInHtml) {
  TempDir dir;
  for (const std::string block : {"environment", "config"}) {
    testing::write_text(dir / "deep.json",
                        R"({"model": "m", "results": [], ")" + block + R"(": {"a": )" + nested_arrays(10000) + "}}");
    expect_one_line_error(run_cli({"report", "--path", (dir / "deep.json").string(), "--format", "html"}),
                          exit_code::kInput, "deeper than 64 levels");
  }
}

TEST(HostileResults, BadNumbersAndWrongTypesAreInputErrorsNotInternalErrors) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1e400}]})", "1e400"},
      {R"({"model": "m", "model_path": ["x"], "results": []})", "model_path"},
      {R"({"model": "m", "schema_version": "one", "results": []})", "schema_version"},
      {R"({"model": "m", "environment": "laptop", "results": []})", "environment"},
      {R"({"model": "m", "config": 42, "results": []})", "config"},
  };
  for (const auto& [text, mentions] : cases) {
    testing::write_text(dir / "r.json", text);
    for (const std::string format : {"text", "html"})
      expect_one_line_error(run_cli({"report", "--path", (dir / "r.json").string(), "--format", format}),
                            exit_code::kInput, mentions);
  }
}

TEST(HostileResults, UnexpectedTypesInsideEnvironmentAndConfigStillRender) {
  TempDir dir;
  testing::write_text(dir / "r.json", R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1}],
      "environment": {"cpu": 5, "os": null, "timestamp_utc": []},
      "config": {"inputs": [3, {"name": 1}], "check": {"enabled": "yes", "reference": 2}}})");
  for (const std::string format : {"text", "markdown", "json", "html"}) {
    const auto r = run_cli({"report", "--path", (dir / "r.json").string(), "--format", format});
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
  }
}

TEST(HostileModels, InvalidUtf8InNamesDoesNotStopJsonOutput) {
  TempDir dir;
  onnx::ModelProto model = relu_model({fixed_dim(2)});
  model.mutable_graph()->mutable_input(0)->set_name("x\xff\xfe");
  model.mutable_graph()->mutable_node(0)->set_input(0, "x\xff\xfe");
  save(model, dir / "m.onnx");
  const auto inspect = run_cli({"inspect", "--json", "--model", (dir / "m.onnx").string()});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_NE(inspect.out.find("x\xef\xbf\xbd"), std::string::npos) << inspect.out;  // U+FFFD in UTF-8
  const auto r = run_cli(bench(dir / "m.onnx", {"--output", (dir / "r.json").string()}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "r.json"));
}

TEST(HostileText, NamesWithControlBytesAreEscapedInErrorMessagesAndInspect) {
  TempDir dir;
  const std::string name = "x\ninferfoundry: fake line\x1b]52;c;aGk=\x07";  // a forged line, a clipboard write
  onnx::ModelProto model = relu_model({});
  model.mutable_graph()->mutable_input(0)->set_name(name);
  model.mutable_graph()->mutable_node(0)->set_input(0, name);
  model.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  model.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  save(model, dir / "m.onnx");
  const auto r = run_cli(bench(dir / "m.onnx"));
  expect_one_line_error(r, exit_code::kUsage, "x\\x0ainferfoundry: fake line\\x1b]52;c;aGk=\\x07");
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  const auto inspect = run_cli({"inspect", "--model", (dir / "m.onnx").string()});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.out.find('\x1b'), std::string::npos) << inspect.out;
  EXPECT_EQ(inspect.out.find("\ninferfoundry: fake line"), std::string::npos) << inspect.out;
}

TEST(HostileOptions, EmptyOutputPathsAreUsageErrors) {
  TempDir dir;
  save(relu_model({fixed_dim(2)}), dir / "m.onnx");
  testing::write_text(dir / "r.json", R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1}]})");
  for (const std::string option : {"--output", "--save-inputs", "--save-outputs", "--inputs", "--cache-dir"})
    expect_one_line_error(run_cli(bench(dir / "m.onnx", {option, ""})), exit_code::kUsage, "empty path");
  expect_one_line_error(run_cli({"report", "--path", (dir / "r.json").string(), "--output", ""}), exit_code::kUsage,
                        "empty path");
  expect_one_line_error(run_cli({"verify", "--suite", dir.path().string(), "--json", ""}), exit_code::kUsage,
                        "empty path");
  expect_one_line_error(run_cli({"cache", "list", "--cache-dir", ""}), exit_code::kUsage, "empty path");
}

// Runs the CLI with a file-size limit of 1 KiB (`ulimit -f`, SIGXFSZ ignored), so that a larger write
// fails with EFBIG the way a full disk fails with ENOSPC.
CliResult run_cli_with_small_file_limit(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/bin/bash", "-c", "ulimit -f 1 && trap '' XFSZ && exec \"$@\"", "bash",
                                INFERFOUNDRY_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_program(argv);
}

TEST(HostileOutputs, FailedSaveInputsLeavesNoFoldersBehind) {
  TempDir dir;
  save(relu_model({fixed_dim(1), fixed_dim(1024)}), dir / "m.onnx");  // a 4 KiB input: over the 1 KiB limit
  const auto r = run_cli_with_small_file_limit(bench(dir / "m.onnx", {"--save-inputs", (dir / "a/b/c").string()}));
  expect_one_line_error(r, exit_code::kOutput, "File too large");
  EXPECT_FALSE(fs::exists(dir / "a")) << "left behind: " << (dir / "a");
  // A folder that existed before keeps existing, with what it held.
  fs::create_directories(dir / "kept");
  testing::write_text(dir / "kept" / "notes.txt", "mine");
  run_cli_with_small_file_limit(bench(dir / "m.onnx", {"--save-inputs", (dir / "kept/new").string()}));
  EXPECT_FALSE(fs::exists(dir / "kept" / "new"));
  EXPECT_EQ(read_file(dir / "kept" / "notes.txt"), "mine");
}

TEST(HostileOutputs, WriteErrorsSayWhichCallFailed) {
  TempDir dir;
  testing::write_text(dir / "r.json", R"({"model": "m", "results": [{"runtime": "a", "latency_ms": 1}]})");
  // /proc refuses new files: the error is about the temporary file, not a missing /proc/version.
  expect_one_line_error(run_cli({"report", "--path", (dir / "r.json").string(), "-o", "/proc/version"}),
                        exit_code::kOutput, "cannot create a temporary file beside it");
}

TEST(HostileOutputs, SaveOutputsRefusesASymlinkedRuntimeFolder) {
  TempDir dir, outside;
  save(relu_model({fixed_dim(2)}), dir / "m.onnx");
  fs::create_directories(dir / "out");
  fs::create_directory_symlink(outside.path(), dir / "out" / "onnx");
  const auto r = run_cli(bench(dir / "m.onnx", {"--save-outputs", (dir / "out").string()}));
  expect_one_line_error(r, exit_code::kOutput, "symbolic link");
  EXPECT_TRUE(fs::is_empty(outside.path()));
  // Without the link the outputs land inside the folder.
  fs::remove(dir / "out" / "onnx");
  const auto ok = run_cli(bench(dir / "m.onnx", {"--save-outputs", (dir / "out").string()}));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(fs::is_regular_file(dir / "out" / "onnx" / "output_0.pb"));
}

}  // namespace
}  // namespace inferfoundry
