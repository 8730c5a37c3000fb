// Avatar cache: a miss is fetched from the image store on a worker thread;
// the caller waits a short while and falls back to the default avatar.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "annotated/work_queue.h"
#include "scenario.h"

// An image store whose requests hang until Unstick() is called.
class ImageStore {
public:
  std::string Get(const std::string &user) {
    unstuck_.wait();
    return "png:" + user;
  }
  void Unstick() { unstick_.set_value(); }

private:
  std::promise<void> unstick_;
  std::shared_future<void> unstuck_ = unstick_.get_future().share();
};

class AvatarFetch : public std::enable_shared_from_this<AvatarFetch> {
public:
  explicit AvatarFetch(ImageStore &store) : store_(store) {}

  std::string GetOrDefault(const std::string &user, std::chrono::milliseconds wait) {
    std::thread(&AvatarFetch::Fetch, shared_from_this(), user).detach(); // CHANLEAK-SPAWN
    std::string image;
    if (!result_.PopFor(image, wait))
      return "png:default";
    return image;
  }

private:
  void Fetch(std::string user) {
    std::string image = store_.Get(user);
    result_.Push(image); // CHANLEAK: chanleak-cancel-timeout
  }

  ImageStore &store_;
  work::Handoff<std::string> result_;
};

ImageStore g_store;

void RenderProfile() {
  auto fetch = std::make_shared<AvatarFetch>(g_store);
  std::string avatar = fetch->GetOrDefault("carol", std::chrono::milliseconds(20));
  (void)avatar;
  g_store.Unstick();
}

CHANLEAK_SCENARIO_MAIN(RenderProfile)
