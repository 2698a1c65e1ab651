import { describe, expect, it } from 'vitest';
import { ConntrackTable, parseConntrackLine } from './conntrack.js';
import { countProcTcp } from './sockets.js';

const EVENTS = `[1795667595.736164]	    [NEW] tcp      6 120 SYN_SENT src=10.244.1.10 dst=10.244.1.11 sport=55536 dport=80 [UNREPLIED] src=10.244.1.11 dst=10.244.1.10 sport=80 dport=55536 id=2189481468
[1795667595.736300]	 [UPDATE] tcp      6 60 SYN_RECV src=10.244.1.10 dst=10.244.1.11 sport=55536 dport=80 src=10.244.1.11 dst=10.244.1.10 sport=80 dport=55536 id=2189481468
[1795667595.736400]	 [UPDATE] tcp      6 432000 ESTABLISHED src=10.244.1.10 dst=10.244.1.11 sport=55536 dport=80 src=10.244.1.11 dst=10.244.1.10 sport=80 dport=55536 [ASSURED] id=2189481468
[1795667595.737000]	 [UPDATE] tcp      6 120 FIN_WAIT src=10.244.1.10 dst=10.244.1.11 sport=55536 dport=80 src=10.244.1.11 dst=10.244.1.10 sport=80 dport=55536 [ASSURED] id=2189481468
[1795667595.737100]	 [UPDATE] tcp      6 30 LAST_ACK src=10.244.1.10 dst=10.244.1.11 sport=55536 dport=80 src=10.244.1.11 dst=10.244.1.10 sport=80 dport=55536 [ASSURED] id=2189481468
[1795667595.737200]	 [UPDATE] tcp      6 120 TIME_WAIT src=10.244.1.10 dst=10.244.1.11 sport=55536 dport=80 src=10.244.1.11 dst=10.244.1.10 sport=80 dport=55536 [ASSURED] id=2189481468
[1795667596.000000]	    [NEW] tcp      6 120 SYN_SENT src=10.244.1.10 dst=10.244.1.11 sport=41746 dport=81 [UNREPLIED] src=10.244.1.11 dst=10.244.1.10 sport=81 dport=41746 id=77
[1795667596.000100]	[DESTROY] tcp      6 120 CLOSE src=10.244.1.10 dst=10.244.1.11 sport=41746 dport=81 [UNREPLIED] src=10.244.1.11 dst=10.244.1.10 sport=81 dport=41746 id=77
[1795667596.100000]	    [NEW] tcp      6 120 SYN_SENT src=10.244.1.10 dst=10.244.1.14 sport=41800 dport=80 [UNREPLIED] src=10.244.1.14 dst=10.244.1.10 sport=80 dport=41800 id=78`;

describe('conntrack', () => {
  it('parses event lines', () => {
    expect(parseConntrackLine(EVENTS.split('\n')[0])).toEqual({
      type: 'NEW',
      time: 1795667595.736164,
      proto: 'tcp',
      state: 'SYN_SENT',
      src: '10.244.1.10',
      dst: '10.244.1.11',
      sport: 55536,
      dport: 80,
      id: 2189481468,
      assured: false,
      unreplied: true,
    });
    expect(
      parseConntrackLine(
        'tcp      6 431999 ESTABLISHED src=1.1.1.1 dst=2.2.2.2 sport=1 dport=2 src=2.2.2.2 dst=1.1.1.1 sport=2 dport=1 [ASSURED] mark=0 use=1 id=9',
      ),
    ).toMatchObject({ type: 'LIST', state: 'ESTABLISHED', id: 9, assured: true });
    expect(
      parseConntrackLine('conntrack v1.4.7 (conntrack-tools): 66 flow events have been shown.'),
    ).toBeUndefined();
  });

  it('keeps the current state of each connection in Retina’s names, and counts transitions', () => {
    const t = new ConntrackTable();
    for (const l of EVENTS.split('\n')) t.apply(parseConntrackLine(l)!);
    const s = t.snapshot();
    expect(s.states).toMatchObject({ TIME_WAIT: 1, SYN_SENT: 1, ESTABLISHED: 0, CLOSE: 0 });
    expect(s.total).toBe(2);
    expect(s.events).toBe(9);
    expect(t.transitions).toMatchObject({
      SYN_SENT: 3,
      SYN_RECV: 1,
      ESTABLISHED: 1,
      FIN_WAIT1: 1,
      LAST_ACK: 1,
      TIME_WAIT: 1,
      CLOSE: 1,
    });
  });
});

describe('socket tables', () => {
  it('counts /proc/net/tcp sockets by state', () => {
    const text = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0B01F40A:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0B01F40A:0050 0A01F40A:D8F0 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
   2: 0B01F40A:0050 0A01F40A:D8F2 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1`;
    const states: Record<string, number> = {};
    expect(countProcTcp(text, states)).toBe(3);
    expect(states).toEqual({ LISTEN: 1, TIME_WAIT: 1, ESTABLISHED: 1 });
  });
});
