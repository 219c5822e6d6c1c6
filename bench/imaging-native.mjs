// The native references for the imaging benchmark, on exactly the codestreams dicomkit decodes:
// - small C++ harnesses in bench/native/ (compiled here against Debian's -dev packages) that decode a codestream
//   from memory many times in one process, one thread, and print the milliseconds per frame of each round;
// - the codecs' own command-line tools where they time themselves: opj_decompress ("decode time"), djxl (MP/s).
// Debian packages: libcharls-dev, libopenjph-dev, libopenjp2-7-dev, libturbojpeg0-dev, libopenjp2-tools, libjxl-tools.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const build = join(here, '.build');

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Harness per codec: source file, library, the Debian package that has it. */
const harnesses = {
  'JPEG-LS': ['charls.cc', '-lcharls', 'CharLS 2.4.1', 'libcharls-dev'],
  'JPEG 2000': ['openjpeg.cc', '-lopenjp2', 'OpenJPEG 2.5.0', 'libopenjp2-7-dev'],
  HTJ2K: ['openjph.cc', '-lopenjph', 'OpenJPH 0.9.0', 'libopenjph-dev'],
  'JPEG Baseline': ['turbojpeg.cc', '-lturbojpeg', 'libjpeg-turbo 2.1.5', 'libturbojpeg0-dev'],
};

/** The compiled harness for a codec: { bin, library } or { error } (e.g. the -dev package is missing). */
export function nativeHarness(codec) {
  const h = harnesses[codec];
  if (!h)
    return {
      error:
        codec === 'JPEG Lossless'
          ? 'none (Debian libjpeg-turbo 2.1 has no lossless decoder; GDCM/dcmtk CLI in table 1)'
          : 'none in process (GDCM/dcmtk CLI in table 1)',
    };
  const [src, lib, library, pkg] = h;
  const bin = join(build, `native-${src.replace('.cc', '')}`);
  if (!existsSync(bin)) {
    mkdirSync(build, { recursive: true });
    try {
      execFileSync('g++', ['-O2', '-std=c++17', '-o', bin, join(here, 'native', src), lib], {
        stdio: 'pipe',
      });
    } catch {
      return { error: `does not build (apt-get install ${pkg})` };
    }
  }
  return { bin, library };
}

/**
 * Decodes `file` with a harness: `rounds` rounds of `frames` decodes. Returns the median ms per frame, each round's
 * ms, and the samples of the last decode (8-bit bytes or 16-bit little endian) for the pixel comparison.
 */
export function runHarness(bin, file, rounds, frames, env = {}) {
  const out = join(build, 'samples.out');
  const r = spawnSync(bin, [file, String(rounds), String(frames), out], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error((r.stderr || `exit ${r.status}`).trim().split('\n')[0]);
  const perRound = r.stdout.trim().split('\n').map(Number);
  return { ms: median(perRound), perRound, samples: new Uint8Array(readFileSync(out)) };
}

/** opj_decompress's own "decode time" (read, decode, no file output), median over `runs` processes. */
export function opjDecompressMs(file, threads, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(
      'opj_decompress',
      ['-i', file, '-o', join(build, 'opj.raw'), '-threads', String(threads)],
      {
        encoding: 'utf8',
      },
    );
    const m = /decode time: (\d+(?:\.\d+)?) ms/.exec(r.stdout + r.stderr);
    if (r.status !== 0 || !m) return NaN;
    times.push(Number(m[1]));
  }
  return median(times);
}

/** djxl's own throughput (geometric mean of `reps` decodes in one process) as ms per frame. */
export function djxlMs(file, threads, reps, pixels) {
  mkdirSync(build, { recursive: true }); // its output goes there, also when no harness was built (--only 'JPEG XL')
  const r = spawnSync(
    'djxl',
    [file, join(build, 'djxl.ppm'), `--num_reps=${reps}`, `--num_threads=${threads}`],
    { encoding: 'utf8' },
  );
  const m = /(?:geomean: )?([\d.]+) MP\/s \[/.exec(r.stdout + r.stderr); // one rep prints no "geomean"
  if (r.status !== 0 || !m) return NaN;
  return (pixels / 1e6 / Number(m[1])) * 1000;
}

export const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** ojph_expand's own "Elapsed time" (reading the file, decoding, writing the PGM/PPM), median of `runs` processes. */
export function ojphExpandMs(file, colour, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('ojph_expand', ['-i', file, '-o', join(build, colour ? 'ojph.ppm' : 'ojph.pgm')], {
      encoding: 'utf8',
    });
    const m = /Elapsed time = ([\d.]+)/.exec(r.stdout + r.stderr);
    if (r.status !== 0 || !m) return NaN;
    times.push(Number(m[1]) * 1000);
  }
  return median(times);
}

/** tjbench's own decompression frame rate (libjpeg-turbo, accurate IDCT, to BGR) as ms per frame. */
export function tjbenchMs(file) {
  const r = spawnSync('tjbench', [file, '-accuratedct', '-benchtime', '2', '-warmup', '0.5'], {
    encoding: 'utf8',
  });
  const m = /Decompress\s+--> Frame rate:\s+([\d.]+) fps/.exec(r.stdout + r.stderr);
  return r.status === 0 && m ? 1000 / Number(m[1]) : NaN;
}
