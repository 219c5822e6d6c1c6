/**
 * Association negotiation as pure functions (PS3.8 §7.1, PS3.7 Annex D): the acceptor's answer to an
 * A-ASSOCIATE-RQ under a policy, and the requestor's reading of the A-ASSOCIATE-AC.
 */
import {
  DICOM_APPLICATION_CONTEXT,
  PcResult,
  RjReason,
  RjResult,
  RjSource,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type PresentationContextAc,
  type RoleSelection,
  type UserInformation,
} from './pdu/types.js';

/** A presentation context both sides agreed on. */
export interface AcceptedContext {
  id: number;
  abstractSyntax: string;
  transferSyntax: string;
  /** The requestor may act as SCU / SCP for this SOP class (PS3.7 §D.3.3.4; default SCU only). */
  requestorScu: boolean;
  requestorScp: boolean;
}

/** What an acceptor takes. */
export interface AcceptorPolicy {
  /** Our AE title(s): a request naming another called AE is rejected (reason 7). Empty or absent: any. */
  aeTitles?: string[];
  /** Calling AE titles we accept (reason 3 otherwise). Absent: any. */
  callingAeTitles?: string[];
  /**
   * Transfer syntaxes accepted for an abstract syntax, in our preference order; undefined = abstract syntax not
   * supported. '*' in the list accepts any transfer syntax the requestor proposes.
   */
  transferSyntaxesFor(abstractSyntax: string): readonly string[] | undefined;
  /** Whose preference order picks the transfer syntax: ours (default) or the requestor's. */
  preference?: 'acceptor' | 'requestor';
  /** Answers to role selection proposals (default: grant what is asked). */
  roles?(sopClassUid: string, proposed: { scu: boolean; scp: boolean }): { scu: boolean; scp: boolean };
  /** Reject with "temporary congestion" / "local limit exceeded" (checked by the shell). */
  maxPresentationContexts?: number;
  /**
   * Asynchronous operations (PS3.7 §D.3.3.3): the most operations we let the requestor have outstanding, and
   * the most we perform at once as its SCU (default 16 and 1). Only answered when the requestor proposes it.
   */
  asyncOpsWindow?: { maxInvoked: number; maxPerformed: number };
}

export type NegotiationResult =
  | { accepted: true; ac: AAssociateAc; contexts: AcceptedContext[] }
  | { accepted: false; rj: AAssociateRj; why: string };

function reject(result: number, source: number, reason: number, why: string): NegotiationResult {
  return { accepted: false, rj: { type: 'A-ASSOCIATE-RJ', result, source, reason }, why };
}

/** The acceptor's answer to an A-ASSOCIATE-RQ (pure). `userInformation` is ours (max length, implementation). */
export function negotiateAsAcceptor(
  rq: AAssociateRq,
  policy: AcceptorPolicy,
  userInformation: UserInformation,
): NegotiationResult {
  if (rq.applicationContext !== DICOM_APPLICATION_CONTEXT)
    return reject(
      RjResult.Permanent,
      RjSource.ServiceUser,
      RjReason.ApplicationContextNotSupported,
      `application context ${rq.applicationContext} is not supported`,
    );
  if (policy.aeTitles && policy.aeTitles.length > 0 && !policy.aeTitles.includes(rq.calledAeTitle))
    return reject(
      RjResult.Permanent,
      RjSource.ServiceUser,
      RjReason.CalledAeNotRecognized,
      `called AE title "${rq.calledAeTitle}" is not ours`,
    );
  if (policy.callingAeTitles && !policy.callingAeTitles.includes(rq.callingAeTitle))
    return reject(
      RjResult.Permanent,
      RjSource.ServiceUser,
      RjReason.CallingAeNotRecognized,
      `calling AE title "${rq.callingAeTitle}" is not known`,
    );
  const max = policy.maxPresentationContexts ?? 128;
  if (rq.presentationContexts.length > max)
    return reject(
      RjResult.Transient,
      RjSource.ServiceProviderPresentation,
      RjReason.LocalLimitExceeded,
      `${rq.presentationContexts.length} presentation contexts (at most ${max})`,
    );
  const seen = new Set<number>();
  for (const pc of rq.presentationContexts) {
    if (seen.has(pc.id))
      return reject(
        RjResult.Permanent,
        RjSource.ServiceUser,
        RjReason.NoReasonGiven,
        `presentation context ID ${pc.id} is proposed twice`,
      );
    seen.add(pc.id);
  }
  const roleAsked = new Map<string, RoleSelection>();
  for (const r of rq.userInformation.roleSelections ?? []) roleAsked.set(r.sopClassUid, r);

  const answers: PresentationContextAc[] = [];
  const contexts: AcceptedContext[] = [];
  for (const pc of rq.presentationContexts) {
    // PS3.8 §9.3.2.2: presentation context IDs are odd integers 1–255.
    if (pc.id % 2 === 0 || pc.id < 1 || pc.id > 255) {
      answers.push({ id: pc.id, result: PcResult.NoReason, transferSyntax: '' });
      continue;
    }
    const ours = policy.transferSyntaxesFor(pc.abstractSyntax);
    if (!ours) {
      answers.push({ id: pc.id, result: PcResult.AbstractSyntaxNotSupported, transferSyntax: '' });
      continue;
    }
    let chosen: string | undefined;
    if (ours.includes('*')) chosen = pc.transferSyntaxes[0];
    else if (policy.preference === 'requestor') chosen = pc.transferSyntaxes.find((t) => ours.includes(t));
    else chosen = ours.find((t) => pc.transferSyntaxes.includes(t));
    if (!chosen) {
      answers.push({ id: pc.id, result: PcResult.TransferSyntaxesNotSupported, transferSyntax: '' });
      continue;
    }
    answers.push({ id: pc.id, result: PcResult.Acceptance, transferSyntax: chosen });
    const asked = roleAsked.get(pc.abstractSyntax);
    let scu = true;
    let scp = false;
    if (asked) {
      const granted = policy.roles
        ? policy.roles(pc.abstractSyntax, { scu: asked.scuRole, scp: asked.scpRole })
        : { scu: asked.scuRole, scp: asked.scpRole };
      scu = asked.scuRole && granted.scu;
      scp = asked.scpRole && granted.scp;
    }
    contexts.push({
      id: pc.id,
      abstractSyntax: pc.abstractSyntax,
      transferSyntax: chosen,
      requestorScu: scu,
      requestorScp: scp,
    });
  }
  // Answer every role selection proposal for a SOP class we accepted (PS3.7 §D.3.3.4).
  const roleSelections: RoleSelection[] = [];
  for (const [uid, asked] of roleAsked) {
    const c = contexts.find((x) => x.abstractSyntax === uid);
    if (c) roleSelections.push({ sopClassUid: uid, scuRole: c.requestorScu, scpRole: c.requestorScp });
    else if (asked) continue;
  }
  const ac: AAssociateAc = {
    type: 'A-ASSOCIATE-AC',
    protocolVersion: 1,
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: answers,
    userInformation: {
      ...userInformation,
      ...(roleSelections.length ? { roleSelections } : {}),
      ...asyncAnswer(rq, policy),
    },
  };
  return { accepted: true, ac, contexts };
}

/** Our answer to an Asynchronous Operations Window proposal: each value negotiated down (0 means unlimited). */
function asyncAnswer(rq: AAssociateRq, policy: AcceptorPolicy): Pick<UserInformation, 'asyncOpsWindow'> {
  const asked = rq.userInformation.asyncOpsWindow;
  if (!asked) return {};
  const ours = policy.asyncOpsWindow ?? { maxInvoked: 16, maxPerformed: 1 };
  const down = (a: number, b: number): number => (a === 0 ? b : b === 0 ? a : Math.min(a, b));
  return {
    asyncOpsWindow: {
      maxInvoked: down(asked.maxInvoked, ours.maxInvoked),
      maxPerformed: down(asked.maxPerformed, ours.maxPerformed),
    },
  };
}

/**
 * How many operations the requestor may have outstanding (PS3.7 §D.3.3.3.1): 1 unless both sides negotiated an
 * Asynchronous Operations Window; 0 in the answer means unlimited (capped here at 64).
 */
export function invokedWindow(rq: AAssociateRq | undefined, ac: AAssociateAc | undefined): number {
  const asked = rq?.userInformation.asyncOpsWindow;
  const answer = ac?.userInformation.asyncOpsWindow;
  if (!asked || !answer) return 1;
  const n = answer.maxInvoked === 0 ? 64 : answer.maxInvoked;
  return Math.max(1, Math.min(n, asked.maxInvoked === 0 ? 64 : asked.maxInvoked));
}

/** The requestor's view of what was accepted (pure): each accepted context with its transfer syntax and roles. */
export function acceptedContexts(rq: AAssociateRq, ac: AAssociateAc): AcceptedContext[] {
  const roles = new Map((ac.userInformation.roleSelections ?? []).map((r) => [r.sopClassUid, r]));
  const asked = new Map((rq.userInformation.roleSelections ?? []).map((r) => [r.sopClassUid, r]));
  const out: AcceptedContext[] = [];
  for (const answer of ac.presentationContexts) {
    if (answer.result !== PcResult.Acceptance) continue;
    const proposed = rq.presentationContexts.find((p) => p.id === answer.id);
    // An answer for a context we never proposed, or with a transfer syntax we did not offer, is not usable.
    if (!proposed || !proposed.transferSyntaxes.includes(answer.transferSyntax)) continue;
    const r = roles.get(proposed.abstractSyntax);
    const a = asked.get(proposed.abstractSyntax);
    // PS3.7 §D.3.3.4: without a role selection answer the default roles apply (requestor SCU, acceptor SCP).
    const scu = r && a ? a.scuRole && r.scuRole : true;
    const scp = r && a ? a.scpRole && r.scpRole : false;
    out.push({
      id: answer.id,
      abstractSyntax: proposed.abstractSyntax,
      transferSyntax: answer.transferSyntax,
      requestorScu: scu,
      requestorScp: scp,
    });
  }
  return out;
}

/** Describes an A-ASSOCIATE-RJ in words (PS3.8 Table 9-21). */
export function describeReject(rj: AAssociateRj): string {
  const result =
    rj.result === 1 ? 'rejected-permanent' : rj.result === 2 ? 'rejected-transient' : `result ${rj.result}`;
  const reasons: Record<number, Record<number, string>> = {
    1: {
      1: 'no-reason-given',
      2: 'application-context-name-not-supported',
      3: 'calling-AE-title-not-recognized',
      7: 'called-AE-title-not-recognized',
    },
    2: { 1: 'no-reason-given', 2: 'protocol-version-not-supported' },
    3: { 1: 'temporary-congestion', 2: 'local-limit-exceeded' },
  };
  const sources: Record<number, string> = {
    1: 'service-user',
    2: 'service-provider (ACSE)',
    3: 'service-provider (presentation)',
  };
  return `${result}, ${sources[rj.source] ?? `source ${rj.source}`}: ${reasons[rj.source]?.[rj.reason] ?? `reason ${rj.reason}`}`;
}
