/**
 * The application entity's listening side: a TCP (or TLS) server that accepts associations under a policy,
 * serves each with a request handler, limits how many run at once, and closes cleanly.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { Association, type AssociationOptions, type RequestHandler } from './association.js';
import type { AcceptorPolicy } from './negotiation.js';
import { RjReason, RjResult, RjSource } from './pdu/types.js';
import { adoptAccepted, returnReceiveBuffer, reusableReads } from './transport/receive-buffers.js';

export interface ServerOptions extends AssociationOptions {
  policy: AcceptorPolicy;
  handler: RequestHandler;
  /** Associations served at once; more are rejected (transient, local limit exceeded). Default 32. */
  maxAssociations?: number;
  /** Serve TLS (node:tls options: key, cert, ca, requestCert…). */
  tls?: TlsOptions;
  /** Called for each association once it exists (for logging, tracking). */
  onAssociation?: (a: Association) => void;
}

export class DicomServer {
  private server: Server | undefined;
  readonly associations = new Set<Association>();
  private readonly sockets = new Set<Socket>();

  constructor(readonly options: ServerOptions) {}

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    const onSocket = (socket: Socket): void => this.serve(socket);
    // Plain TCP: accepted paused, so that serve() can give the socket a reused receive buffer first.
    this.server = this.options.tls
      ? createTlsServer(this.options.tls, onSocket)
      : createServer({ noDelay: true, pauseOnConnect: true }, onSocket);
    if (this.options.tls)
      this.server.on('tlsClientError', (e) =>
        this.options.log?.({ level: 'warn', msg: `TLS handshake failed: ${e.message}`, layer: 'ae' }),
      );
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
  }

  private serve(accepted: Socket): void {
    const link: { association?: Association } = {};
    let socket = accepted;
    if (!this.options.tls) {
      const onread = reusableReads(() => link.association?.receiver);
      const adopted = adoptAccepted(accepted, onread);
      if (adopted) socket = adopted;
      else {
        returnReceiveBuffer(onread.buffer);
        accepted.resume();
      }
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const a = Association.accept(socket, this.options.policy, this.options.handler, this.options);
    link.association = a;
    const max = this.options.maxAssociations ?? 32;
    // Count the others that got as far as an association; this one is in the set already.
    a.gate = () => {
      let others = 0;
      for (const x of this.associations) if (x !== a && x.request) others++;
      return others >= max
        ? {
            type: 'A-ASSOCIATE-RJ',
            result: RjResult.Transient,
            source: RjSource.ServiceProviderPresentation,
            reason: RjReason.LocalLimitExceeded,
          }
        : undefined;
    };
    this.associations.add(a);
    void a.closed.then(() => this.associations.delete(a));
    this.options.onAssociation?.(a);
  }

  /** Stops accepting; aborts associations still open after `graceMs` (default 0: at once). */
  async close(graceMs = 0): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((r) => server.close(() => r()));
    if (graceMs > 0)
      await Promise.race([
        Promise.all([...this.associations].map((a) => a.closed)),
        new Promise((r) => setTimeout(r, graceMs)),
      ]);
    for (const a of this.associations) a.abort();
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
