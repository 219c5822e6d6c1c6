/**
 * Query/Retrieve Service Class, SCU side (PS3.4 Annex C): C-FIND, C-MOVE, C-GET with pending responses and
 * cancellation (C-CANCEL on AbortSignal). For C-GET the association must have been requested with storage
 * contexts in the SCP role (see {@link getContexts}) and a StorageScp as its request handler.
 */
import {
  Dataset,
  DicomError,
  parseDataset,
  tagForKeyword,
  writeDatasetChunks,
  parseTagString,
  lookupTag,
} from '@dicomkit/core';
import type { Association } from '../association.js';
import { CommandField, Priority } from '../dimse/command.js';
import { statusCategory } from '../dimse/status.js';
import type { RoleSelection } from '../pdu/types.js';
import { QR } from './qr-scp.js';
import { allStorageSopClasses } from './storage-scp.js';
import type { QueryLevel, QueryModel } from './matching.js';

export interface RetrieveResult {
  status: number;
  completed: number;
  failed: number;
  warning: number;
}

function sopClass(kind: 'Find' | 'Move' | 'Get', model: QueryModel): string {
  return QR[`${model === 'PATIENT' ? 'PatientRoot' : 'StudyRoot'}${kind}`];
}

function context(association: Association, uid: string): number {
  const c = association.findContext(uid);
  if (!c) throw new DicomError('DIMSE_ERROR', `the peer did not accept ${uid}`);
  return c.id;
}

/**
 * Builds an identifier from "-k" style keys: `PatientName=A*`, `StudyInstanceUID`, `(0010,0020)=X`.
 * QueryRetrieveLevel is set from `level` unless a key sets it.
 */
export function identifierFrom(keys: string[], level?: QueryLevel): Dataset {
  const ds = new Dataset();
  for (const k of keys) {
    const i = k.indexOf('=');
    const name = (i < 0 ? k : k.slice(0, i)).trim();
    const value = i < 0 ? '' : k.slice(i + 1);
    let tag = parseTagString(name);
    if (tag === undefined) {
      try {
        tag = tagForKeyword(name);
      } catch {
        throw new DicomError('INVALID_VALUE', `unknown attribute "${name}"`);
      }
    }
    const vr = lookupTag(tag)?.vrs[0] ?? 'LO';
    if (vr === 'SQ') ds.set(tag, 'SQ', []);
    else {
      const parts = value === '' ? [] : value.split('\\');
      const numeric = ['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'UV', 'SV'].includes(vr);
      ds.set(tag, lookupTag(tag) ? undefined : 'LO', numeric ? parts.map(Number) : parts);
    }
  }
  if (!ds.has(0x00080052)) ds.set(0x00080052, 'CS', level ?? 'STUDY');
  return ds;
}

/** C-FIND: resolves with every match (also given to `onMatch` as it arrives). */
export async function find(
  association: Association,
  model: QueryModel,
  identifier: Dataset,
  opts: { onMatch?: (d: Dataset) => void; signal?: AbortSignal } = {},
): Promise<{ status: number; matches: Dataset[] }> {
  const uid = sopClass('Find', model);
  const id = context(association, uid);
  const ctx = association.contexts.find((c) => c.id === id)!;
  const matches: Dataset[] = [];
  const rsp = await association.requestResponse(
    id,
    {
      CommandField: CommandField.CFindRq,
      AffectedSOPClassUID: uid,
      Priority: Priority.Medium,
      CommandDataSetType: 0,
    },
    writeDatasetChunks(identifier, ctx.transferSyntax),
    {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onPending: (m) => {
        if (!m.data) return;
        const d = parseDataset(m.data, ctx.transferSyntax);
        matches.push(d);
        opts.onMatch?.(d);
      },
    },
  );
  return { status: rsp.command.Status ?? 0, matches };
}

async function retrieve(
  kind: 'Move' | 'Get',
  association: Association,
  model: QueryModel,
  identifier: Dataset,
  destination: string | undefined,
  opts: { onProgress?: (r: RetrieveResult & { remaining: number }) => void; signal?: AbortSignal },
): Promise<RetrieveResult> {
  const uid = sopClass(kind, model);
  const id = context(association, uid);
  const ctx = association.contexts.find((c) => c.id === id)!;
  const rsp = await association.requestResponse(
    id,
    {
      CommandField: kind === 'Move' ? CommandField.CMoveRq : CommandField.CGetRq,
      AffectedSOPClassUID: uid,
      Priority: Priority.Medium,
      CommandDataSetType: 0,
      ...(destination ? { MoveDestination: destination } : {}),
    },
    writeDatasetChunks(identifier, ctx.transferSyntax),
    {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onPending: (m) =>
        opts.onProgress?.({
          status: m.command.Status ?? 0,
          remaining: m.command.NumberOfRemainingSuboperations ?? 0,
          completed: m.command.NumberOfCompletedSuboperations ?? 0,
          failed: m.command.NumberOfFailedSuboperations ?? 0,
          warning: m.command.NumberOfWarningSuboperations ?? 0,
        }),
    },
  );
  const c = rsp.command;
  return {
    status: c.Status ?? 0,
    completed: c.NumberOfCompletedSuboperations ?? 0,
    failed: c.NumberOfFailedSuboperations ?? 0,
    warning: c.NumberOfWarningSuboperations ?? 0,
  };
}

/** C-MOVE to another AE. */
export function move(
  association: Association,
  model: QueryModel,
  identifier: Dataset,
  destination: string,
  opts: { onProgress?: (r: RetrieveResult & { remaining: number }) => void; signal?: AbortSignal } = {},
): Promise<RetrieveResult> {
  return retrieve('Move', association, model, identifier, destination, opts);
}

/** C-GET: the instances arrive as C-STORE requests on this association (handled by its request handler). */
export function get(
  association: Association,
  model: QueryModel,
  identifier: Dataset,
  opts: { onProgress?: (r: RetrieveResult & { remaining: number }) => void; signal?: AbortSignal } = {},
): Promise<RetrieveResult> {
  return retrieve('Get', association, model, identifier, undefined, opts);
}

/** The common storage SOP classes a C-GET SCU offers to receive (as SCP), within the 128-context limit. */
export const GET_STORAGE_CLASSES = [
  '1.2.840.10008.5.1.4.1.1.2', // CT
  '1.2.840.10008.5.1.4.1.1.2.1', // Enhanced CT
  '1.2.840.10008.5.1.4.1.1.4', // MR
  '1.2.840.10008.5.1.4.1.1.4.1', // Enhanced MR
  '1.2.840.10008.5.1.4.1.1.1', // CR
  '1.2.840.10008.5.1.4.1.1.1.1', // DX for presentation
  '1.2.840.10008.5.1.4.1.1.1.1.1', // DX for processing
  '1.2.840.10008.5.1.4.1.1.1.2', // MG for presentation
  '1.2.840.10008.5.1.4.1.1.6.1', // US
  '1.2.840.10008.5.1.4.1.1.3.1', // US multi-frame
  '1.2.840.10008.5.1.4.1.1.7', // Secondary Capture
  '1.2.840.10008.5.1.4.1.1.7.4', // Multi-frame true colour SC
  '1.2.840.10008.5.1.4.1.1.20', // NM
  '1.2.840.10008.5.1.4.1.1.128', // PET
  '1.2.840.10008.5.1.4.1.1.481.1', // RT Image
  '1.2.840.10008.5.1.4.1.1.481.2', // RT Dose
  '1.2.840.10008.5.1.4.1.1.481.3', // RT Structure Set
  '1.2.840.10008.5.1.4.1.1.481.5', // RT Plan
  '1.2.840.10008.5.1.4.1.1.88.11', // Basic Text SR
  '1.2.840.10008.5.1.4.1.1.88.22', // Enhanced SR
  '1.2.840.10008.5.1.4.1.1.88.33', // Comprehensive SR
  '1.2.840.10008.5.1.4.1.1.104.1', // Encapsulated PDF
  '1.2.840.10008.5.1.4.1.1.12.1', // XA
  '1.2.840.10008.5.1.4.1.1.12.2', // XRF
  '1.2.840.10008.5.1.4.1.1.77.1.4', // VL Photographic
  '1.2.840.10008.5.1.4.1.1.66.4', // Segmentation
  '1.2.840.10008.5.1.4.1.1.11.1', // Grayscale Softcopy Presentation State
];

/** The common storage classes first, then every other storage class, as many as fit beside the GET context. */
export function defaultGetStorageClasses(): string[] {
  return [...new Set([...GET_STORAGE_CLASSES, ...allStorageSopClasses()])].slice(0, 127);
}

/**
 * Contexts and role selections for a C-GET association: the GET SOP class plus storage classes in the SCP role
 * (PS3.4 §C.4.3.1: the SCU must propose every storage class it expects, within 128 contexts).
 */
export function getContexts(
  model: QueryModel,
  storageClasses = defaultGetStorageClasses(),
  transferSyntaxes = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'],
): { contexts: { abstractSyntax: string; transferSyntaxes: string[] }[]; roleSelections: RoleSelection[] } {
  const contexts = [
    {
      abstractSyntax: sopClass('Get', model),
      transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'],
    },
    ...storageClasses.map((s) => ({ abstractSyntax: s, transferSyntaxes })),
  ];
  return {
    contexts,
    roleSelections: storageClasses.map((s) => ({ sopClassUid: s, scuRole: false, scpRole: true })),
  };
}

/** Throws DIMSE_ERROR for a failure status of a Q/R operation. */
export function checkStatus(status: number, what: string): void {
  if (statusCategory(status) === 'failure')
    throw new DicomError('DIMSE_ERROR', `${what} failed: status 0x${status.toString(16).padStart(4, '0')}`);
}
