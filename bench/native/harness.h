// Shared by the native decode harnesses: read a codestream, time `frames` decodes per round in this process
// (one thread), print one line per round with the milliseconds per frame, and write the last decode's samples
// (8-bit as bytes, wider as 16-bit little endian) for the pixel comparison with dicomkit.
//   usage: <harness> <codestream> <rounds> <frames per round> [samples.out]
#pragma once
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

inline std::vector<unsigned char> read_file(const char* path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// decode(in, out) decodes one frame into out (resized by the callee).
template <typename Decode> int run(int argc, char** argv, Decode decode) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <codestream> <rounds> <frames> [samples.out]\n", argv[0]);
    return 2;
  }
  const std::vector<unsigned char> in = read_file(argv[1]);
  const int rounds = std::atoi(argv[2]), frames = std::atoi(argv[3]);
  std::vector<unsigned char> out;
  decode(in, out);  // warm-up
  for (int r = 0; r < rounds; r++) {
    const auto t = std::chrono::steady_clock::now();
    for (int i = 0; i < frames; i++) decode(in, out);
    const std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - t;
    std::printf("%.4f\n", ms.count() / frames);
  }
  if (argc > 4) std::ofstream(argv[4], std::ios::binary).write(reinterpret_cast<const char*>(out.data()), out.size());
  return 0;
}
