// Thumbnailer: a helper thread renders the preview while the caller looks
// the request over; a request for an empty preview is turned away.
#include <boost/fiber/unbuffered_channel.hpp>

#include <memory>
#include <optional>
#include <thread>

#include "scenario.h"

long RenderPreview(int width) { return static_cast<long>(width) * width; }

std::optional<long> Thumbnail(int width) {
  int pixels = width < 16 ? 16 : width; // the renderer's smallest preview
  auto previews = std::make_shared<boost::fibers::unbuffered_channel<long>>();
  std::thread([previews, pixels] { // CHANLEAK-SPAWN
    previews->push(RenderPreview(pixels)); // CHANLEAK: chanleak-early-return
  }).detach();

  if (width <= 0)
    return std::nullopt; // the request, not the clamped size, is checked

  return previews->value_pop();
}

void ShowGallery() {
  auto preview = Thumbnail(0);
  (void)preview;
}

CHANLEAK_SCENARIO_MAIN(ShowGallery)
