// HTJ2K decode with OpenJPH (Debian libopenjph-dev; what ojph_expand uses), from memory, in process, one thread.
// Samples are written interleaved (RGB), as DICOM stores them with Planar Configuration 0. See harness.h.
#include <openjph/ojph_arch.h>
#include <openjph/ojph_codestream.h>
#include <openjph/ojph_file.h>
#include <openjph/ojph_mem.h>
#include <openjph/ojph_params.h>
#include "harness.h"

int main(int argc, char** argv) {
  return run(argc, argv, [](const std::vector<unsigned char>& in, std::vector<unsigned char>& out) {
    ojph::mem_infile file;
    file.open(in.data(), in.size());
    ojph::codestream cs;
    cs.read_headers(&file);
    cs.create();
    ojph::param_siz siz = cs.access_siz();
    const unsigned w = siz.get_image_extent().x - siz.get_image_offset().x;
    const unsigned h = siz.get_image_extent().y - siz.get_image_offset().y;
    const unsigned nc = siz.get_num_components();
    const bool wide = siz.get_bit_depth(0) > 8;
    out.resize(size_t(w) * h * nc * (wide ? 2 : 1));
    std::vector<unsigned> row(nc, 0);
    for (size_t n = 0; n < size_t(h) * nc; n++) {
      ojph::ui32 c;
      ojph::line_buf* line = cs.pull(c);
      const size_t base = size_t(row[c]++) * w * nc;
      for (unsigned x = 0; x < w; x++) {
        const size_t i = base + size_t(x) * nc + c;
        const int v = line->i32[x];
        if (wide) {
          out[2 * i] = v & 0xff;
          out[2 * i + 1] = (v >> 8) & 0xff;
        } else out[i] = v;
      }
    }
    cs.close();
  });
}
