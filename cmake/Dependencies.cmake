# Third-party dependencies: Debian packages found by CMake, plus ONNX Runtime from ONNXRUNTIME_ROOT.
find_package(Protobuf REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)

# The ONNX schema: Debian's libonnx-dev installs onnx.proto; we compile our own C++ from it so that
# nothing depends on libonnx's shared libraries.
find_file(ONNX_PROTO_FILE onnx/onnx.proto PATHS /usr/include /usr/local/include
          DOC "onnx.proto from libonnx-dev" REQUIRED)

include(OnnxRuntime)

if(INFERFOUNDRY_ENABLE_CUDA STREQUAL "AUTO")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(INFERFOUNDRY_ENABLE_CUDA ON)
  else()
    set(INFERFOUNDRY_ENABLE_CUDA OFF)
  endif()
endif()
if(INFERFOUNDRY_ENABLE_CUDA)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    # sm_80 and sm_90 machine code, plus PTX for newer GPUs.
    set(CMAKE_CUDA_ARCHITECTURES 80-real 90-real 90-virtual)
  endif()
  enable_language(CUDA)
  set(CMAKE_CUDA_STANDARD 20)
  find_package(CUDAToolkit REQUIRED)
  message(STATUS "InferFoundry: CUDA ${CUDAToolkit_VERSION} enabled")
else()
  message(STATUS "InferFoundry: CUDA disabled")
endif()
