/**
 * An association (PS3.8 §7, PS3.7 §7): the Upper Layer machine on one transport connection, the negotiated
 * presentation contexts, and DIMSE message exchange over P-DATA: messages fragmented to the peer's maximum
 * PDU length, reassembled from PDVs (data sets streamed to a {@link DataSink}), responses routed to their
 * requests by message ID, incoming requests handed to a handler, C-CANCEL delivered as an AbortSignal.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { DicomError, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '@dicomkit/core';
import { UpperLayer, type AbortInfo, type Logger, type UpperLayerUser } from './fsm/upper-layer.js';
import { pdataHeader } from './pdu/encode.js';
import {
  DICOM_APPLICATION_CONTEXT,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type Pdv,
  type PresentationContextRq,
  type RoleSelection,
  type UserInformation,
} from './pdu/types.js';
import {
  acceptedContexts,
  describeReject,
  invokedWindow,
  negotiateAsAcceptor,
  type AcceptedContext,
  type AcceptorPolicy,
} from './negotiation.js';
import {
  CommandField,
  commandName,
  decodeCommand,
  encodeCommand,
  hasDataset,
  isResponse,
  NO_DATASET,
  type Command,
} from './dimse/command.js';
import { MemorySink, type DataSink } from './dimse/sink.js';
import { copyBytes, returnReceiveBuffer, reusableReads } from './transport/receive-buffers.js';
import { statusCategory } from './dimse/status.js';

export const DEFAULT_MAX_PDU = 256 * 1024;

export interface AssociationOptions {
  /** Our Maximum Length (P-DATA-TF PDUs we accept), default 256 KiB. */
  maxPduLength?: number;
  /** ARTIM (ms), default 30 s. */
  artimMs?: number;
  /** How long to wait for each DIMSE response (ms), default 60 s; 0 = forever. */
  dimseTimeoutMs?: number;
  /** Abort when nothing arrives or leaves for this long (ms), default 0 (never; the CLI's SCPs set 120 s). */
  idleTimeoutMs?: number;
  /** Data sets buffered in memory (identifiers, non-streamed objects) are capped at this size, default 16 MiB. */
  maxBufferedDataset?: number;
  log?: Logger;
}

export interface ConnectOptions extends AssociationOptions {
  host: string;
  port: number;
  callingAeTitle: string;
  calledAeTitle: string;
  /** Proposed presentation contexts (IDs assigned 1, 3, 5… when absent). */
  contexts: { abstractSyntax: string; transferSyntaxes: string[]; id?: number }[];
  roleSelections?: RoleSelection[];
  userIdentity?: UserInformation['userIdentityRq'];
  asyncOpsWindow?: { maxInvoked: number; maxPerformed: number };
  /** TCP connect timeout (ms), default 10 s. */
  connectTimeoutMs?: number;
  /** Connect with TLS (node:tls options: ca, cert, key, servername, rejectUnauthorized…). */
  tls?: TlsConnectionOptions;
  signal?: AbortSignal;
}

/** A received DIMSE message. */
export interface DimseMessage {
  context: AcceptedContext;
  command: Command;
  /** The data set's bytes, when buffered in memory. */
  data?: Uint8Array;
  /** The sink that received the data set, when one was chosen. */
  sink?: DataSink;
}

/** What an association does with requests from its peer (SCP side, and C-STORE sub-operations of C-GET). */
export interface RequestHandler {
  /** A request whose data set is to be streamed: return a sink, or undefined to buffer it in memory. */
  sinkFor?(command: Command, context: AcceptedContext, association: Association): DataSink | undefined;
  /** Handles a complete request; sends its response(s) with association.respond(). `signal` fires on C-CANCEL. */
  handle(message: DimseMessage, association: Association, signal: AbortSignal): Promise<void>;
}

export interface ResponseOptions {
  /** Called for each pending response (status 0xFF00/0xFF01), with its identifier when one came. */
  onPending?: (message: DimseMessage) => void;
  signal?: AbortSignal;
  /** Called once the socket no longer needs the request's data set bytes (see {@link Association.send}). */
  written?: () => void;
}

interface Outstanding {
  resolve: (m: DimseMessage) => void;
  reject: (e: Error) => void;
  onPending?: ((m: DimseMessage) => void) | undefined;
  timer?: NodeJS.Timeout | undefined;
}

interface Incoming {
  context: AcceptedContext;
  commandParts: Uint8Array[];
  commandSize: number;
  command?: Command;
  sink?: DataSink;
  memory?: MemorySink;
}

const MAX_COMMAND_SET = 64 * 1024;
/** Corked bytes written out together (one writev) while a streamed data set is being sent. */
const FLUSH_BYTES = 1024 * 1024;
const SINK_HIGH_WATER = 8 * 1024 * 1024;

export class Association {
  readonly ul: UpperLayer;
  contexts: AcceptedContext[] = [];
  /** The peer's Maximum Length: our P-DATA-TF PDUs stay within it (0 = no limit). */
  peerMaxPduLength = 0;
  request: AAssociateRq | undefined;
  accept: AAssociateAc | undefined;
  /** Set by the owner: requests from the peer. */
  handler: RequestHandler | undefined;
  /** Resolves when the transport is closed, with why (undefined after a normal release). */
  readonly closed: Promise<AbortInfo | undefined>;
  private resolveClosed!: (info: AbortInfo | undefined) => void;
  private abortInfo: AbortInfo | undefined;
  private established: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private releasing: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private messageId = 0;
  private readonly outstanding = new Map<number, Outstanding>();
  private readonly running = new Map<number, AbortController>();
  private incoming: Incoming | undefined;
  private sendQueue: Promise<void> = Promise.resolve();
  private paused = false;
  private acceptorPolicy: AcceptorPolicy | undefined;
  private acceptorUserInfo: UserInformation | undefined;
  /** Optional gate run before accepting: return an A-ASSOCIATE-RJ to refuse (association limits). */
  gate: ((rq: AAssociateRq) => AAssociateRj | undefined) | undefined;

  constructor(
    readonly socket: Duplex,
    readonly options: AssociationOptions,
    connect?: () => Promise<void>,
  ) {
    const maxPDataLength = options.maxPduLength ?? DEFAULT_MAX_PDU;
    const user: UpperLayerUser = {
      associateIndication: (rq) => this.associateIndication(rq),
      associateConfirm: (pdu) => this.associateConfirm(pdu),
      pdata: (pdvs) => this.pdata(pdvs),
      releaseIndication: () => this.releaseIndication(),
      releaseConfirm: () => this.releaseConfirm(),
      abort: (info) => this.abortIndication(info),
      closed: () => this.closedIndication(),
    };
    this.ul = new UpperLayer(socket, user, {
      maxPDataLength,
      artimMs: options.artimMs,
      log: options.log,
      connect,
    });
    this.closed = new Promise((r) => (this.resolveClosed = r));
    if (options.idleTimeoutMs && 'setTimeout' in socket) {
      const s = socket as Socket;
      s.setTimeout(options.idleTimeoutMs, () => {
        this.log('warn', 'idle timeout: aborting');
        this.abortInfo ??= {
          by: 'local',
          source: 0,
          reason: 0,
          message: `idle for ${options.idleTimeoutMs} ms`,
        };
        this.abort();
      });
    }
  }

  private log(
    level: 'debug' | 'info' | 'warn' | 'error',
    msg: string,
    fields: Record<string, unknown> = {},
  ): void {
    this.options.log?.({ level, msg, layer: 'association', ...fields });
  }

  get callingAeTitle(): string {
    return this.request?.callingAeTitle ?? '';
  }
  get calledAeTitle(): string {
    return this.request?.calledAeTitle ?? '';
  }
  /** Operations this side may have outstanding at once (the negotiated asynchronous window; 1 by default). */
  get window(): number {
    return this.ul.requestor ? invokedWindow(this.request, this.accept) : 1;
  }

  get isEstablished(): boolean {
    return this.ul.state === 'Sta6';
  }

  // ---- establishment -----------------------------------------------------------------------------------------

  /** Requests an association (requestor side); resolves once accepted, rejects with ASSOCIATION_REJECTED. */
  static async connect(o: ConnectOptions): Promise<Association> {
    if (o.signal?.aborted) throw new DicomError('CANCELLED', 'cancelled before connecting');
    let socket: Socket;
    const open = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.destroy();
          reject(
            new DicomError(
              'TIMEOUT',
              `connect to ${o.host}:${o.port} timed out after ${o.connectTimeoutMs ?? 10_000} ms`,
            ),
          );
        }, o.connectTimeoutMs ?? 10_000);
        const ok = (): void => {
          clearTimeout(timer);
          socket.setNoDelay(true);
          resolve();
        };
        socket.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        socket.once(o.tls ? 'secureConnect' : 'connect', ok);
      });
    const link: { association?: Association } = {};
    if (o.tls) socket = tlsConnect({ host: o.host, port: o.port, ...o.tls });
    else {
      const onread = reusableReads(() => link.association?.receiver);
      socket = netConnect({ host: o.host, port: o.port, noDelay: true, onread });
      socket.once('close', () => returnReceiveBuffer(onread.buffer));
    }
    const assoc = (link.association = new Association(socket, o, open));
    const contexts: PresentationContextRq[] = o.contexts.map((c, i) => ({
      id: c.id ?? 2 * i + 1,
      abstractSyntax: c.abstractSyntax,
      transferSyntaxes: c.transferSyntaxes,
    }));
    if (contexts.length > 128)
      throw new DicomError(
        'ASSOCIATION_REJECTED',
        `${contexts.length} presentation contexts: at most 128 fit in an association (PS3.8 §9.3.2.2)`,
      );
    const rq: AAssociateRq = {
      type: 'A-ASSOCIATE-RQ',
      protocolVersion: 1,
      calledAeTitle: o.calledAeTitle,
      callingAeTitle: o.callingAeTitle,
      applicationContext: DICOM_APPLICATION_CONTEXT,
      presentationContexts: contexts,
      userInformation: {
        maxLength: o.maxPduLength ?? DEFAULT_MAX_PDU,
        implementationClassUid: IMPLEMENTATION_CLASS_UID,
        implementationVersionName: IMPLEMENTATION_VERSION_NAME,
        ...(o.asyncOpsWindow ? { asyncOpsWindow: o.asyncOpsWindow } : {}),
        ...(o.roleSelections?.length ? { roleSelections: o.roleSelections } : {}),
        ...(o.userIdentity ? { userIdentityRq: o.userIdentity } : {}),
      },
    };
    assoc.request = rq;
    const onAbort = (): void => assoc.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    void assoc.closed.then(() => o.signal?.removeEventListener('abort', onAbort));
    await new Promise<void>((resolve, reject) => {
      assoc.established = { resolve, reject };
      assoc.ul.associateRequest(rq);
    });
    return assoc;
  }

  /** Where the transport's bytes go when the socket reads into a reused buffer (see receive-buffers.ts). */
  readonly receiver = (chunk: Uint8Array): void => this.ul.receive(chunk);

  /** Serves an association on an accepted transport connection (acceptor side). */
  static accept(
    socket: Duplex,
    policy: AcceptorPolicy,
    handler: RequestHandler,
    options: AssociationOptions = {},
  ): Association {
    if ('setNoDelay' in socket) (socket as Socket).setNoDelay(true);
    const assoc = new Association(socket, options);
    assoc.acceptorPolicy = policy;
    assoc.handler = handler;
    assoc.acceptorUserInfo = {
      maxLength: options.maxPduLength ?? DEFAULT_MAX_PDU,
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: IMPLEMENTATION_VERSION_NAME,
    };
    assoc.ul.transportIndication();
    return assoc;
  }

  private associateIndication(rq: AAssociateRq): void {
    this.request = rq;
    const gated = this.gate?.(rq);
    if (gated) {
      this.log('info', `association from ${rq.callingAeTitle} refused: ${describeReject(gated)}`);
      this.ul.associateResponse(gated);
      return;
    }
    const result = negotiateAsAcceptor(rq, this.acceptorPolicy!, this.acceptorUserInfo!);
    if (!result.accepted) {
      this.log('info', `association from ${rq.callingAeTitle} rejected: ${result.why}`);
      this.ul.associateResponse(result.rj);
      return;
    }
    this.contexts = result.contexts;
    this.accept = result.ac;
    this.peerMaxPduLength = rq.userInformation.maxLength ?? 0;
    this.log('info', `association from ${rq.callingAeTitle} to ${rq.calledAeTitle} accepted`, {
      contexts: this.contexts.length,
    });
    this.ul.associateResponse(result.ac);
  }

  private associateConfirm(pdu: AAssociateAc | AAssociateRj): void {
    const est = this.established;
    this.established = undefined;
    if (pdu.type === 'A-ASSOCIATE-RJ') {
      est?.reject(new DicomError('ASSOCIATION_REJECTED', `association rejected: ${describeReject(pdu)}`));
      return;
    }
    this.accept = pdu;
    this.contexts = acceptedContexts(this.request!, pdu);
    this.peerMaxPduLength = pdu.userInformation.maxLength ?? 0;
    est?.resolve();
  }

  // ---- release and abort ---------------------------------------------------------------------------------

  /** A-RELEASE (requestor): waits for outstanding sends, then releases; resolves when the peer confirms. */
  async release(): Promise<void> {
    await this.sendQueue.catch(() => undefined);
    await this.ending();
    if (this.ul.state !== 'Sta6') return;
    await new Promise<void>((resolve, reject) => {
      this.releasing = { resolve, reject };
      this.ul.releaseRequest();
    });
  }

  /**
   * Calls `f` once the association is ending: at the peer's A-RELEASE request (before it is answered), at our
   * release() (before the request is sent), or when it is aborted or closed — whichever comes first. For
   * resources kept ready for the association's messages (StorageScp's temporary files).
   */
  whenEnding(f: () => void | Promise<void>): void {
    if (this.endListeners === undefined) void f();
    else this.endListeners.push(f);
  }

  private endListeners: (() => void | Promise<void>)[] | undefined = [];

  /** Runs the ending listeners (once); resolves when the promises they returned have settled. */
  private ending(): Promise<unknown> {
    const fs = this.endListeners;
    this.endListeners = undefined;
    return Promise.allSettled((fs ?? []).map((f) => f()));
  }

  private releaseIndication(): void {
    const ended = this.ending();
    // Answer once the requests being handled have sent their responses (P-DATA is still allowed in Sta8,
    // PS3.8 Table 9-10 AR-7), and every queued message has left.
    const pending = [...this.handling];
    void Promise.allSettled(pending)
      .then(() => ended)
      .then(() => this.sendQueue)
      .then(() => {
        if (this.ul.state === 'Sta8' || this.ul.state === 'Sta9' || this.ul.state === 'Sta12')
          this.ul.releaseResponse();
      });
  }

  /** Requests from the peer whose handlers are still running. */
  private readonly handling = new Set<Promise<void>>();

  private releaseConfirm(): void {
    this.releasing?.resolve();
    this.releasing = undefined;
    // Sta12 (release collision, acceptor side): now give the A-RELEASE response.
    if (this.ul.state === 'Sta12') this.ul.releaseResponse();
  }

  /** A-ABORT: ends the association now; outstanding requests fail with ASSOCIATION_ABORTED. */
  abort(): void {
    this.abortInfo ??= { by: 'local', source: 0, reason: 0, message: 'aborted by the local user' };
    this.ul.abortRequest();
  }

  /** Upper Layer indication of an abort (ours or the peer's). */
  private abortIndication(info: AbortInfo): void {
    this.abortInfo ??= info;
  }

  private closedIndication(): void {
    void this.ending();
    const info = this.abortInfo;
    const err = new DicomError('ASSOCIATION_ABORTED', info ? info.message : 'the association was closed');
    this.established?.reject(err);
    this.established = undefined;
    this.releasing?.reject(err);
    this.releasing = undefined;
    for (const o of this.outstanding.values()) {
      if (o.timer) clearTimeout(o.timer);
      o.reject(err);
    }
    this.outstanding.clear();
    for (const c of this.running.values()) c.abort(err);
    if (this.incoming) {
      void this.incoming.sink?.abort();
      this.incoming = undefined;
    }
    this.resolveClosed(info);
  }

  // ---- receiving ------------------------------------------------------------------------------------------

  private pdata(pdvs: Pdv[]): void {
    for (const pdv of pdvs) {
      try {
        this.onPdv(pdv);
      } catch (e) {
        this.log('warn', `protocol error: ${(e as Error).message}`);
        this.abortInfo ??= { by: 'local', source: 2, reason: 0, message: (e as Error).message };
        if (this.incoming) void this.incoming.sink?.abort();
        this.incoming = undefined;
        this.ul.abortRequest();
        return;
      }
    }
  }

  private onPdv(pdv: Pdv): void {
    const context = this.contexts.find((c) => c.id === pdv.presentationContextId);
    if (!context)
      throw new DicomError(
        'DIMSE_ERROR',
        `PDV on presentation context ${pdv.presentationContextId}, which was not accepted`,
      );
    let m = this.incoming;
    if (pdv.command) {
      if (m?.command)
        throw new DicomError(
          'DIMSE_ERROR',
          'a command fragment arrived while the previous message awaited its data set',
        );
      if (!m) m = this.incoming = { context, commandParts: [], commandSize: 0 };
      if (m.context.id !== context.id)
        throw new DicomError('DIMSE_ERROR', 'command fragments on two presentation contexts');
      m.commandSize += pdv.data.length;
      if (m.commandSize > MAX_COMMAND_SET)
        throw new DicomError('DIMSE_ERROR', `command set longer than ${MAX_COMMAND_SET} bytes`);
      m.commandParts.push(copyBytes(pdv.data));
      if (!pdv.last) return;
      const bytes = m.commandParts.length === 1 ? m.commandParts[0]! : concat(m.commandParts, m.commandSize);
      m.command = decodeCommand(bytes);
      if (!hasDataset(m.command)) {
        this.incoming = undefined;
        this.dispatch({ context, command: m.command });
        return;
      }
      if (!isResponse(m.command) && this.handler?.sinkFor)
        m.sink = this.handler.sinkFor(m.command, context, this);
      if (!m.sink) m.memory = new MemorySink(this.options.maxBufferedDataset ?? 16 * 1024 * 1024);
      return;
    }
    if (!m?.command) throw new DicomError('DIMSE_ERROR', 'a data set fragment arrived before its command');
    if (m.context.id !== context.id)
      throw new DicomError(
        'DIMSE_ERROR',
        `data set on presentation context ${context.id}, command on ${m.context.id}`,
      );
    if (m.sink) {
      m.sink.write(pdv.data);
      if (m.sink.backlog > SINK_HIGH_WATER && !this.paused) {
        this.paused = true;
        this.socket.pause();
        void m.sink.drained().then(() => {
          this.paused = false;
          this.socket.resume();
        });
      }
    } else m.memory!.write(copyBytes(pdv.data));
    if (!pdv.last) return;
    this.incoming = undefined;
    if (m.sink) this.dispatch({ context, command: m.command, sink: m.sink });
    else this.dispatch({ context, command: m.command, data: m.memory!.bytes() });
  }

  private dispatch(msg: DimseMessage): void {
    const cmd = msg.command;
    this.log('debug', `received ${commandName(cmd)}`, {
      messageId: cmd.MessageID ?? cmd.MessageIDBeingRespondedTo,
      status: cmd.Status,
    });
    if (isResponse(cmd)) {
      const id = cmd.MessageIDBeingRespondedTo ?? -1;
      const o = this.outstanding.get(id);
      if (!o) {
        this.log('warn', `response to unknown message ID ${id}: ignored`);
        return;
      }
      const category = statusCategory(cmd.Status ?? 0);
      if (category === 'pending') {
        this.armTimer(id, o);
        o.onPending?.(msg);
        return;
      }
      if (o.timer) clearTimeout(o.timer);
      this.outstanding.delete(id);
      o.resolve(msg);
      return;
    }
    if (cmd.CommandField === CommandField.CCancelRq) {
      this.running
        .get(cmd.MessageIDBeingRespondedTo ?? -1)
        ?.abort(new DicomError('CANCELLED', 'C-CANCEL received'));
      return;
    }
    const handler = this.handler;
    const id = cmd.MessageID ?? 0;
    const ctl = new AbortController();
    this.running.set(id, ctl);
    const fail = async (e: unknown): Promise<void> => {
      this.log('warn', `handler for ${commandName(cmd)} failed: ${(e as Error).message}`);
      if (msg.sink) await msg.sink.abort().catch(() => undefined);
      if (this.isEstablished) {
        await this.respond(msg, {
          Status: handler ? 0x0110 : 0x0211,
          ErrorComment: String((e as Error).message).slice(0, 64),
        }).catch(() => undefined);
      }
    };
    const run = handler
      ? handler.handle(msg, this, ctl.signal)
      : Promise.reject(new DicomError('DIMSE_ERROR', `no handler for ${commandName(cmd)}`));
    const p: Promise<void> = run.catch(fail).finally(() => {
      this.running.delete(id);
      this.handling.delete(p);
    });
    this.handling.add(p);
  }

  // ---- sending --------------------------------------------------------------------------------------------

  nextMessageId(): number {
    this.messageId = (this.messageId % 0xffff) + 1;
    return this.messageId;
  }

  /** The accepted context for an abstract syntax (and transfer syntax, when given). */
  findContext(abstractSyntax: string, transferSyntax?: string): AcceptedContext | undefined {
    return this.contexts.find(
      (c) =>
        c.abstractSyntax === abstractSyntax &&
        (transferSyntax === undefined || c.transferSyntax === transferSyntax),
    );
  }

  /**
   * Sends one DIMSE message: the command, then the data set (bytes, chunks, or an async stream of chunks),
   * fragmented into P-DATA-TF PDUs within the peer's maximum length. Messages are sent one after another; when
   * none is being sent, this one starts at once (its bytes are on the socket when send() returns, for a data set
   * given as bytes). `written` is called once the socket no longer needs the data set's bytes (written out, or
   * the association ended), so that a caller may reuse their buffer.
   */
  send(
    contextId: number,
    command: Command,
    data?: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    written?: () => void,
  ): Promise<void> {
    const run = (): Promise<void> => this.sendNow(contextId, command, data, written);
    const next = this.sending === 0 ? run() : this.sendQueue.then(run);
    this.sending++;
    const done = (): void => {
      this.sending--;
    };
    this.sendQueue = next.then(done, done);
    return next;
  }

  /** Messages queued or being sent. */
  private sending = 0;

  private async sendNow(
    contextId: number,
    command: Command,
    data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | undefined,
    written?: () => void,
  ): Promise<void> {
    const hand: Handover = { written, handed: false };
    try {
      if (!this.isEstablished && this.ul.state !== 'Sta8')
        throw new DicomError(
          'ASSOCIATION_ABORTED',
          this.abortInfo?.message ?? 'the association is not established',
        );
      const max = this.peerMaxPduLength > 0 ? Math.min(this.peerMaxPduLength, 4 * 1024 * 1024) : 1024 * 1024;
      const room = max - 6; // PDV item length (4) + presentation context ID (1) + message control header (1)
      if (room < 1)
        throw new DicomError(
          'PDU_INVALID',
          `the peer's maximum PDU length ${this.peerMaxPduLength} leaves no room for data`,
        );
      this.log('debug', `sending ${commandName(command)}`, {
        messageId: command.MessageID ?? command.MessageIDBeingRespondedTo,
      });
      const commandSet = encodeCommand(command);
      // Corked: the PDUs of a message leave in one writev (more only when the socket's buffer fills up).
      this.socket.cork();
      try {
        if (commandSet.length <= room && (data === undefined || data instanceof Uint8Array))
          await this.sendWhole(contextId, commandSet, data, room, hand);
        else {
          this.corkedBytes = 0;
          await this.fragments(contextId, true, [commandSet], room);
          if (data !== undefined)
            await this.fragments(contextId, false, data instanceof Uint8Array ? [data] : data, room, hand);
        }
      } finally {
        this.socket.uncork();
      }
    } finally {
      // Not handed to a write (no data, an error, the association gone): the socket never needed the bytes.
      if (hand.written && !hand.handed) hand.written();
    }
  }

  /**
   * The common case: a command set that fits one PDU and a data set given as bytes. The command goes out as
   * one buffer (PDU header included), each data PDU as its 12-byte header and a view of the data: no copy.
   */
  private async sendWhole(
    contextId: number,
    commandSet: Uint8Array,
    data: Uint8Array | undefined,
    room: number,
    hand: Handover,
  ): Promise<void> {
    const first = new Uint8Array(12 + commandSet.length);
    first.set(pdataHeader(contextId, true, true, commandSet.length));
    first.set(commandSet, 12);
    let space = this.ul.pdataRequest([first], data === undefined ? handOver(hand) : undefined);
    if (data === undefined) return;
    let o = 0;
    do {
      if (!space) {
        this.socket.uncork();
        await this.ul.drained();
        this.socket.cork();
      }
      this.checkSending();
      const n = Math.min(room, data.length - o);
      const last = o + n === data.length;
      space = this.ul.pdataRequest(
        [pdataHeader(contextId, false, last, n), data.subarray(o, o + n)],
        last ? handOver(hand) : undefined,
      );
      o += n;
    } while (o < data.length);
  }

  private checkSending(): void {
    if (this.ul.state !== 'Sta6' && this.ul.state !== 'Sta8')
      throw new DicomError(
        'ASSOCIATION_ABORTED',
        this.abortInfo?.message ?? 'the association ended while sending',
      );
  }

  private corkedBytes = 0;

  private async fragments(
    contextId: number,
    isCommand: boolean,
    source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    room: number,
    hand?: Handover,
  ): Promise<void> {
    let held: Uint8Array[] = [];
    let heldSize = 0;
    const emit = async (size: number, last: boolean): Promise<void> => {
      // Take `size` bytes from the front of `held` as views, write header + views (no copy).
      const out: Uint8Array[] = [pdataHeader(contextId, isCommand, last, size)];
      let need = size;
      while (need > 0) {
        const h = held[0]!;
        if (h.length <= need) {
          out.push(h);
          need -= h.length;
          held.shift();
        } else {
          out.push(h.subarray(0, need));
          held[0] = h.subarray(need);
          need = 0;
        }
      }
      heldSize -= size;
      this.checkSending();
      const room = this.ul.pdataRequest(out, last && hand ? handOver(hand) : undefined);
      this.corkedBytes += size + 12;
      if (this.corkedBytes >= FLUSH_BYTES || !room) {
        this.socket.uncork();
        this.corkedBytes = 0;
        if (!room) await this.ul.drained();
        this.socket.cork();
      }
    };
    for await (const chunk of source) {
      if (chunk.length === 0) continue;
      held.push(chunk);
      heldSize += chunk.length;
      while (heldSize > room) await emit(room, false);
    }
    await emit(heldSize, true);
    held = [];
  }

  /** Sends a request and resolves with its final response (pending responses go to onPending). */
  async requestResponse(
    contextId: number,
    command: Command,
    data?: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    opts: ResponseOptions = {},
  ): Promise<DimseMessage> {
    const id = command.MessageID ?? this.nextMessageId();
    command.MessageID = id;
    const result = new Promise<DimseMessage>((resolve, reject) => {
      const o: Outstanding = { resolve, reject, onPending: opts.onPending };
      this.outstanding.set(id, o);
    });
    // The association may end (rejecting `result`) while the request is still being sent: it is awaited below,
    // but only after the send, so mark it handled now rather than leave an unhandled rejection.
    result.catch(() => undefined);
    let onAbort: (() => void) | undefined;
    if (opts.signal) {
      onAbort = (): void => {
        if (this.outstanding.has(id) && this.isEstablished)
          void this.send(contextId, {
            CommandField: CommandField.CCancelRq,
            MessageIDBeingRespondedTo: id,
            CommandDataSetType: NO_DATASET,
          }).catch(() => undefined);
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
    }
    try {
      await this.send(contextId, command, data, opts.written);
      const o = this.outstanding.get(id);
      if (o) this.armTimer(id, o);
      return await result;
    } catch (e) {
      this.outstanding.delete(id);
      throw e;
    } finally {
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  private armTimer(id: number, o: Outstanding): void {
    const ms = this.options.dimseTimeoutMs ?? 60_000;
    if (!ms) return;
    if (o.timer) clearTimeout(o.timer);
    o.timer = setTimeout(() => {
      this.outstanding.delete(id);
      o.reject(new DicomError('TIMEOUT', `no DIMSE response to message ${id} within ${ms} ms`));
      this.abortInfo ??= { by: 'local', source: 0, reason: 0, message: 'DIMSE timeout' };
      this.abort();
    }, ms);
    o.timer.unref();
  }

  /** Sends a response to a request: copies the message ID and SOP class/instance, adds Command Field | 0x8000. */
  respond(
    to: DimseMessage,
    fields: Partial<Command> & { Status: number },
    data?: Uint8Array | Iterable<Uint8Array>,
  ): Promise<void> {
    const rq = to.command;
    const cmd: Command = {
      CommandField: rq.CommandField | 0x8000,
      MessageIDBeingRespondedTo: rq.MessageID ?? 0,
      CommandDataSetType: data === undefined ? NO_DATASET : 0x0000,
      ...(rq.AffectedSOPClassUID || rq.RequestedSOPClassUID
        ? { AffectedSOPClassUID: rq.AffectedSOPClassUID ?? rq.RequestedSOPClassUID }
        : {}),
      ...(rq.AffectedSOPInstanceUID || rq.RequestedSOPInstanceUID
        ? { AffectedSOPInstanceUID: rq.AffectedSOPInstanceUID ?? rq.RequestedSOPInstanceUID }
        : {}),
      ...fields,
    };
    if (
      rq.CommandField === CommandField.CFindRq ||
      rq.CommandField === CommandField.CMoveRq ||
      rq.CommandField === CommandField.CGetRq
    )
      delete cmd.AffectedSOPInstanceUID;
    return this.send(to.context.id, cmd, data);
  }
}

/** The `written` callback of a message being sent, and whether a socket write has taken it over. */
interface Handover {
  written: (() => void) | undefined;
  handed: boolean;
}

function handOver(h: Handover): (() => void) | undefined {
  h.handed = true;
  return h.written;
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
