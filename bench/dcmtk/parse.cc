// Measures dcmtk's parse throughput on a list of files, the same three modes as bench/parse-bench.mjs:
//   lazy    : load each file, values kept as loaded (dcmtk reads values < 4 KiB eagerly, larger on demand)
//   decode  : load and read every value as a string (getOFStringArray), recursively
//   header  : load up to Pixel Data (ERM_autoDetect, readUntilTag 7FE0,0010)
// Usage: parse <mode> <rounds> <file-list>  → prints one JSON line per round: {"ms": ..., "files": ...}
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

static size_t visit(DcmItem *item) {
  size_t n = 0;
  for (unsigned long i = 0; i < item->card(); i++) {
    DcmElement *el = item->getElement(i);
    if (el->ident() == EVR_SQ) {
      DcmSequenceOfItems *sq = static_cast<DcmSequenceOfItems *>(el);
      for (unsigned long k = 0; k < sq->card(); k++) n += visit(sq->getItem(k));
    } else if (el->getTag() != DCM_PixelData) {
      OFString s;
      el->getOFStringArray(s);
      n += s.length();
    }
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  std::string mode = argv[1];
  int rounds = atoi(argv[2]);
  std::vector<std::string> files;
  std::ifstream in(argv[3]);
  for (std::string l; std::getline(in, l);) if (!l.empty()) files.push_back(l);
  for (int r = 0; r < rounds; r++) {
    auto t0 = std::chrono::steady_clock::now();
    size_t sink = 0;
    for (auto &f : files) {
      DcmFileFormat ff;
      OFCondition c = mode == "header"
        ? ff.loadFileUntilTag(f.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData)
        : ff.loadFile(f.c_str());
      if (c.bad()) { fprintf(stderr, "%s: %s\n", f.c_str(), c.text()); return 1; }
      if (mode == "decode") sink += visit(ff.getDataset());
      sink += ff.getDataset()->card();
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    printf("{\"ms\": %.3f, \"files\": %zu, \"sink\": %zu}\n", ms, files.size(), sink);
  }
  return 0;
}
