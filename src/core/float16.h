#pragma once
#include <cstdint>

namespace inferfoundry {

// IEEE 754 half and bfloat16 conversions (round to nearest even), used when synthesising inputs,
// comparing outputs and converting weights.
uint16_t float_to_half(float value);
float half_to_float(uint16_t bits);
uint16_t float_to_bfloat16(float value);
float bfloat16_to_float(uint16_t bits);

}  // namespace inferfoundry
