/**
 * The Upper Layer protocol machine's shell (PS3.8 §9.2): feeds socket bytes through the framer, turns PDUs,
 * user primitives, transport events and the ARTIM timer into events Evt1–Evt19, looks the action up in
 * {@link TRANSITION_TABLE} and performs it. Everything the table decides stays in table.ts; this file only
 * does what an action says (send a PDU, tell the user, start/stop ARTIM, close the transport).
 */
import type { Duplex } from 'node:stream';
import { DicomError, isDicomError } from '@dicomkit/core';
import { decodePdu } from '../pdu/decode.js';
import { encodePdu } from '../pdu/encode.js';
import { PduStream } from '../pdu/pdu-stream.js';
import {
  AbortReason,
  AbortSource,
  type AAbort,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type Pdu,
  type Pdv,
} from '../pdu/types.js';
import { transition, InvalidTransition, type Action, type Event, type State } from './table.js';

/**
 * Bytes queued on the socket before a sender waits for 'drain': above the stream's 16 KiB default so that a
 * data set of a few MB goes out without a wait per PDU, and still a bound on per-association memory.
 */
const SEND_HIGH_WATER = 4 * 1024 * 1024;

/** Structured log entries (the logging hook of every layer). */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}
export type Logger = (entry: LogEntry) => void;

/** Indications and confirmations the Upper Layer gives its user (the association, PS3.8 §7). */
export interface UpperLayerUser {
  /** A-ASSOCIATE indication (acceptor, Sta3): answer with associateResponse(). */
  associateIndication(rq: AAssociateRq): void;
  /** A-ASSOCIATE confirmation (requestor): accept or reject. */
  associateConfirm(pdu: AAssociateAc | AAssociateRj): void;
  /** P-DATA indication: the PDVs are views into the received PDU; use or copy them before returning. */
  pdata(pdvs: Pdv[]): void;
  /** A-RELEASE indication: answer with releaseResponse(). */
  releaseIndication(): void;
  releaseConfirm(): void;
  /** A-ABORT (peer's service user) or A-P-ABORT (a provider) indication. */
  abort(info: AbortInfo): void;
  /** The transport connection is closed and the machine is back in Sta1. */
  closed(): void;
}

export interface AbortInfo {
  /** 'peer-user' A-ABORT from the peer's user; 'peer-provider' A-ABORT PDU with provider source; 'local' we aborted; 'transport' the connection dropped. */
  by: 'peer-user' | 'peer-provider' | 'local' | 'transport';
  source: number;
  reason: number;
  message: string;
}

export interface UpperLayerOptions {
  /** Association request/reject/release timer (PS3.8 §9.1.5), ms. Default 30 s. */
  artimMs?: number;
  /** Largest P-DATA-TF PDU we accept: the Maximum Length we announce. */
  maxPDataLength: number;
  log?: Logger;
  /** Requestor side: how to open the transport (AE-1). */
  connect?: () => Promise<void>;
}

/** A payload attached to the event being processed. */
type Payload =
  | { pdu: Pdu }
  | { rq: AAssociateRq }
  | { response: AAssociateAc | AAssociateRj }
  | { chunks: Uint8Array[]; written?: () => void }
  | { pdataStart: true }
  | { abortReason: number; message: string }
  | undefined;

export class UpperLayer {
  state: State = 'Sta1';
  /** This side requested the association (decides AR-8). */
  requestor = false;
  private readonly stream: PduStream;
  private artim: NodeJS.Timeout | undefined;
  private pendingRq: AAssociateRq | undefined;
  private abortSentBy: AbortInfo | undefined;
  private closedNotified = false;
  private broken = false;

  constructor(
    readonly socket: Duplex,
    readonly user: UpperLayerUser,
    readonly options: UpperLayerOptions,
  ) {
    this.stream = new PduStream({ maxPDataLength: options.maxPDataLength });
    socket.on('data', (chunk: Uint8Array) => this.receive(chunk));
    socket.on('error', (e) => this.log('debug', 'transport error', { error: (e as Error).message }));
    socket.on('close', () => this.onTransportClosed());
  }

  private log(level: LogEntry['level'], msg: string, fields: Record<string, unknown> = {}): void {
    this.options.log?.({ level, msg, layer: 'ul', state: this.state, ...fields });
  }

  // ---- user primitives --------------------------------------------------------------------------------------

  /** Acceptor: the transport connection was accepted (Evt5). */
  transportIndication(): void {
    this.fire('Evt5');
  }
  /** Requestor: A-ASSOCIATE request (Evt1). */
  associateRequest(rq: AAssociateRq): void {
    this.requestor = true;
    this.pendingRq = rq;
    this.fire('Evt1', { rq });
  }
  /** Acceptor: A-ASSOCIATE response, accept (Evt7) or reject (Evt8). */
  associateResponse(response: AAssociateAc | AAssociateRj): void {
    this.fire(response.type === 'A-ASSOCIATE-AC' ? 'Evt7' : 'Evt8', { response });
  }
  /**
   * P-DATA request (Evt9): the chunks form one whole P-DATA-TF PDU (header first). Returns false when the
   * transport's buffer is full: wait for {@link drained} before sending more. `written` is called once the
   * socket is done with the chunks (written out, failed, or never written because the transport is gone).
   */
  pdataRequest(chunks: Uint8Array[], written?: () => void): boolean {
    this.fire('Evt9', written ? { chunks, written } : { chunks });
    return this.socket.writableLength < SEND_HIGH_WATER;
  }
  /** Resolves when the transport can take more data (or is gone). */
  drained(): Promise<void> {
    if (this.socket.writableLength < SEND_HIGH_WATER || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
  releaseRequest(): void {
    this.fire('Evt11');
  }
  releaseResponse(): void {
    this.fire('Evt14');
  }
  /** A-ABORT request (Evt15); a no-op when no association or connection is left to abort. */
  abortRequest(): void {
    if (this.state === 'Sta1' || this.state === 'Sta2' || this.state === 'Sta13') {
      if (this.state === 'Sta2') this.closeTransport();
      return;
    }
    this.fire('Evt15');
  }

  // ---- transport ----------------------------------------------------------------------------------------------

  /**
   * Bytes from the transport: the socket's 'data' events, or a reused receive buffer's callback (then `chunk`
   * is valid only during the call; nothing here keeps a view of it).
   */
  receive(chunk: Uint8Array): void {
    if (this.broken) return;
    const transferring = (): boolean => this.state === 'Sta6' || this.state === 'Sta7';
    try {
      this.stream.feed(chunk, {
        pdu: (raw) => {
          if (this.broken || this.state === 'Sta1') return false;
          let pdu: Pdu;
          try {
            pdu = decodePdu(raw.bytes);
          } catch (e) {
            this.broken = true;
            this.fire('Evt19', {
              abortReason: AbortReason.InvalidPduParameterValue,
              message: isDicomError(e) ? e.describe() : String(e),
            });
            return false;
          }
          this.fire(eventOfPdu(pdu), { pdu });
          return !this.broken && this.isOpen();
        },
        // Evt10 is fired when a P-DATA-TF's header arrives; its PDVs then stream to the user piece by piece
        // (DT-2 / AR-6), so a 256 KiB PDU is never assembled.
        pdataStart: () => {
          if (this.broken || this.state === 'Sta1') return false;
          this.fire('Evt10', { pdataStart: true });
          return transferring();
        },
        pdv: (piece) => {
          if (!transferring()) return false;
          this.user.pdata([piece]);
          return transferring();
        },
      });
    } catch (e) {
      if (!isDicomError(e, 'PDU_INVALID') || this.broken) throw e;
      this.broken = true;
      const reason = /unrecognized PDU type/.test(e.message)
        ? AbortReason.UnrecognizedPdu
        : AbortReason.InvalidPduParameterValue;
      this.fire('Evt19', { abortReason: reason, message: e.message });
    }
  }

  /** Not back in Sta1 (a method, so that TypeScript does not narrow the state across a fire()). */
  private isOpen(): boolean {
    return this.state !== 'Sta1';
  }

  private onTransportClosed(): void {
    if (this.state === 'Sta1') {
      this.notifyClosed();
      return;
    }
    this.fire('Evt17');
  }

  private notifyClosed(): void {
    this.stopArtim();
    if (this.closedNotified) return;
    this.closedNotified = true;
    this.user.closed();
  }

  private closeTransport(): void {
    this.stopArtim();
    if (!this.socket.destroyed) {
      this.socket.end();
      // A peer that never closes its side must not hold the socket open.
      setTimeout(() => this.socket.destroy(), 1000).unref();
    }
  }

  private send(pdu: Pdu): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(encodePdu(pdu));
    this.log('debug', `sent ${pdu.type}`);
  }

  private startArtim(): void {
    this.stopArtim();
    this.artim = setTimeout(() => {
      this.artim = undefined;
      this.fire('Evt18');
    }, this.options.artimMs ?? 30_000);
    this.artim.unref();
  }
  private stopArtim(): void {
    if (this.artim) clearTimeout(this.artim);
    this.artim = undefined;
  }

  // ---- the machine --------------------------------------------------------------------------------------------

  /** Processes one event: looks the action up in Table 9-10 and performs it. */
  fire(event: Event, payload?: Payload): void {
    let t;
    try {
      t = transition(this.state, event);
    } catch (e) {
      if (e instanceof InvalidTransition) {
        // A user primitive at the wrong time: the user's error, not the peer's.
        throw new DicomError('ASSOCIATION_ABORTED', e.message, { cause: e });
      }
      throw e;
    }
    const from = this.state;
    // The state changes before the action runs, so a user callback inside it sees the new state (and may fire
    // the next event itself); AE-6 and AR-8 pick between two states before calling the user.
    this.state = Array.isArray(t.next) ? t.next[0] : t.next;
    this.perform(t.action, event, payload);
    if (event !== 'Evt9' && event !== 'Evt10')
      this.log('debug', `${from} + ${event} -> ${t.action} -> ${this.state}`, { event, action: t.action });
    if (this.state === 'Sta1') this.notifyClosed();
  }

  /** Performs an action (the state is already the table's next state; AE-6 and AR-8 set it themselves). */
  private perform(action: Action, event: Event, payload: Payload): void {
    switch (action) {
      case 'AE-1':
        this.options.connect?.().then(
          () => this.fire('Evt2'),
          (e: Error) => {
            this.log('info', 'connect failed', { error: e.message });
            this.abortInfo = {
              by: 'transport',
              source: AbortSource.ServiceProvider,
              reason: 0,
              message: e.message,
            };
            if (this.state === 'Sta4') this.fire('Evt17');
          },
        );
        return;
      case 'AE-2':
        this.send(this.pendingRq!);
        return;
      case 'AE-3':
      case 'AE-4': {
        const pdu = (payload as { pdu: AAssociateAc | AAssociateRj }).pdu;
        if (action === 'AE-4') this.closeTransport();
        this.user.associateConfirm(pdu);
        return;
      }
      case 'AE-5':
        this.startArtim();
        return;
      case 'AE-6': {
        this.stopArtim();
        const rq = (payload as { pdu: AAssociateRq }).pdu;
        // The service provider accepts protocol version 1 (bit 0 set, PS3.8 §9.3.2); else reject (PS3.8 Table 9-21).
        if ((rq.protocolVersion & 1) === 0) {
          this.state = 'Sta13';
          this.send({ type: 'A-ASSOCIATE-RJ', result: 1, source: 2, reason: 2 });
          this.startArtim();
          return;
        }
        this.state = 'Sta3';
        this.user.associateIndication(rq);
        return;
      }
      case 'AE-7':
        this.send((payload as { response: AAssociateAc }).response);
        return;
      case 'AE-8':
        this.send((payload as { response: AAssociateRj }).response);
        this.startArtim();
        return;
      case 'DT-1':
      case 'AR-7': {
        const { chunks, written } = payload as { chunks: Uint8Array[]; written?: () => void };
        if (!this.socket.destroyed && this.socket.writable) {
          // The last write's callback: writes complete in order, so the whole PDU is then out.
          const done = written ? (): void => written() : undefined;
          if (chunks.length === 1) this.socket.write(chunks[0]!, done);
          else {
            this.socket.cork();
            for (let i = 0; i < chunks.length; i++)
              this.socket.write(chunks[i]!, i === chunks.length - 1 ? done : undefined);
            this.socket.uncork();
          }
        } else written?.();
        return;
      }
      case 'DT-2':
      case 'AR-6':
        // Streamed: the PDVs follow piece by piece (onData); a whole decoded PDU is handed over at once.
        if (payload && 'pdu' in payload && payload.pdu.type === 'P-DATA-TF')
          this.user.pdata(payload.pdu.pdvs);
        return;
      case 'AR-1':
        this.send({ type: 'A-RELEASE-RQ' });
        return;
      case 'AR-2':
        this.user.releaseIndication();
        return;
      case 'AR-3':
        this.closeTransport();
        this.user.releaseConfirm();
        return;
      case 'AR-4':
        this.send({ type: 'A-RELEASE-RP' });
        this.startArtim();
        return;
      case 'AR-5':
        this.stopArtim();
        if (event === 'Evt18') this.socket.destroy();
        return;
      case 'AR-8':
        this.state = this.requestor ? 'Sta9' : 'Sta10';
        this.user.releaseIndication();
        return;
      case 'AR-9':
        this.send({ type: 'A-RELEASE-RP' });
        return;
      case 'AR-10':
        this.user.releaseConfirm();
        return;
      case 'AA-1': {
        // Service-user source when our user asked (Evt15); otherwise the provider saw an unexpected PDU.
        const abort: AAbort =
          event === 'Evt15'
            ? { type: 'A-ABORT', source: AbortSource.ServiceUser, reason: 0 }
            : {
                type: 'A-ABORT',
                source: AbortSource.ServiceProvider,
                reason:
                  event === 'Evt19'
                    ? ((payload as { abortReason: number }).abortReason ?? 0)
                    : AbortReason.UnexpectedPdu,
              };
        this.send(abort);
        this.startArtim();
        // Half-close after the A-ABORT: a peer that is reading closes at once; ARTIM covers one that is not.
        if (event === 'Evt15' && !this.socket.destroyed) this.socket.end();
        this.reportAbort({
          by: 'local',
          source: abort.source,
          reason: abort.reason,
          message:
            event === 'Evt15'
              ? 'aborted by the local user'
              : `${event} in ${this.state}: ${describePayload(payload)}`,
        });
        return;
      }
      case 'AA-2':
        this.stopArtim();
        this.socket.destroy();
        if (event === 'Evt16') this.reportAbort(peerAbort((payload as { pdu: AAbort }).pdu));
        return;
      case 'AA-3': {
        this.closeTransport();
        this.socket.destroy();
        this.reportAbort(peerAbort((payload as { pdu: AAbort }).pdu));
        return;
      }
      case 'AA-4':
        this.reportAbort(
          this.abortInfo ?? {
            by: 'transport',
            source: AbortSource.ServiceProvider,
            reason: 0,
            message: 'the peer closed the connection',
          },
        );
        return;
      case 'AA-5':
        this.stopArtim();
        return;
      case 'AA-6':
        return;
      case 'AA-7':
        this.send({
          type: 'A-ABORT',
          source: AbortSource.ServiceProvider,
          reason: event === 'Evt19' ? AbortReason.InvalidPduParameterValue : AbortReason.UnexpectedPdu,
        });
        return;
      case 'AA-8': {
        const reason =
          event === 'Evt19'
            ? ((payload as { abortReason: number }).abortReason ?? 0)
            : AbortReason.UnexpectedPdu;
        this.send({ type: 'A-ABORT', source: AbortSource.ServiceProvider, reason });
        this.reportAbort({
          by: 'local',
          source: AbortSource.ServiceProvider,
          reason,
          message: `${event} in ${this.state}: ${describePayload(payload)}`,
        });
        this.startArtim();
        return;
      }
    }
  }

  private abortInfo: AbortInfo | undefined;

  private reportAbort(info: AbortInfo): void {
    if (this.abortSentBy) return;
    this.abortSentBy = info;
    this.log(info.by === 'local' ? 'warn' : 'info', `abort: ${info.message}`, {
      by: info.by,
      source: info.source,
      reason: info.reason,
    });
    this.user.abort(info);
  }
}

function peerAbort(pdu: AAbort): AbortInfo {
  const by = pdu.source === AbortSource.ServiceUser ? 'peer-user' : 'peer-provider';
  return {
    by,
    source: pdu.source,
    reason: pdu.reason,
    message: `A-ABORT from the peer (source ${pdu.source}, reason ${pdu.reason})`,
  };
}

function describePayload(p: Payload): string {
  if (!p) return 'no PDU';
  if ('pdu' in p) return `unexpected ${p.pdu.type}`;
  if ('pdataStart' in p) return 'unexpected P-DATA-TF';
  if ('message' in p) return p.message;
  return '';
}

/** The event a received PDU is (PS3.8 Table 9-8). */
export function eventOfPdu(pdu: Pdu): Event {
  switch (pdu.type) {
    case 'A-ASSOCIATE-AC':
      return 'Evt3';
    case 'A-ASSOCIATE-RJ':
      return 'Evt4';
    case 'A-ASSOCIATE-RQ':
      return 'Evt6';
    case 'P-DATA-TF':
      return 'Evt10';
    case 'A-RELEASE-RQ':
      return 'Evt12';
    case 'A-RELEASE-RP':
      return 'Evt13';
    case 'A-ABORT':
      return 'Evt16';
  }
}
