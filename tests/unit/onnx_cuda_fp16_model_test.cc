// onnx-cuda's fp16 path, CPU side: where the converted model goes (memory, the cache, a temporary folder)
// and that a cached conversion is reused, not rewritten.
#include "runtimes/onnx_cuda/fp16_model.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "precision_test_models.h"
#include "support/cli_runner.h"

namespace inferfoundry::onnx_cuda {
namespace {

namespace fs = std::filesystem;
using ::inferfoundry::testing::TempDir;

Fp16ModelOptions forced_to_folder() {
  Fp16ModelOptions options;
  options.in_memory_limit = 0;  // every model takes the external-data path
  return options;
}

ino_t inode_of(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_ino;
}

class Fp16ModelTest : public ::testing::Test {
 protected:
  void SetUp() override { source_ = testing::write_source_model(source_dir_.path()); }

  TempDir source_dir_, cache_dir_;
  fs::path source_;
};

TEST_F(Fp16ModelTest, SmallModelsStayInMemory) {
  const Fp16Model converted = prepare_fp16_model(Model::load(source_), cache_dir_.path());
  ASSERT_TRUE(converted.model);
  EXPECT_FALSE(converted.model->path());
  EXPECT_FALSE(converted.model->has_external_data());
  EXPECT_EQ(converted.details["fp16_model"]["storage"], "memory");
  EXPECT_EQ(converted.details["fp16_conversion"]["initializers"], 3);
  EXPECT_TRUE(Cache(cache_dir_.path()).list().empty());  // nothing written for a small model
}

TEST_F(Fp16ModelTest, WithoutACacheFolderATemporaryFolderLivesAsLongAsTheSession) {
  Fp16Model converted = prepare_fp16_model(Model::load(source_), "", forced_to_folder());
  ASSERT_TRUE(converted.model && converted.model->path());
  const fs::path folder = converted.model->path()->parent_path();
  EXPECT_EQ(folder, converted.temporary->path());
  EXPECT_TRUE(fs::exists(folder / "model.onnx.data"));
  EXPECT_EQ(converted.details["fp16_model"]["storage"], "temporary folder");
  EXPECT_EQ(converted.details["fp16_model"]["cache"], "off");
  EXPECT_EQ(converted.details["fp16_model"]["path"], converted.model->path()->string());
  EXPECT_TRUE(converted.details["fp16_model"].contains("conversion_ms"));
  converted.temporary.reset();
  EXPECT_FALSE(fs::exists(folder));
}

TEST_F(Fp16ModelTest, SecondPrepareReusesTheCachedModelWithoutRewritingIt) {
  fs::path path;
  ino_t data_inode = 0;
  fs::file_time_type written;
  {
    Fp16Model first = prepare_fp16_model(Model::load(source_), cache_dir_.path(), forced_to_folder());
    ASSERT_TRUE(first.model && first.model->path());
    path = *first.model->path();
    EXPECT_EQ(first.details["fp16_model"]["storage"], "cache");
    EXPECT_EQ(first.details["fp16_model"]["cache"], "miss");
    EXPECT_EQ(first.details["fp16_model"]["path"], path.string());
    EXPECT_TRUE(first.details["fp16_model"].contains("conversion_ms"));
    EXPECT_TRUE(first.lock);  // held until the caller's session is created
    EXPECT_FALSE(first.temporary);
    data_inode = inode_of(path.parent_path() / "model.onnx.data");
    written = fs::last_write_time(path.parent_path() / "model.onnx.data");
    EXPECT_EQ(path.parent_path().parent_path(), cache_dir_ / "onnx-fp16");
  }
  const Fp16Model second = prepare_fp16_model(Model::load(source_), cache_dir_.path(), forced_to_folder());
  ASSERT_TRUE(second.model && second.model->path());
  EXPECT_EQ(*second.model->path(), path);
  EXPECT_EQ(second.details["fp16_model"]["cache"], "hit");
  EXPECT_TRUE(second.details["fp16_model"].contains("cached_conversion_ms"));
  EXPECT_FALSE(second.details["fp16_model"].contains("conversion_ms"));
  EXPECT_EQ(second.details["fp16_conversion"]["initializers"], 3);
  EXPECT_EQ(second.details["fp16_conversion"]["clamped_values"], 1);
  EXPECT_EQ(inode_of(path.parent_path() / "model.onnx.data"), data_inode);
  EXPECT_EQ(fs::last_write_time(path.parent_path() / "model.onnx.data"), written);

  // One entry, listed by `inferfoundry cache list`; no staging folders left behind.
  const auto entries = Cache(cache_dir_.path()).list();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "onnx-fp16");
  EXPECT_EQ(entries[0].path, path.parent_path());
  size_t items = 0;
  for ([[maybe_unused]] const auto& item : fs::directory_iterator(cache_dir_ / "onnx-fp16")) ++items;
  EXPECT_EQ(items, 1u);
}

TEST_F(Fp16ModelTest, AnIncompleteEntryIsConvertedAgain) {
  fs::path path;
  {
    const Fp16Model first = prepare_fp16_model(Model::load(source_), cache_dir_.path(), forced_to_folder());
    path = *first.model->path();
  }
  fs::remove(path.parent_path() / "conversion.json");
  Fp16Model second = prepare_fp16_model(Model::load(source_), cache_dir_.path(), forced_to_folder());
  EXPECT_EQ(second.details["fp16_model"]["cache"], "miss");
  EXPECT_TRUE(fs::exists(path.parent_path() / "conversion.json"));
  second.lock.reset();  // as the runtime does once its session is created (flock: even this process waits)

  // A truncated data file is caught by its recorded size.
  fs::resize_file(path.parent_path() / "model.onnx.data", 100);
  const Fp16Model third = prepare_fp16_model(Model::load(source_), cache_dir_.path(), forced_to_folder());
  EXPECT_EQ(third.details["fp16_model"]["cache"], "miss");
  EXPECT_NO_THROW(Model::load(*third.model->path()));
}

TEST_F(Fp16ModelTest, KeyFollowsTheWeightsAndTheExternalDataOptions) {
  const Model source = Model::load(source_);
  const std::string key = fp16_cache_key(source, ExternalDataOptions{});
  EXPECT_EQ(fp16_cache_key(Model::load(source_), ExternalDataOptions{}), key);
  EXPECT_NE(fp16_cache_key(source, ExternalDataOptions{2048, 4096}), key);
  EXPECT_NE(fp16_cache_key(source, ExternalDataOptions{1024, 64}), key);
  // Other weights in the external data file beside the same graph file: another key.
  TempDir other_dir;
  const fs::path other = testing::write_source_model(other_dir.path(), 99);
  fs::copy_file(source_, other, fs::copy_options::overwrite_existing);
  EXPECT_NE(fp16_cache_key(Model::load(other), ExternalDataOptions{}), key);
}

}  // namespace
}  // namespace inferfoundry::onnx_cuda
