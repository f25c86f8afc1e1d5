// Produces a numbered stream of items (batch 0, 1, 2, ...) on worker threads, ahead of the
// consumer, and hands them out strictly in order. Item k is made by make(k) alone, so the stream
// is the same whatever the thread timing; only speed depends on the number of workers.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace motioncue::data {

template <class T>
class OrderedPrefetcher {
 public:
  // workers == 0 makes each item on the consumer's thread inside next().
  // depth: how many items may be made ahead of the consumer.
  OrderedPrefetcher(std::function<T(std::int64_t)> make, int workers, int depth)
      : make_(std::move(make)), depth_(depth < 1 ? 1 : depth) {
    for (int w = 0; w < workers; ++w) threads_.emplace_back([this] { work(); });
  }
  ~OrderedPrefetcher() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_workers_.notify_all();
    for (auto& t : threads_) t.join();
  }
  OrderedPrefetcher(const OrderedPrefetcher&) = delete;
  OrderedPrefetcher& operator=(const OrderedPrefetcher&) = delete;

  // The next item in order; rethrows an exception raised while making it.
  T next() {
    if (threads_.empty()) return make_(consumed_++);
    std::unique_lock<std::mutex> lock(mutex_);
    item_ready_.wait(lock, [&] { return done_.count(consumed_) > 0; });
    auto node = done_.extract(consumed_);
    ++consumed_;
    lock.unlock();
    wake_workers_.notify_all();
    if (node.mapped().second) std::rethrow_exception(node.mapped().second);
    return std::move(node.mapped().first);
  }

 private:
  void work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_workers_.wait(lock, [&] { return stop_ || claimed_ < consumed_ + depth_; });
      if (stop_) return;
      const std::int64_t k = claimed_++;
      lock.unlock();
      std::pair<T, std::exception_ptr> result;
      try {
        result.first = make_(k);
      } catch (...) {
        result.second = std::current_exception();
      }
      lock.lock();
      done_.emplace(k, std::move(result));
      item_ready_.notify_all();
    }
  }

  std::function<T(std::int64_t)> make_;
  const std::int64_t depth_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_workers_, item_ready_;
  std::map<std::int64_t, std::pair<T, std::exception_ptr>> done_;
  std::int64_t claimed_ = 0, consumed_ = 0;
  bool stop_ = false;
};

}  // namespace motioncue::data
