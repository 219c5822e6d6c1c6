// JPEG baseline decode with libjpeg-turbo (Debian libturbojpeg0-dev), from memory, in process, one thread, to
// interleaved RGB (what dicomkit returns for YBR_FULL). See harness.h.
#include <turbojpeg.h>
#include "harness.h"

int main(int argc, char** argv) {
  tjhandle tj = tjInitDecompress();
  return run(argc, argv, [tj](const std::vector<unsigned char>& in, std::vector<unsigned char>& out) {
    int w, h, sub, cs;
    unsigned char* p = const_cast<unsigned char*>(in.data());
    tjDecompressHeader3(tj, p, in.size(), &w, &h, &sub, &cs);
    const int pf = cs == TJCS_GRAY ? TJPF_GRAY : TJPF_RGB;
    out.resize(size_t(w) * h * tjPixelSize[pf]);
    if (tjDecompress2(tj, p, in.size(), out.data(), w, 0, h, pf, TJFLAG_ACCURATEDCT) != 0) {
      std::fprintf(stderr, "%s\n", tjGetErrorStr2(tj));
      std::exit(1);
    }
  });
}
