/** The @cornerstonejs WASM codec packages ship no types: their Emscripten module factories, as far as we use them. */
declare module '@cornerstonejs/codec-charls/wasmjs' {
  const factory: (options?: object) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/wasmjs' {
  const factory: (options?: object) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: (options?: object) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs' {
  const factory: (options?: object) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjxl/decodewasmjs' {
  const factory: (options?: object) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjxl/encodewasmjs' {
  const factory: (options?: object) => Promise<unknown>;
  export default factory;
}
