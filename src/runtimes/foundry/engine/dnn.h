#pragma once
// RAII handles for cuDNN and cuBLASLt objects that foundry's steps hold, and their status checks.
#include <cublasLt.h>
#include <cudnn.h>

#include <string>

namespace inferfoundry::foundry {

// Throw Error(kRuntime) "<what>: <library message>" unless the status is success.
void check_cudnn(cudnnStatus_t status, const char* what);
void check_cublas(cublasStatus_t status, const char* what);
// "cuDNN 9.19.0 / cuBLASLt 13.0.x" of the libraries actually loaded (not the headers).
std::string dnn_versions();

// Movable owner of one library object: Create on construction, Destroy on destruction.
template <typename T, auto Create, auto Destroy, auto Check>
class Handle {
 public:
  Handle() { Check(Create(&handle_), "create"); }
  ~Handle() {
    if (handle_) Destroy(handle_);
  }
  Handle(Handle&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  Handle& operator=(Handle&& other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  T get() const { return handle_; }
  operator T() const { return handle_; }

 private:
  T handle_ = nullptr;
};

using CudnnHandle = Handle<cudnnHandle_t, cudnnCreate, cudnnDestroy, check_cudnn>;
using TensorDesc =
    Handle<cudnnTensorDescriptor_t, cudnnCreateTensorDescriptor, cudnnDestroyTensorDescriptor, check_cudnn>;
using FilterDesc =
    Handle<cudnnFilterDescriptor_t, cudnnCreateFilterDescriptor, cudnnDestroyFilterDescriptor, check_cudnn>;
using ConvDesc = Handle<cudnnConvolutionDescriptor_t, cudnnCreateConvolutionDescriptor,
                        cudnnDestroyConvolutionDescriptor, check_cudnn>;
using ActivationDesc =
    Handle<cudnnActivationDescriptor_t, cudnnCreateActivationDescriptor, cudnnDestroyActivationDescriptor, check_cudnn>;
using LtHandle = Handle<cublasLtHandle_t, cublasLtCreate, cublasLtDestroy, check_cublas>;

// cuBLASLt descriptors take arguments on creation, so they get their own small owners.
class MatmulDesc {
 public:
  MatmulDesc(cublasComputeType_t compute, cudaDataType_t scale);
  ~MatmulDesc();
  MatmulDesc(const MatmulDesc&) = delete;
  MatmulDesc& operator=(const MatmulDesc&) = delete;
  cublasLtMatmulDesc_t get() const { return desc_; }
  template <typename T>
  void set(cublasLtMatmulDescAttributes_t attr, const T& value) {
    check_cublas(cublasLtMatmulDescSetAttribute(desc_, attr, &value, sizeof(T)), "cublasLtMatmulDescSetAttribute");
  }

 private:
  cublasLtMatmulDesc_t desc_ = nullptr;
};

class MatrixLayout {
 public:
  MatrixLayout(cudaDataType_t type, uint64_t rows, uint64_t cols, int64_t ld);
  ~MatrixLayout();
  MatrixLayout(const MatrixLayout&) = delete;
  MatrixLayout& operator=(const MatrixLayout&) = delete;
  cublasLtMatrixLayout_t get() const { return layout_; }

 private:
  cublasLtMatrixLayout_t layout_ = nullptr;
};

class MatmulPreference {
 public:
  explicit MatmulPreference(size_t max_workspace);
  ~MatmulPreference();
  MatmulPreference(const MatmulPreference&) = delete;
  MatmulPreference& operator=(const MatmulPreference&) = delete;
  cublasLtMatmulPreference_t get() const { return pref_; }

 private:
  cublasLtMatmulPreference_t pref_ = nullptr;
};

}  // namespace inferfoundry::foundry
