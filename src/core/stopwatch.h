#pragma once
// Wall-clock milliseconds on the monotonic clock, for phase timings (session start, plan load, build).
#include <chrono>

namespace inferfoundry {

class Stopwatch {
 public:
  Stopwatch() : start_(Clock::now()) {}
  double elapsed_ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - start_).count(); }
  // Elapsed milliseconds, then starts again: consecutive phases timed with one watch.
  double lap_ms() {
    const auto now = Clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - start_).count();
    start_ = now;
    return ms;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
};

}  // namespace inferfoundry
