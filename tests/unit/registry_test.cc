#include <gtest/gtest.h>

#include "core/error.h"
#include "runtimes/registry.h"

namespace inferfoundry {
namespace {

class FakeRuntime : public Runtime {
 public:
  FakeRuntime(std::string name, bool available) : name_(std::move(name)), available_(available) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "fake"; }
  Availability availability() const override { return {available_, available_ ? "" : "not installed"}; }
  std::string version() const override { return "0"; }
  std::unique_ptr<Session> prepare(const Model&, const RuntimeOptions&) const override { return nullptr; }

 private:
  std::string name_;
  bool available_;
};

RuntimeRegistry fake_registry() {
  RuntimeRegistry registry;
  registry.add(std::make_unique<FakeRuntime>("a", true));
  registry.add(std::make_unique<FakeRuntime>("b", false));
  registry.add(std::make_unique<FakeRuntime>("c", true));
  return registry;
}

TEST(Registry, ResolvesListsInOrder) {
  const auto registry = fake_registry();
  const auto chosen = registry.resolve("c,a");
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[0]->name(), "c");
  EXPECT_EQ(chosen[1]->name(), "a");
}

TEST(Registry, AllMeansEveryAvailableRuntime) {
  const auto registry = fake_registry();
  const auto chosen = registry.resolve("all");
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[1]->name(), "c");
}

TEST(Registry, UnknownNameListsValidOnes) {
  try {
    fake_registry().resolve("a,zzz");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("'zzz'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("a, b, c"), std::string::npos);
  }
  EXPECT_THROW(fake_registry().resolve("a,a"), Error);
  EXPECT_THROW(fake_registry().resolve(""), Error);
}

TEST(Registry, ANameRegisteredTwiceIsAnInternalError) {
  RuntimeRegistry registry = fake_registry();
  try {
    registry.add(std::make_unique<FakeRuntime>("b", true));
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  }
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"a", "b", "c"}));
}

// A folder registers all of its runtimes (onnx_cuda: onnx-cuda and onnx-cuda-fp16; foundry: foundry and
// foundry-fp16) through one inferfoundry_add_runtime(... FACTORIES ...) call, in folder order.
TEST(Registry, BuiltinsHoldEveryRuntimeOfEachFolderInOrder) {
  const std::vector<std::string> expected =
      INFERFOUNDRY_WITH_CUDA
          ? std::vector<std::string>{"onnx", "foundry", "foundry-fp16", "onnx-cuda", "onnx-cuda-fp16", "tensorrt"}
          : std::vector<std::string>{"onnx"};
  EXPECT_EQ(RuntimeRegistry::with_builtin_runtimes().names(), expected);
}

TEST(Registry, BuiltinsIncludeOnnx) {
  const auto registry = RuntimeRegistry::with_builtin_runtimes();
  const Runtime* onnx = registry.find("onnx");
  ASSERT_NE(onnx, nullptr);
  EXPECT_TRUE(onnx->availability().available);
  EXPECT_EQ(onnx->version(), "1.29.0");
}

TEST(RuntimeOptions, UnknownExtraKeysAreRejected) {
  RuntimeOptions options;
  options.extra["cuda_graphs"] = "1";
  EXPECT_NO_THROW(reject_unknown_options(options, "x", {"cuda_graphs"}));
  EXPECT_THROW(reject_unknown_options(options, "x", {"other"}), Error);
}

}  // namespace
}  // namespace inferfoundry
