/**
 * Options shared by the json, xml and convert commands. BulkDataURIs: `<prefix>/<tag>/<item>/<tag>…`, e.g.
 * "https://pacs/studies/1/bulk/00082218/0/7FE00010" for (0008,2218)[0].(7FE0,0010).
 */
import { InvalidArgumentError } from 'commander';
import type { DicomElement } from '@dicomkit/core';

/** "(0008,2218)[0].(7FE0,0010)" → "00082218/0/7FE00010". */
export function tagPathSegments(tagPath: string): string {
  return tagPath.replace(/\((\w{4}),(\w{4})\)/g, '$1$2').replace(/\[(\d+)\]\./g, '/$1/');
}

export function bulkUriNamer(prefix: string): (el: DicomElement, tagPath: string) => string {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return (_el, tagPath) => `${base}${tagPathSegments(tagPath)}`;
}

/** A commander parser for a non-negative integer option. */
export function intOption(name: string): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n))
      throw new InvalidArgumentError(`${name} must be a non-negative integer, not "${v}"`);
    return n;
  };
}
