/**
 * Service classes on the SCP side as a registry keyed by Command Field (dcm4che's DicomServiceRegistry idea):
 * each entry handles the requests of one DIMSE service and sends its responses.
 */
import type { Association, DimseMessage, RequestHandler } from '../association.js';
import type { AcceptedContext } from '../negotiation.js';
import { CommandField, type Command } from '../dimse/command.js';
import { Status } from '../dimse/status.js';
import type { DataSink } from '../dimse/sink.js';

export interface ServiceProvider {
  /** Command fields this provider handles (C-ECHO-RQ, C-STORE-RQ, …). */
  readonly commands: readonly number[];
  sinkFor?(command: Command, context: AcceptedContext, association: Association): DataSink | undefined;
  handle(message: DimseMessage, association: Association, signal: AbortSignal): Promise<void>;
}

export class ServiceRegistry implements RequestHandler {
  private readonly byCommand = new Map<number, ServiceProvider>();

  constructor(providers: ServiceProvider[] = []) {
    for (const p of providers) this.add(p);
  }

  add(p: ServiceProvider): this {
    for (const c of p.commands) this.byCommand.set(c, p);
    return this;
  }

  sinkFor(command: Command, context: AcceptedContext, association: Association): DataSink | undefined {
    return this.byCommand.get(command.CommandField)?.sinkFor?.(command, context, association);
  }

  async handle(message: DimseMessage, association: Association, signal: AbortSignal): Promise<void> {
    const p = this.byCommand.get(message.command.CommandField);
    if (!p) {
      await message.sink?.abort();
      // PS3.7 §C.5.x: an operation this SCP does not support.
      await association.respond(message, { Status: Status.UnrecognizedOperation });
      return;
    }
    await p.handle(message, association, signal);
  }
}

/** The Verification SCP (PS3.4 Annex A): answers C-ECHO with Success. */
export const verificationScp: ServiceProvider = {
  commands: [CommandField.CEchoRq],
  async handle(message, association) {
    await association.respond(message, { Status: Status.Success });
  },
};
