import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { REDACTED, Redactor } from './redaction';

describe('Redactor', () => {
  const r = new Redactor(['admin-secret-123', 'bot.token.value', undefined, 'abc']);

  it('scrubs configured secret values wherever they appear', () => {
    expect(r.redactString('failed with admin-secret-123 in body')).toBe(`failed with ${REDACTED} in body`);
    expect(r.redact({ nested: { deep: ['x bot.token.value y'] } })).toEqual({
      nested: { deep: [`x ${REDACTED} y`] },
    });
  });

  it('ignores very short values so common words survive', () => {
    expect(r.redactString('abc def')).toBe('abc def');
  });

  it('scrubs KS strings, ks= query values, bearer/bot tokens and JWTs', () => {
    const ks =
      'djJ8MXzQNWptOukzudH7EmSieVHQL4eq82m0Tuz0xLBGIYp-HSaObwApXpT98I6f_JQbkT70m6b4yWGRRT36ktNe5Z2dk3dpta0dcNze';
    const out = r.redactString(
      `url /launch?a=1&ks=abc%2Fdef&b=2 raw ${ks} Authorization: Bearer abcdefghijkl Bot MTIzNDU2Nzg5.abc jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl`,
    );
    expect(out).not.toContain('abc%2Fdef');
    expect(out).not.toContain(ks);
    expect(out).not.toContain('abcdefghijkl');
    expect(out).not.toContain('MTIzNDU2Nzg5');
    expect(out).not.toContain('c2lnbmF0dXJl');
    expect(out).toContain('&b=2');
    const own = r.redactString(`key kd_live_${'A'.repeat(43)} refresh kd_rt_${'b'.repeat(43)}`);
    expect(own).toBe(`key ${REDACTED} refresh ${REDACTED}`);
  });

  it('masks fields whose names say they are secret', () => {
    expect(
      r.redact({ password: 'p', apiKey: 'k', token: 't', headers: { authorization: 'x', accept: 'json' } }),
    ).toEqual({
      password: REDACTED,
      apiKey: REDACTED,
      token: REDACTED,
      headers: { authorization: REDACTED, accept: 'json' },
    });
  });

  it('returns a clean record as it is (no copy), and still catches secrets the JSON text hides', () => {
    const clean = { req: { method: 'GET', url: '/health/live' }, res: { statusCode: 200 } };
    expect(r.redact(clean)).toBe(clean);
    const quoted = new Redactor(['se"cr\\et-value']);
    expect(JSON.stringify(quoted.redact({ note: 'has se"cr\\et-value inside' }))).not.toContain('cr\\\\et');
    const inError = r.redact({ err: new Error('boom admin-secret-123') });
    expect(JSON.stringify(inError)).not.toContain('admin-secret-123');
  });

  it('scrubs error messages and stacks, and survives cycles', () => {
    const e = new Error('boom admin-secret-123');
    const cyclic: Record<string, unknown> = { e };
    cyclic.self = cyclic;
    const out = JSON.stringify(r.redact(cyclic));
    expect(out).not.toContain('admin-secret-123');
    expect(out).toContain('[Circular]');
  });

  it('leaves raw HTTP request and response objects under req/res to their serializers, scrubbing the rest', () => {
    const req = new IncomingMessage(new Socket());
    req.headers.authorization = 'Bearer admin-secret-123';
    const res = new ServerResponse(req);
    const walk = jest.spyOn(r, 'redact');
    const out = r.redactRecord({ req, res, responseTime: 3, note: 'admin-secret-123' });
    expect(out.req).toBe(req);
    expect(out.res).toBe(res);
    expect(out).toMatchObject({ responseTime: 3, note: REDACTED });
    // The HTTP objects were never walked (only the record without them was).
    expect(walk.mock.calls.some(([value]) => value === req || value === res)).toBe(false);
    walk.mockRestore();
    // A plain object under the same keys is not a raw HTTP object: scrubbed as usual.
    expect(r.redactRecord({ req: { headers: { authorization: 'x' } } })).toEqual({
      req: { headers: { authorization: REDACTED } },
    });
    const clean = { msg: 'ok' };
    expect(r.redactRecord(clean)).toBe(clean);
  });
});
