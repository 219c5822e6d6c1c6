// JPEG-LS decode with CharLS (Debian libcharls-dev), in process, one thread. See harness.h.
#include <charls/charls.h>
#include "harness.h"

int main(int argc, char** argv) {
  return run(argc, argv, [](const std::vector<unsigned char>& in, std::vector<unsigned char>& out) {
    charls::jpegls_decoder decoder(in, true);
    out.resize(decoder.destination_size());
    decoder.decode(out);
  });
}
