import { describe, expect, it } from 'vitest';
import { ipPacket } from '../testing/packets.js';
import { buildNflog, parseNflog, parsePolicyPrefix } from './nflog.js';

describe('parseNflog', () => {
  it('reads group, hook, prefix, bridge ports and payload of a record', () => {
    const payload = ipPacket({
      src: '10.244.1.10',
      dst: '10.244.1.13',
      proto: 'tcp',
      sport: 5555,
      dport: 8080,
      flags: 'S',
    });
    const rec = buildNflog({
      group: 5,
      prefix: 'deny:in:shop/backend-ingress',
      payload,
      hook: 2,
      physindev: 6,
      physoutdev: 9,
    });
    const r = parseNflog(rec, 0, rec.length)!;
    expect(r).toMatchObject({
      family: 2,
      group: 5,
      hwProtocol: 0x0800,
      hook: 2,
      prefix: 'deny:in:shop/backend-ingress',
      physindev: 6,
      physoutdev: 9,
      payloadLen: payload.length,
    });
    expect(rec.subarray(r.payloadOff, r.payloadOff + r.payloadLen).equals(payload)).toBe(true);
  });

  it('rejects a TLV that runs past the record', () => {
    const rec = buildNflog({ group: 1, prefix: 'x', payload: Buffer.alloc(20) });
    expect(parseNflog(rec, 0, rec.length - 8)).toBeUndefined();
  });
});

describe('parsePolicyPrefix', () => {
  it.each([
    [
      'deny:in:shop/backend-ingress',
      { action: 'deny', direction: 'ingress', policies: [{ namespace: 'shop', name: 'backend-ingress' }] },
    ],
    [
      'deny:eg:shop/a,shop/b',
      {
        action: 'deny',
        direction: 'egress',
        policies: [
          { namespace: 'shop', name: 'a' },
          { namespace: 'shop', name: 'b' },
        ],
      },
    ],
    [
      'deny:shop/backend-ingress',
      { action: 'deny', direction: undefined, policies: [{ namespace: 'shop', name: 'backend-ingress' }] },
    ],
    ['my-policy', { action: 'deny', direction: undefined, policies: [{ namespace: '', name: 'my-policy' }] }],
  ])('%s', (prefix, want) => expect(parsePolicyPrefix(prefix)).toEqual(want));
});
