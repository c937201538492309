// inferfoundry_webnn._webnn: Python bindings of src/webnn. Names are the spec's in snake_case; option
// dictionaries are keyword arguments (snake_case or the spec's camelCase); numpy arrays in and out.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "core/error.h"
#include "numpy_tensor.h"
#include "runtimes/registry.h"
#include "webnn/context.h"
#include "webnn/graph_builder.h"

namespace py = pybind11;
using namespace inferfoundry;
using namespace inferfoundry::webnn;

namespace {

// "keep_dimensions" -> "keepDimensions"; camelCase keys pass through.
std::string camel_case(const std::string& key) {
  std::string result;
  bool upper = false;
  for (char c : key) {
    if (c == '_') {
      upper = true;
      continue;
    }
    result += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return result;
}

bool is_integer_like(const py::handle& value) {
  return !py::isinstance<py::bool_>(value) && PyIndex_Check(value.ptr());
}

MLOptionValue list_option(const std::string& key, const py::sequence& list) {
  if (list.size() == 0) return std::vector<double>{};
  bool all_ints = true, all_numbers = true, all_strings = true, all_operands = true;
  for (const auto& item : list) {
    all_ints = all_ints && is_integer_like(item);
    all_numbers = all_numbers && (is_integer_like(item) || PyFloat_Check(item.ptr()) || PyNumber_Check(item.ptr()));
    all_strings = all_strings && py::isinstance<py::str>(item);
    all_operands = all_operands && py::isinstance<MLOperand>(item);
  }
  if (all_ints) return list.cast<std::vector<int64_t>>();
  if (all_strings) return list.cast<std::vector<std::string>>();
  if (all_operands) return list.cast<std::vector<MLOperand>>();
  if (all_numbers) return list.cast<std::vector<double>>();
  fail(ErrorKind::kUsage, "option '{}': a list of mixed or unsupported values", key);
}

MLOptionValue option_value(const std::string& key, const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (is_integer_like(value)) return value.cast<int64_t>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<MLOperand>(value)) return value.cast<MLOperand>();
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value))
    return list_option(key, value.cast<py::sequence>());
  if (PyNumber_Check(value.ptr())) return value.cast<double>();
  fail(ErrorKind::kUsage, "option '{}': unsupported value of type {}", key, std::string(py::str(value.get_type())));
}

MLOptions to_options(const py::kwargs& kwargs) {
  MLOptions options;
  for (const auto& [key, value] : kwargs) {
    if (value.is_none()) continue;  // None means "not given", as an absent dictionary member
    const std::string name = camel_case(key.cast<std::string>());
    options[name] = option_value(name, value);
  }
  return options;
}

DType to_dtype(const py::handle& value) {
  if (py::isinstance<py::str>(value)) return webnn_dtype_from_name(value.cast<std::string>());
  return python::dtype_of(py::dtype::from_args(py::reinterpret_borrow<py::object>(value)), "data type");
}

// {"dataType": "float32", "shape": [2, 3]} (also "data_type"), or an object with those attributes.
MLOperandDescriptor to_descriptor(const py::handle& value) {
  py::dict dict = py::isinstance<py::dict>(value) ? value.cast<py::dict>() : py::dict();
  auto get = [&](const char* camel, const char* snake) -> py::object {
    if (dict.contains(camel)) return dict[camel];
    if (dict.contains(snake)) return dict[snake];
    if (py::hasattr(value, snake)) return value.attr(snake);
    fail(ErrorKind::kUsage, "operand descriptor: '{}' is missing", camel);
  };
  return {to_dtype(get("dataType", "data_type")), get("shape", "shape").cast<Shape>()};
}

// A context bundles the registry its runtimes come from, so Python can drop the ML object.
struct PyContext {
  std::shared_ptr<RuntimeRegistry> registry;
  std::unique_ptr<MLContext> context;
};

struct PyML {
  std::shared_ptr<RuntimeRegistry> registry =
      std::make_shared<RuntimeRegistry>(RuntimeRegistry::with_builtin_runtimes());
};

std::map<std::string, Tensor> to_tensors(const py::dict& inputs) {
  std::map<std::string, Tensor> tensors;
  for (const auto& [key, value] : inputs) {
    const auto name = key.cast<std::string>();
    tensors.emplace(name, python::tensor_from_array(value, "compute: input '" + name + "'"));
  }
  return tensors;
}

py::dict to_arrays(const std::map<std::string, Tensor>& tensors) {
  py::dict arrays;
  for (const auto& [name, tensor] : tensors) arrays[py::str(name)] = python::array_from_tensor(tensor);
  return arrays;
}

py::object json_to_python(const nlohmann::json& value) {
  return py::module_::import("json").attr("loads")(value.dump());
}

void bind_context(py::module_& m) {
  py::class_<MLTensor>(m, "MLTensor")
      .def_property_readonly("data_type",
                             [](const MLTensor& t) { return std::string(dtype_name(t.descriptor().data_type)); })
      .def_property_readonly("shape", [](const MLTensor& t) { return t.descriptor().shape; })
      .def_property_readonly("readable", &MLTensor::readable)
      .def_property_readonly("writable", &MLTensor::writable);

  py::class_<PyContext>(m, "MLContext")
      .def_property_readonly("backend",
                             [](const PyContext& c) { return json_to_python(c.context->backend().to_json()); })
      .def("op_support_limits", [](const PyContext& c) { return json_to_python(c.context->op_support_limits()); })
      .def(
          "compute",
          [](PyContext& c, const MLGraph& graph, const py::dict& inputs) {
            return to_arrays(c.context->compute(graph, to_tensors(inputs)));
          },
          py::arg("graph"), py::arg("inputs"))
      .def(
          "create_tensor",
          [](const PyContext& c, const py::handle& descriptor, bool readable, bool writable) {
            return c.context->create_tensor(to_descriptor(descriptor), readable, writable);
          },
          py::arg("descriptor"), py::arg("readable") = true, py::arg("writable") = true)
      .def("write_tensor",
           [](const PyContext& c, MLTensor& tensor, const py::handle& data) {
             c.context->write_tensor(tensor, python::tensor_from_array(data, "write_tensor"));
           })
      .def("read_tensor",
           [](const PyContext& c, const MLTensor& tensor) {
             return python::array_from_tensor(c.context->read_tensor(tensor));
           })
      .def("dispatch",
           [](PyContext& c, const MLGraph& graph, const std::map<std::string, const MLTensor*>& inputs,
              const std::map<std::string, MLTensor*>& outputs) { c.context->dispatch(graph, inputs, outputs); })
      .def_property_readonly("compiled_graph_count",
                             [](const PyContext& c) { return c.context->compiled_graph_count(); });

  py::class_<PyML>(m, "ML")
      .def(py::init<>())
      .def(
          "create_context",
          [](const PyML& ml, bool accelerated, const std::string& power_preference,
             const std::optional<std::string>& device_type, const std::optional<std::string>& cache_dir) {
            MLContextOptions options;
            options.accelerated = accelerated;
            options.power_preference = power_preference;
            options.device_type = device_type.value_or("");
            options.cache_dir = cache_dir.value_or("");
            return PyContext{ml.registry, std::make_unique<MLContext>(*ml.registry, options)};
          },
          py::arg("accelerated") = true, py::arg("power_preference") = "default", py::arg("device_type") = py::none(),
          py::arg("cache_dir") = py::none());

  py::class_<MLGraph>(m, "MLGraph")
      .def(
          "to_onnx", [](const MLGraph& g, const std::string& path) { g.to_onnx(path); }, py::arg("path"))
      .def_property_readonly("onnx_bytes", [](const MLGraph& g) { return py::bytes(g.serialized()); })
      .def_property_readonly("hash", &MLGraph::hash)
      .def_property_readonly("input_names",
                             [](const MLGraph& g) {
                               std::vector<std::string> names;
                               for (const auto& entry : g.inputs()) names.push_back(entry.first);
                               return names;
                             })
      .def_property_readonly("output_names", [](const MLGraph& g) {
        std::vector<std::string> names;
        for (const auto& entry : g.outputs()) names.push_back(entry.first);
        return names;
      });
}

using Builder = MLGraphBuilder;
using Op = const MLOperand&;

void bind_operand(py::module_& m) {
  py::class_<MLOperand>(m, "MLOperand")
      .def_property_readonly("data_type", [](Op o) { return std::string(dtype_name(o.data_type())); })
      .def_property_readonly("shape", [](Op o) { return o.shape(); })
      .def_property_readonly("name", &MLOperand::name)
      .def("__repr__", [](Op o) {
        return "MLOperand('" + o.name() + "', " + std::string(dtype_name(o.data_type())) + ", " +
               format_shape(o.shape()) + ")";
      });
}

#define UNARY(name) \
  b.def(            \
      #name, [](Builder& self, Op x, const py::kwargs& kw) { return self.name(x, to_options(kw)); }, py::arg("input"))
#define BINARY(name)                                                                                          \
  b.def(                                                                                                      \
      #name, [](Builder& self, Op a, Op c, const py::kwargs& kw) { return self.name(a, c, to_options(kw)); }, \
      py::arg("a"), py::arg("b"))

void bind_builder(py::module_& m) {
  py::class_<Builder> b(m, "MLGraphBuilder");
  b.def(py::init([](const PyContext& context) { return std::make_unique<Builder>(*context.context); }),
        py::arg("context"))
      .def(
          "input",
          [](Builder& self, const std::string& name, const py::handle& descriptor) {
            return self.input(name, to_descriptor(descriptor));
          },
          py::arg("name"), py::arg("descriptor"))
      .def(
          "constant",
          [](Builder& self, const py::handle& first, const py::object& data) {
            if (data.is_none()) {  // constant(array): descriptor from the array
              Tensor tensor = python::tensor_from_array(first, "constant");
              return self.constant({tensor.dtype(), tensor.shape()}, tensor);
            }
            if (py::isinstance<py::array>(data)) {
              const MLOperandDescriptor descriptor = to_descriptor(first);
              Tensor tensor = python::tensor_from_array(data, "constant");
              if (tensor.dtype() != descriptor.data_type) {
                fail(ErrorKind::kUsage, "constant: data is {} but the descriptor says {}", dtype_name(tensor.dtype()),
                     dtype_name(descriptor.data_type));
              }
              return self.constant(descriptor, tensor);
            }
            return self.constant(to_dtype(first), data.cast<double>());  // constant(type, value): a scalar
          },
          py::arg("descriptor"), py::arg("data") = py::none())
      .def("build", [](Builder& self, const std::map<std::string, MLOperand>& outputs) { return self.build(outputs); });

  BINARY(add);
  BINARY(sub);
  BINARY(mul);
  BINARY(div);
  BINARY(max);
  BINARY(min);
  BINARY(pow);
  BINARY(equal);
  BINARY(not_equal);
  BINARY(greater);
  BINARY(greater_or_equal);
  BINARY(lesser);
  BINARY(lesser_or_equal);
  BINARY(logical_and);
  BINARY(logical_or);
  BINARY(logical_xor);
  UNARY(logical_not);
  UNARY(abs);
  UNARY(ceil);
  UNARY(cos);
  UNARY(erf);
  UNARY(exp);
  UNARY(floor);
  UNARY(identity);
  UNARY(log);
  UNARY(neg);
  UNARY(reciprocal);
  UNARY(round_even);
  UNARY(sign);
  UNARY(sin);
  UNARY(sqrt);
  UNARY(tan);
  UNARY(is_nan);
  UNARY(is_infinite);
  UNARY(relu);
  UNARY(sigmoid);
  UNARY(tanh);
  UNARY(gelu);
  UNARY(elu);
  UNARY(leaky_relu);
  UNARY(hard_sigmoid);
  UNARY(hard_swish);
  UNARY(softplus);
  UNARY(softsign);
  UNARY(linear);
  UNARY(clamp);
  BINARY(matmul);
  BINARY(gemm);
  BINARY(prelu);
  UNARY(average_pool2d);
  UNARY(max_pool2d);
  UNARY(l2_pool2d);
  UNARY(instance_normalization);
  UNARY(layer_normalization);
  UNARY(reduce_l1);
  UNARY(reduce_l2);
  UNARY(reduce_log_sum);
  UNARY(reduce_log_sum_exp);
  UNARY(reduce_max);
  UNARY(reduce_mean);
  UNARY(reduce_min);
  UNARY(reduce_product);
  UNARY(reduce_sum);
  UNARY(reduce_sum_square);
  UNARY(transpose);
  UNARY(reverse);
  UNARY(triangular);
  UNARY(resample2d);
  BINARY(gather);
  BINARY(gather_elements);
  BINARY(gather_nd);

  b.def(
      "conv2d", [](Builder& self, Op x, Op w, const py::kwargs& kw) { return self.conv2d(x, w, to_options(kw)); },
      py::arg("input"), py::arg("filter"));
  b.def(
      "conv_transpose2d",
      [](Builder& self, Op x, Op w, const py::kwargs& kw) { return self.conv_transpose2d(x, w, to_options(kw)); },
      py::arg("input"), py::arg("filter"));
  b.def(
      "softmax",
      [](Builder& self, Op x, int64_t axis, const py::kwargs& kw) { return self.softmax(x, axis, to_options(kw)); },
      py::arg("input"), py::arg("axis"));
  b.def(
      "batch_normalization",
      [](Builder& self, Op x, Op mean, Op variance, const py::kwargs& kw) {
        return self.batch_normalization(x, mean, variance, to_options(kw));
      },
      py::arg("input"), py::arg("mean"), py::arg("variance"));
  b.def(
      "arg_max",
      [](Builder& self, Op x, int64_t axis, const py::kwargs& kw) { return self.arg_max(x, axis, to_options(kw)); },
      py::arg("input"), py::arg("axis"));
  b.def(
      "arg_min",
      [](Builder& self, Op x, int64_t axis, const py::kwargs& kw) { return self.arg_min(x, axis, to_options(kw)); },
      py::arg("input"), py::arg("axis"));
  b.def(
      "cast",
      [](Builder& self, Op x, const py::handle& type, const py::kwargs& kw) {
        return self.cast(x, to_dtype(type), to_options(kw));
      },
      py::arg("input"), py::arg("type"));
  b.def(
      "where",
      [](Builder& self, Op c, Op t, Op f, const py::kwargs& kw) { return self.where(c, t, f, to_options(kw)); },
      py::arg("condition"), py::arg("true_value"), py::arg("false_value"));
  b.def(
      "reshape",
      [](Builder& self, Op x, const Shape& shape, const py::kwargs& kw) {
        return self.reshape(x, shape, to_options(kw));
      },
      py::arg("input"), py::arg("new_shape"));
  b.def(
      "expand",
      [](Builder& self, Op x, const Shape& shape, const py::kwargs& kw) {
        return self.expand(x, shape, to_options(kw));
      },
      py::arg("input"), py::arg("new_shape"));
  b.def(
      "concat",
      [](Builder& self, const std::vector<MLOperand>& inputs, int64_t axis, const py::kwargs& kw) {
        return self.concat(inputs, axis, to_options(kw));
      },
      py::arg("inputs"), py::arg("axis"));
  b.def(
      "split",
      [](Builder& self, Op x, const py::handle& splits, const py::kwargs& kw) {
        if (is_integer_like(splits)) return self.split(x, splits.cast<int64_t>(), to_options(kw));
        return self.split(x, splits.cast<std::vector<int64_t>>(), to_options(kw));
      },
      py::arg("input"), py::arg("splits"));
  b.def(
      "slice",
      [](Builder& self, Op x, const std::vector<int64_t>& starts, const std::vector<int64_t>& sizes,
         const py::kwargs& kw) { return self.slice(x, starts, sizes, to_options(kw)); },
      py::arg("input"), py::arg("starts"), py::arg("sizes"));
  b.def(
      "pad",
      [](Builder& self, Op x, const std::vector<int64_t>& begin, const std::vector<int64_t>& end,
         const py::kwargs& kw) { return self.pad(x, begin, end, to_options(kw)); },
      py::arg("input"), py::arg("beginning_padding"), py::arg("ending_padding"));
  b.def(
      "tile",
      [](Builder& self, Op x, const std::vector<int64_t>& repetitions, const py::kwargs& kw) {
        return self.tile(x, repetitions, to_options(kw));
      },
      py::arg("input"), py::arg("repetitions"));
  b.def(
      "scatter_elements",
      [](Builder& self, Op x, Op i, Op u, const py::kwargs& kw) {
        return self.scatter_elements(x, i, u, to_options(kw));
      },
      py::arg("input"), py::arg("indices"), py::arg("updates"));
  b.def(
      "scatter_nd",
      [](Builder& self, Op x, Op i, Op u, const py::kwargs& kw) { return self.scatter_nd(x, i, u, to_options(kw)); },
      py::arg("input"), py::arg("indices"), py::arg("updates"));
  b.def(
      "cumulative_sum",
      [](Builder& self, Op x, int64_t axis, const py::kwargs& kw) {
        return self.cumulative_sum(x, axis, to_options(kw));
      },
      py::arg("input"), py::arg("axis"));
  b.def(
      "quantize_linear",
      [](Builder& self, Op x, Op s, Op z, const py::kwargs& kw) {
        return self.quantize_linear(x, s, z, to_options(kw));
      },
      py::arg("input"), py::arg("scale"), py::arg("zero_point"));
  b.def(
      "dequantize_linear",
      [](Builder& self, Op x, Op s, Op z, const py::kwargs& kw) {
        return self.dequantize_linear(x, s, z, to_options(kw));
      },
      py::arg("input"), py::arg("scale"), py::arg("zero_point"));
  b.def(
      "gru",
      [](Builder& self, Op x, Op w, Op r, int64_t steps, int64_t hidden, const py::kwargs& kw) {
        return self.gru(x, w, r, steps, hidden, to_options(kw));
      },
      py::arg("input"), py::arg("weight"), py::arg("recurrent_weight"), py::arg("steps"), py::arg("hidden_size"));
  b.def(
      "gru_cell",
      [](Builder& self, Op x, Op w, Op r, Op h, int64_t hidden, const py::kwargs& kw) {
        return self.gru_cell(x, w, r, h, hidden, to_options(kw));
      },
      py::arg("input"), py::arg("weight"), py::arg("recurrent_weight"), py::arg("hidden_state"),
      py::arg("hidden_size"));
  b.def(
      "lstm",
      [](Builder& self, Op x, Op w, Op r, int64_t steps, int64_t hidden, const py::kwargs& kw) {
        return self.lstm(x, w, r, steps, hidden, to_options(kw));
      },
      py::arg("input"), py::arg("weight"), py::arg("recurrent_weight"), py::arg("steps"), py::arg("hidden_size"));
  b.def(
      "lstm_cell",
      [](Builder& self, Op x, Op w, Op r, Op h, Op c, int64_t hidden, const py::kwargs& kw) {
        return self.lstm_cell(x, w, r, h, c, hidden, to_options(kw));
      },
      py::arg("input"), py::arg("weight"), py::arg("recurrent_weight"), py::arg("hidden_state"), py::arg("cell_state"),
      py::arg("hidden_size"));
}

}  // namespace

PYBIND11_MODULE(_webnn, m) {
  m.doc() = "WebNN graphs built in Python, converted to ONNX and run on InferFoundry's runtimes";
  // Validation errors are the spec's TypeError; everything else (runtimes, files) a RuntimeError.
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const Error& error) {
      PyErr_SetString(error.kind() == ErrorKind::kUsage ? PyExc_TypeError : PyExc_RuntimeError, error.what());
    }
  });
  bind_operand(m);
  bind_context(m);
  bind_builder(m);
  m.def("operation_names", &MLGraphBuilder::operation_names);
}
