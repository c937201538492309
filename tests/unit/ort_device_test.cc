// The ORT plumbing the GPU runtimes rely on, where it runs without a GPU: finding ORT's folder, naming a
// missing provider library, and counting nodes per execution provider.
#include <filesystem>

#include <gtest/gtest.h>

#include "model/model.h"
#include "runtimes/ort/ort_session.h"
#include "runtimes/ort/provider_availability.h"

namespace inferfoundry::ort {
namespace {

TEST(OrtPlumbing, LibraryFolderHoldsOnnxRuntime) {
  const auto folder = library_folder();
  ASSERT_FALSE(folder.empty());
  EXPECT_TRUE(std::filesystem::exists(folder / "libonnxruntime.so.1")) << folder;
}

TEST(OrtPlumbing, MissingProviderLibraryIsNamedWithHowToGetIt) {
  const auto availability = provider_library_availability("libonnxruntime_providers_nothing.so", "run setup --gpu");
  EXPECT_FALSE(availability.available);
  EXPECT_NE(availability.reason.find("libonnxruntime_providers_nothing.so"), std::string::npos) << availability.reason;
  EXPECT_NE(availability.reason.find("run setup --gpu"), std::string::npos) << availability.reason;
  EXPECT_TRUE(provider_library_availability("libonnxruntime.so.1", "").available);
}

TEST(OrtPlumbing, CombineJoinsOnlyTheMissingParts) {
  EXPECT_TRUE(combine({{true, ""}, {true, ""}}).available);
  const auto both = combine({{false, "no library"}, {true, ""}, {false, "no GPU"}});
  EXPECT_FALSE(both.available);
  EXPECT_EQ(both.reason, "no library; no GPU");
}

TEST(OrtPlumbing, NodesByProviderCountsEveryNodeOfACpuSession) {
  const Model model = Model::load(INFERFOUNDRY_DEMO_MODEL);
  auto env = shared_environment();
  Ort::SessionOptions with_record = base_session_options(RuntimeOptions{});
  record_provider_assignment(with_record);
  const Ort::Session session = create_session(*env, model, with_record);
  const auto counts = nodes_by_provider(session);
  ASSERT_TRUE(counts.is_object()) << counts.dump();
  ASSERT_TRUE(counts.contains("CPUExecutionProvider")) << counts.dump();
  EXPECT_GT(counts["CPUExecutionProvider"].get<int64_t>(), 0);

  const Ort::Session unrecorded = create_session(*env, model, base_session_options(RuntimeOptions{}));
  EXPECT_TRUE(nodes_by_provider(unrecorded).is_null());
}

}  // namespace
}  // namespace inferfoundry::ort
