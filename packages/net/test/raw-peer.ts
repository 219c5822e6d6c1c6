/**
 * A scripted raw-socket peer for state-machine tests (pynetdicom's parrot idea): it writes exact bytes and
 * reads back whole PDUs, so each test drives one cell of PS3.8 Table 9-10 against the real socket shell.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { PduFramer, decodePdu, encodePdu, type Pdu, type AAssociateRq } from '../src/index.js';

export class RawPeer {
  private framer = new PduFramer({ maxPDataLength: 0 });
  private queue: (Pdu | 'closed')[] = [];
  private waiters: ((p: Pdu | 'closed') => void)[] = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      for (const raw of this.framer.push(d)) this.deliver(decodePdu(raw.bytes));
    });
    socket.on('close', () => {
      this.closed = true;
      this.deliver('closed');
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  private deliver(p: Pdu | 'closed'): void {
    const w = this.waiters.shift();
    if (w) w(p);
    else this.queue.push(p);
  }

  /** The next PDU received, or 'closed' when the peer closed the connection (fails after `ms`). */
  next(ms = 3000): Promise<Pdu | 'closed'> {
    const q = this.queue.shift();
    if (q) return Promise.resolve(q);
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no PDU within ${ms} ms`)), ms);
      this.waiters.push((p) => {
        clearTimeout(t);
        resolve(p);
      });
    });
  }

  send(b: Uint8Array | Pdu): void {
    this.socket.write(b instanceof Uint8Array ? b : encodePdu(b));
  }

  end(): void {
    this.socket.destroy();
  }
}

/** A raw server: each accepted connection becomes a RawPeer handed to `onPeer`. */
export async function rawServer(onPeer: (p: RawPeer) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => onPeer(new RawPeer(s)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

export function rq(over: Partial<AAssociateRq> = {}): AAssociateRq {
  return {
    type: 'A-ASSOCIATE-RQ',
    protocolVersion: 1,
    calledAeTitle: 'SCP',
    callingAeTitle: 'RAW',
    applicationContext: '1.2.840.10008.3.1.1.1',
    presentationContexts: [
      { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
    ],
    userInformation: { maxLength: 16384, implementationClassUid: '1.2.3' },
    ...over,
  };
}
