// JPEG 2000 decode with OpenJPEG (Debian libopenjp2-7-dev), from memory, in process. Threads: the environment
// variable OPJ_THREADS (default 1; opj_codec_set_threads). Samples interleaved. See harness.h.
#include <openjpeg-2.5/openjpeg.h>
#include <cstring>
#include "harness.h"

struct Mem {
  const unsigned char* p;
  size_t n, at;
};
static OPJ_SIZE_T mem_read(void* buf, OPJ_SIZE_T n, void* user) {
  Mem* m = static_cast<Mem*>(user);
  if (m->at >= m->n) return OPJ_SIZE_T(-1);
  const size_t k = n < m->n - m->at ? n : m->n - m->at;
  std::memcpy(buf, m->p + m->at, k);
  m->at += k;
  return k;
}
static OPJ_OFF_T mem_skip(OPJ_OFF_T n, void* user) {
  Mem* m = static_cast<Mem*>(user);
  m->at += n;
  return n;
}
static OPJ_BOOL mem_seek(OPJ_OFF_T n, void* user) {
  static_cast<Mem*>(user)->at = n;
  return OPJ_TRUE;
}

int main(int argc, char** argv) {
  const char* env = std::getenv("OPJ_THREADS");
  const int threads = env ? std::atoi(env) : 1;
  return run(argc, argv, [threads](const std::vector<unsigned char>& in, std::vector<unsigned char>& out) {
    Mem m{in.data(), in.size(), 0};
    opj_stream_t* s = opj_stream_create(1 << 20, OPJ_TRUE);
    opj_stream_set_user_data(s, &m, nullptr);
    opj_stream_set_user_data_length(s, in.size());
    opj_stream_set_read_function(s, mem_read);
    opj_stream_set_skip_function(s, mem_skip);
    opj_stream_set_seek_function(s, mem_seek);
    opj_codec_t* codec = opj_create_decompress(OPJ_CODEC_J2K);
    opj_dparameters_t params;
    opj_set_default_decoder_parameters(&params);
    opj_setup_decoder(codec, &params);
    opj_codec_set_threads(codec, threads);
    opj_image_t* image = nullptr;
    if (!opj_read_header(s, codec, &image) || !opj_decode(codec, s, image) || !opj_end_decompress(codec, s)) {
      std::fprintf(stderr, "OpenJPEG failed\n");
      std::exit(1);
    }
    const unsigned nc = image->numcomps, w = image->comps[0].w, h = image->comps[0].h;
    const bool wide = image->comps[0].prec > 8;
    out.resize(size_t(w) * h * nc * (wide ? 2 : 1));
    for (unsigned c = 0; c < nc; c++)
      for (size_t j = 0; j < size_t(w) * h; j++) {
        const size_t i = j * nc + c;
        const int v = image->comps[c].data[j];
        if (wide) {
          out[2 * i] = v & 0xff;
          out[2 * i + 1] = (v >> 8) & 0xff;
        } else out[i] = v;
      }
    opj_image_destroy(image);
    opj_destroy_codec(codec);
    opj_stream_destroy(s);
  });
}
