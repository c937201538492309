#pragma once
#include <string_view>
#include <vector>

#include "runtimes/runtime.h"

namespace inferfoundry::ort {

// Whether one of ONNX Runtime's GPU provider libraries sits beside libonnxruntime.so.1, where ORT looks for
// it. The reason names the missing file and how to get it. Needs no GPU and no CUDA, so `inferfoundry
// runtimes` can say why a GPU runtime is unavailable on any machine.
Availability provider_library_availability(std::string_view library_file, std::string_view how_to_get);

// Joins the reasons of every unavailable part with "; " (empty parts are skipped).
Availability combine(const std::vector<Availability>& parts);

}  // namespace inferfoundry::ort
