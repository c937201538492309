#include "runtimes/ort/provider_availability.h"

#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "runtimes/ort/ort_session.h"

namespace inferfoundry::ort {

Availability provider_library_availability(std::string_view library_file, std::string_view how_to_get) {
  const std::filesystem::path folder = library_folder();
  const std::filesystem::path library = folder / std::string(library_file);
  std::error_code ec;
  if (!std::filesystem::exists(library, ec)) {
    return {false,
            fmt::format("{} is not beside libonnxruntime.so.1 in {} ({})", library_file, folder.string(), how_to_get)};
  }
  // Its dependencies (cuDNN, cuBLAS) are not probed with dlopen here: loading and unloading the CUDA provider
  // outside ORT made the process crash on the GPU machine (2026-11-21). When one is missing, ORT names it
  // when the session is created, and the runtime fails with that message.
  return {true, ""};
}

Availability combine(const std::vector<Availability>& parts) {
  Availability all{true, ""};
  for (const auto& part : parts) {
    if (part.available) continue;
    all.available = false;
    all.reason += (all.reason.empty() ? "" : "; ") + part.reason;
  }
  return all;
}

}  // namespace inferfoundry::ort
