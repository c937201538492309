#pragma once
// What a cached artefact built from a model (a TensorRT engine, a foundry plan, a converted model) is keyed
// on: the model's content, external data included, so that editing any weight file invalidates it.
#include <string>

#include "model/model.h"

namespace inferfoundry {

// XXH3-128 (hex) over the model file and every external-data file it names; for an in-memory model,
// over its serialized bytes.
std::string model_content_digest(const Model& model);

}  // namespace inferfoundry
