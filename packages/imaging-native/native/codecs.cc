// dicomkit's native JPEG 2000 and HTJ2K decoders for Node: the system's OpenJPEG (libopenjp2) and OpenJPH
// (libopenjph), called through Node-API (the C API of node_api.h; no other dependency). Two functions:
//
//   decodeJpeg2000(codestream: Uint8Array, expected: [columns, rows, samples]) → DecodedCodestream
//   decodeHtj2k(codestream: Uint8Array, expected: [columns, rows, samples])    → DecodedCodestream
//   DecodedCodestream = { columns, rows, samples, bitsStored, signed, bytes: Uint8Array }
//
// `bytes` holds the samples interleaved (colour-by-pixel), one byte each up to 8 bits, two (little endian)
// above. The codestream's image size is checked against `expected` right after its headers are read, before any
// sample is decoded or allocated: a codestream that disagrees with its dataset is an error, and the allocation is
// bounded by what the dataset declares. Every failure is a thrown Error (the JavaScript side makes it a DicomError);
// the libraries' own messages go to the error's text, never to stdout/stderr.
#include <node_api.h>
#include <openjpeg.h>
#include <openjph/ojph_arch.h>
#include <openjph/ojph_codestream.h>
#include <openjph/ojph_file.h>
#include <openjph/ojph_mem.h>
#include <openjph/ojph_message.h>
#include <openjph/ojph_params.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& why) { throw std::runtime_error(why); }

// The decoded samples, written straight into the ArrayBuffer JavaScript gets (created once the headers give the
// size): V8 owns the memory and its collector sees it, and nothing is copied on the way. (A malloc'd buffer handed
// over as an external ArrayBuffer was tried: Node runs such finalizers from the event loop, so a loop of decodes
// that never yields — `for (…) await getFrame(…)` on data in memory — piled up gigabytes before any was freed.)
struct Decoded {
  uint32_t columns = 0, rows = 0, samples = 0, bitsStored = 0;
  bool isSigned = false;
  uint8_t* bytes = nullptr;
  size_t length = 0;
  napi_env env = nullptr;
  napi_value buffer = nullptr;
  explicit Decoded(napi_env e) : env(e) {}
  void allocate(bool wide) {
    length = size_t(columns) * rows * samples * (wide ? 2 : 1);
    void* data = nullptr;
    if (napi_create_arraybuffer(env, length, &data, &buffer) != napi_ok || (!data && length))
      fail("out of memory for the decoded frame");
    bytes = static_cast<uint8_t*>(data);
  }
  // Writes `count` samples of component `c` starting at pixel `first` (interleaved by `samples`).
  void store(bool wide, uint32_t c, size_t first, const int32_t* src, size_t count) {
    const size_t step = samples;
    if (wide) {
      uint8_t* o = bytes + 2 * (first * step + c);
      for (size_t i = 0; i < count; i++, o += 2 * step) {
        const uint16_t v = uint16_t(src[i]);
        std::memcpy(o, &v, 2);  // little endian hosts (x86-64, arm64)
      }
    } else {
      uint8_t* o = bytes + first * step + c;
      for (size_t i = 0; i < count; i++, o += step) *o = uint8_t(src[i]);
    }
  }
};

struct Expected {
  uint32_t columns, rows, samples;
};

void checkGeometry(const Expected& e, uint32_t columns, uint32_t rows, uint32_t samples, uint32_t bits) {
  if (columns != e.columns || rows != e.rows || samples != e.samples)
    fail("the codestream holds " + std::to_string(columns) + "×" + std::to_string(rows) + "×" + std::to_string(samples) +
         "; the dataset says " + std::to_string(e.columns) + "×" + std::to_string(e.rows) + "×" + std::to_string(e.samples));
  if (bits < 1 || bits > 16) fail("the codestream's samples have " + std::to_string(bits) + " bits (1 to 16 supported)");
}

// ---- OpenJPEG: JPEG 2000 (ISO 15444-1), from memory ----

struct MemoryStream {
  const uint8_t* data;
  size_t length, position;
};

OPJ_SIZE_T streamRead(void* buffer, OPJ_SIZE_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (m->position >= m->length) return OPJ_SIZE_T(-1);
  if (n > m->length - m->position) n = m->length - m->position;
  std::memcpy(buffer, m->data + m->position, n);
  m->position += n;
  return n;
}
OPJ_OFF_T streamSkip(OPJ_OFF_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (n < 0) return -1;
  if (OPJ_UINT64(n) > m->length - m->position) n = OPJ_OFF_T(m->length - m->position);
  m->position += size_t(n);
  return n;
}
OPJ_BOOL streamSeek(OPJ_OFF_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (n < 0 || OPJ_UINT64(n) > m->length) return OPJ_FALSE;
  m->position = size_t(n);
  return OPJ_TRUE;
}
void keepMessage(const char* msg, void* user) {
  auto* last = static_cast<std::string*>(user);
  *last = msg;
  while (!last->empty() && (last->back() == '\n' || last->back() == ' ')) last->pop_back();
}
void ignoreMessage(const char*, void*) {}

void decodeJpeg2000(Decoded& d, const uint8_t* data, size_t length, const Expected& expected) {
  // A raw codestream starts with SOC (FF 4F); anything else is tried as a JP2 file (seen inside DICOM).
  const bool raw = length >= 2 && data[0] == 0xff && data[1] == 0x4f;
  opj_codec_t* codec = opj_create_decompress(raw ? OPJ_CODEC_J2K : OPJ_CODEC_JP2);
  std::string lastError = "the codestream is invalid";
  opj_set_error_handler(codec, keepMessage, &lastError);
  opj_set_warning_handler(codec, ignoreMessage, nullptr);
  opj_set_info_handler(codec, ignoreMessage, nullptr);
  MemoryStream memory{data, length, 0};
  opj_stream_t* stream = opj_stream_create(64 * 1024, OPJ_TRUE);
  opj_stream_set_user_data(stream, &memory, nullptr);
  opj_stream_set_user_data_length(stream, length);
  opj_stream_set_read_function(stream, streamRead);
  opj_stream_set_skip_function(stream, streamSkip);
  opj_stream_set_seek_function(stream, streamSeek);
  opj_image_t* image = nullptr;
  try {
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec, &parameters) || !opj_codec_set_threads(codec, 1)) fail("OpenJPEG setup failed");
    if (!opj_read_header(stream, codec, &image) || !image || image->numcomps == 0) fail(lastError);
    const opj_image_comp_t& c0 = image->comps[0];
    // Before decoding: the size the headers declare must be the dataset's (SIZ, ISO 15444-1 §A.5.1).
    checkGeometry(expected, image->x1 - image->x0, image->y1 - image->y0, image->numcomps, c0.prec);
    if (!opj_decode(codec, stream, image) || !opj_end_decompress(codec, stream)) fail(lastError);
    d.columns = c0.w;
    d.rows = c0.h;
    d.samples = image->numcomps;
    d.bitsStored = c0.prec;
    d.isSigned = c0.sgnd != 0;
    checkGeometry(expected, d.columns, d.rows, d.samples, d.bitsStored);
    for (uint32_t c = 0; c < d.samples; c++) {
      const opj_image_comp_t& ci = image->comps[c];
      if (ci.w != d.columns || ci.h != d.rows || ci.prec != d.bitsStored || ci.dx != 1 || ci.dy != 1 || !ci.data)
        fail("the codestream's components differ in size or precision (subsampled components are not supported)");
    }
    const bool wide = d.bitsStored > 8;
    d.allocate(wide);
    for (uint32_t c = 0; c < d.samples; c++) d.store(wide, c, 0, image->comps[c].data, size_t(d.columns) * d.rows);
  } catch (...) {
    if (image) opj_image_destroy(image);
    opj_stream_destroy(stream);
    opj_destroy_codec(codec);
    throw;
  }
  opj_image_destroy(image);
  opj_stream_destroy(stream);
  opj_destroy_codec(codec);
}

// ---- OpenJPH: HTJ2K (ISO 15444-15), from memory ----


void decodeHtj2kLines(Decoded& d, const uint8_t* data, size_t length, const Expected& expected) {
  ojph::mem_infile file;
  file.open(data, length);
  ojph::codestream codestream;
  codestream.read_headers(&file);
  ojph::param_siz siz = codestream.access_siz();
  d.columns = siz.get_image_extent().x - siz.get_image_offset().x;
  d.rows = siz.get_image_extent().y - siz.get_image_offset().y;
  d.samples = siz.get_num_components();
  if (d.samples == 0) fail("the codestream has no components");
  d.bitsStored = siz.get_bit_depth(0);
  d.isSigned = siz.is_signed(0);
  checkGeometry(expected, d.columns, d.rows, d.samples, d.bitsStored);
  for (uint32_t c = 0; c < d.samples; c++) {
    const ojph::point ds = siz.get_downsampling(c);
    if (ds.x != 1 || ds.y != 1 || siz.get_bit_depth(c) != d.bitsStored || siz.is_signed(c) != d.isSigned)
      fail("the codestream's components differ in size or precision (subsampled components are not supported)");
  }
  codestream.create();
  const bool wide = d.bitsStored > 8;
  d.allocate(wide);
  std::vector<uint32_t> row(d.samples, 0);
  for (size_t n = 0; n < size_t(d.rows) * d.samples; n++) {
    ojph::ui32 c = 0;
    ojph::line_buf* line = codestream.pull(c);
    if (!line || c >= d.samples || row[c] >= d.rows) fail("the codestream gave more lines than it declares");
    row[c]++;
    d.store(wide, c, size_t(row[c] - 1) * d.columns, line->i32, d.columns);
  }
  codestream.close();
}

// OpenJPH 0.9 prints every message to a stream and then throws std::runtime_error("ojph error"); its
// configure_error() does nothing. Info and warnings are silenced at load; for each decode the error stream is a
// memory stream whose text becomes the exception's. (The streams are the library's globals: decodes run on one
// thread per process, as Node calls them.)
class ErrorText {
 public:
  ErrorText() : stream_(open_memstream(&text_, &size_)) { ojph::set_error_stream(stream_); }
  ~ErrorText() {
    ojph::set_error_stream(nullptr);
    if (stream_) std::fclose(stream_);
    std::free(text_);
  }
  std::string last() {
    if (!stream_) return "the codestream is invalid";
    std::fflush(stream_);
    std::string all(text_ ? text_ : "", size_);
    while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.pop_back();
    const size_t nl = all.rfind('\n');
    std::string line = nl == std::string::npos ? all : all.substr(nl + 1);
    // "ojph error 0x00030051 at ojph_codestream.cpp:876: File ended before ..." → the part after the location.
    const size_t colon = line.find(": ");
    if (colon != std::string::npos) line = line.substr(colon + 2);
    return line.empty() ? "the codestream is invalid" : "OpenJPH: " + line;
  }

 private:
  char* text_ = nullptr;
  size_t size_ = 0;
  FILE* stream_;
};

void decodeHtj2k(Decoded& d, const uint8_t* data, size_t length, const Expected& expected) {
  ErrorText errors;
  try {
    decodeHtj2kLines(d, data, length, expected);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()) == "ojph error") fail(errors.last());
    throw;
  }
}
// ---- Node-API glue ----

bool ok(napi_env env, napi_status s) {
  if (s == napi_ok) return true;
  const napi_extended_error_info* info = nullptr;
  napi_get_last_error_info(env, &info);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_DICOMKIT_NATIVE", info && info->error_message ? info->error_message : "Node-API call failed");
  return false;
}

napi_value setNumber(napi_env env, napi_value object, const char* name, double value) {
  napi_value v;
  if (!ok(env, napi_create_double(env, value, &v)) || !ok(env, napi_set_named_property(env, object, name, v))) return nullptr;
  return object;
}

template <void (*Decode)(Decoded&, const uint8_t*, size_t, const Expected&)>
napi_value decodeEntry(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (!ok(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr))) return nullptr;
  bool isTyped = false;
  if (argc < 2 || !ok(env, napi_is_typedarray(env, argv[0], &isTyped)) || !isTyped) {
    napi_throw_type_error(env, nullptr, "expected (codestream: Uint8Array, [columns, rows, samples])");
    return nullptr;
  }
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value arrayBuffer;
  if (!ok(env, napi_get_typedarray_info(env, argv[0], &type, &length, &data, &arrayBuffer, &offset))) return nullptr;
  if (type != napi_uint8_array) {
    napi_throw_type_error(env, nullptr, "the codestream must be a Uint8Array");
    return nullptr;
  }
  uint32_t want[3] = {0, 0, 0};
  for (uint32_t i = 0; i < 3; i++) {
    napi_value v;
    if (!ok(env, napi_get_element(env, argv[1], i, &v)) || !ok(env, napi_get_value_uint32(env, v, &want[i]))) return nullptr;
  }
  Decoded d(env);
  try {
    Decode(d, static_cast<const uint8_t*>(data), length, Expected{want[0], want[1], want[2]});
  } catch (const std::exception& e) {
    napi_throw_error(env, "ERR_DICOMKIT_CODESTREAM", e.what());
    return nullptr;
  } catch (...) {
    napi_throw_error(env, "ERR_DICOMKIT_CODESTREAM", "the codestream is invalid");
    return nullptr;
  }
  napi_value result, bytes, flag;
  if (!ok(env, napi_create_object(env, &result))) return nullptr;
  const size_t outLength = d.length;
  if (!ok(env, napi_create_typedarray(env, napi_uint8_array, outLength, d.buffer, 0, &bytes)) ||
      !ok(env, napi_set_named_property(env, result, "bytes", bytes)) ||
      !ok(env, napi_get_boolean(env, d.isSigned, &flag)) ||
      !ok(env, napi_set_named_property(env, result, "signed", flag)) ||
      !setNumber(env, result, "columns", d.columns) || !setNumber(env, result, "rows", d.rows) ||
      !setNumber(env, result, "samples", d.samples) || !setNumber(env, result, "bitsStored", d.bitsStored))
    return nullptr;
  return result;
}

// ---- Shared memory between a native codec pool and its child processes ----
// An anonymous memory file (memfd, Linux) mapped by the parent and, through an inherited descriptor, by the child:
// codestreams and decoded frames cross it instead of the IPC pipe, which would copy and serialize each one twice.

napi_value sharedArrayBuffer(napi_env env, void* base, size_t size) {
  napi_value buffer;
  if (!ok(env, napi_create_external_arraybuffer(
                   env, base, size, [](napi_env, void* data, void* hint) { munmap(data, reinterpret_cast<size_t>(hint)); },
                   reinterpret_cast<void*>(size), &buffer))) {
    munmap(base, size);
    return nullptr;
  }
  return buffer;
}

bool sizeArgument(napi_env env, napi_value v, size_t* size) {
  double d = 0;
  if (!ok(env, napi_get_value_double(env, v, &d))) return false;
  if (!(d >= 1 && d <= 1024.0 * 1024 * 1024)) {
    napi_throw_range_error(env, nullptr, "shared memory size must be 1 byte to 1 GiB");
    return false;
  }
  *size = size_t(d);
  return true;
}

// createSharedMemory(size) → { fd, buffer }: a new memory file of `size` bytes, mapped here.
napi_value createSharedMemory(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  size_t size = 0;
  if (!ok(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr)) || argc < 1 || !sizeArgument(env, argv[0], &size))
    return nullptr;
#ifdef __linux__
  const int fd = memfd_create("dicomkit-codec-pool", MFD_CLOEXEC);
#else
  const int fd = -1;
#endif
  if (fd < 0 || ftruncate(fd, off_t(size)) != 0) {
    if (fd >= 0) close(fd);
    napi_throw_error(env, "ERR_DICOMKIT_SHARED_MEMORY", "cannot create shared memory (memfd_create)");
    return nullptr;
  }
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    close(fd);
    napi_throw_error(env, "ERR_DICOMKIT_SHARED_MEMORY", "cannot map shared memory");
    return nullptr;
  }
  napi_value result, fdValue, buffer = sharedArrayBuffer(env, base, size);
  if (!buffer || !ok(env, napi_create_object(env, &result)) || !ok(env, napi_create_int32(env, fd, &fdValue)) ||
      !ok(env, napi_set_named_property(env, result, "fd", fdValue)) ||
      !ok(env, napi_set_named_property(env, result, "buffer", buffer)))
    return nullptr;
  return result;
}

// mapSharedMemory(fd, size) → ArrayBuffer: the memory file behind an inherited descriptor, mapped here.
napi_value mapSharedMemory(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1;
  size_t size = 0;
  if (!ok(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr)) || argc < 2 ||
      !ok(env, napi_get_value_int32(env, argv[0], &fd)) || !sizeArgument(env, argv[1], &size))
    return nullptr;
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    napi_throw_error(env, "ERR_DICOMKIT_SHARED_MEMORY", "cannot map the inherited shared memory");
    return nullptr;
  }
  return sharedArrayBuffer(env, base, size);
}

napi_value init(napi_env env, napi_value exports) {
  ojph::set_info_stream(nullptr);
  ojph::set_warning_stream(nullptr);
  ojph::set_error_stream(nullptr);
  const napi_property_descriptor properties[] = {
      {"decodeJpeg2000", nullptr, decodeEntry<decodeJpeg2000>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"decodeHtj2k", nullptr, decodeEntry<decodeHtj2k>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"createSharedMemory", nullptr, createSharedMemory, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mapSharedMemory", nullptr, mapSharedMemory, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (!ok(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties))) return nullptr;
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
