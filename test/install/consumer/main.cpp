// Uses the installed annotation header through chanleak::annotations.
#include <chanleak/annotations.h>

#include <cstddef>

class CHANLEAK_CHANNEL_CAPACITY_ARG(0) Queue {
public:
  explicit Queue(std::size_t capacity) : capacity_(capacity) {}
  CHANLEAK_SEND void Push(int) {}
  CHANLEAK_CLOSE void Close() {}
  std::size_t capacity() const { return capacity_; }

private:
  std::size_t capacity_;
};

int main() {
  Queue q(1);
  q.Push(1);
  q.Close();
  return q.capacity() == 1 ? 0 : 1;
}
