import { KsType, ParsedKs, parseKs } from '../../../src/modules/kaltura';
import { Params, resolveReferences, splitEnvelope } from './api-params';
import { FakeKalturaStore } from './fake-kaltura.store';
import { FakeApiError, FakeKalturaCall } from './fake-kaltura.types';

const KS_EXEMPT = new Set(['session.start']);

export interface DispatchContext {
  partnerId: number;
  adminSecret: string;
  now: () => number;
  store: () => FakeKalturaStore;
  calls: FakeKalturaCall[];
  /** Consumes the one-shot INVALID_KS switch for a request carrying `ks`. */
  takeInvalidKs: (service: string, action: string, ks: unknown) => boolean;
  /** The API exception code a `refuseAction` switch answers this action with, if any. */
  refusal: (service: string, action: string, params: Params) => string | undefined;
  /** Consumes a `blockActions` switch: true when the rate limiter refuses this action. */
  takeBlocked: (service: string, action: string) => boolean;
}

/** Runs api_v3 requests against the store: KS checks, multirequest references, call recording. */
export class FakeDispatcher {
  constructor(private readonly ctx: DispatchContext) {}

  runOne(service: string, action: string, params: Params): unknown {
    const { envelope, action: actionParams } = splitEnvelope(params);
    const forceInvalid = this.ctx.takeInvalidKs(service, action, envelope.ks);
    return this.execute(service, action, actionParams, envelope.ks, forceInvalid);
  }

  runMulti(params: Params): unknown[] {
    const { envelope, action: subs } = splitEnvelope(params);
    const keys = Object.keys(subs)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b));
    const forceInvalid = keys.length > 0 && this.ctx.takeInvalidKs('multirequest', '', envelope.ks);
    const results: unknown[] = [];
    const failed = new Set<number>();
    keys.forEach((key, index) => {
      const { service, action, ...rest } = subs[key] as Params;
      const { envelope: own, action: raw } = splitEnvelope(rest);
      const resolved = resolveReferences(raw, results, failed) as Params;
      try {
        results.push(
          this.execute(
            String(service),
            String(action),
            resolved,
            own.ks ?? envelope.ks,
            forceInvalid,
            raw,
            index,
          ),
        );
      } catch (error) {
        failed.add(index);
        results.push(error instanceof FakeApiError ? error.toJSON() : error);
      }
    });
    return results;
  }

  /** Verifies the KS, runs the action, records the call; throws FakeApiError. */
  private execute(
    service: string,
    action: string,
    params: Params,
    ks: unknown,
    forceInvalidKs: boolean,
    recordedParams: Params = params,
    multirequestIndex?: number,
  ): unknown {
    const call: FakeKalturaCall = { service, action, params: recordedParams };
    if (multirequestIndex !== undefined) call.multirequestIndex = multirequestIndex;
    this.ctx.calls.push(call);
    try {
      if (!KS_EXEMPT.has(`${service}.${action}`)) call.ks = this.verify(ks, forceInvalidKs, service, action);
      if (this.ctx.takeBlocked(service, action)) throw actionBlocked(service, action);
      const refused = this.ctx.refusal(service, action, params);
      if (refused) throw new FakeApiError(refused, `Refused by the test (${refused})`);
      return this.ctx.store().run(service, action, params);
    } catch (error) {
      if (error instanceof FakeApiError) call.error = error.code;
      throw error;
    }
  }

  private verify(ks: unknown, forceInvalid: boolean, service: string, action: string): ParsedKs {
    if (typeof ks !== 'string' || ks === '')
      throw new FakeApiError('MISSING_KS', 'Missing KS, session not established');
    let parsed: ParsedKs | undefined;
    try {
      if (!forceInvalid)
        parsed = parseKs(ks, this.ctx.adminSecret, {
          partnerId: this.ctx.partnerId,
          now: Math.floor(this.ctx.now() / 1000),
        });
    } catch {
      parsed = undefined;
    }
    // The real message quotes the KS: the service under test must never echo it.
    if (!parsed)
      throw new FakeApiError('INVALID_KS', `Invalid KS "${ks}" Error: -1,INVALID_STR`, { KSID: ks });
    if (parsed.type !== KsType.ADMIN) {
      throw new FakeApiError(
        'SERVICE_FORBIDDEN',
        `The access to service [${service}->${action}] is forbidden`,
      );
    }
    return parsed;
  }
}

/**
 * Kaltura's rate-limiter answer, as kaltura/server's `KalturaErrors::ACTION_BLOCKED` defines it
 * (`ACTION_BLOCKED;ACTION_NAME,SERVICE_NAME;Action "@ACTION_NAME@" in service "@SERVICE_NAME@" is blocked`), sent
 * with HTTP 200 like every API exception. Unconfirmed: whether the live limiter refuses a multirequest per slot (as
 * modelled here: each action is dispatched, and checked, on its own) or as a whole.
 */
export function actionBlocked(service: string, action: string): FakeApiError {
  return new FakeApiError('ACTION_BLOCKED', `Action "${action}" in service "${service}" is blocked`, {
    ACTION_NAME: action,
    SERVICE_NAME: service,
  });
}
