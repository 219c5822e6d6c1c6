/**
 * Where incoming C-STORE data sets go (PS3.4 Annex B): a FileSink per request, behind the File Meta group built
 * from the command and the presentation context (PS3.10 §7.1), writing into a temporary file taken from a reserve
 * created ahead for the association (removed when the association ends).
 */
import type { AcceptedContext } from '../negotiation.js';
import type { Association } from '../association.js';
import type { Command } from '../dimse/command.js';
import { FileSink, part10Header } from './file-sink.js';
import { TempFileReserve, type TempFile } from './temp-files.js';

export class StorageSinks {
  private readonly reserves = new WeakMap<Association, TempFileReserve>();

  /**
   * @param directory where the temporary files are made (and, for net's StorageScp, the stored ones)
   * @param fsync whether each file is fsynced before it counts as received
   * @param ahead how many temporary files each association keeps ready
   */
  constructor(
    readonly directory: string,
    readonly fsync = true,
    readonly ahead?: number,
  ) {}

  sinkFor(command: Command, context: AcceptedContext, association: Association): FileSink {
    const header = part10Header(
      command.AffectedSOPClassUID ?? context.abstractSyntax,
      command.AffectedSOPInstanceUID ?? '',
      context.transferSyntax,
      association.callingAeTitle,
    );
    let temp: TempFile | undefined;
    try {
      temp = this.reserveFor(association).take();
    } catch {
      // Creating the file failed: FileSink tries again and turns the error into Out of Resources.
    }
    return new FileSink(this.directory, header, this.fsync, temp);
  }

  private reserveFor(association: Association): TempFileReserve {
    let r = this.reserves.get(association);
    if (!r) {
      const reserve = new TempFileReserve(this.directory, this.ahead);
      this.reserves.set(association, reserve);
      association.whenEnding(() => reserve.dispose());
      r = reserve;
    }
    return r;
  }
}
