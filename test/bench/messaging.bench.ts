import { argument, percentile, startBenchSystem, until } from './harness.ts';

/**
 * messaging-relay: `texts` inbound texts (5 per person) through the texting simulator and `replies` agent texts
 * typed in GHL, tool latency `latency` ms. Prints GHL calls per message, webhook → import latency and provider
 * webhook → texting send latency. GHL's 100 requests / 10 s bounds the run: defaults stay under a minute.
 */
export async function benchMessaging() {
  const texts = argument('texts', 200);
  const replies = argument('replies', 60);
  const latencyMs = argument('latency', 50);
  const bench = await startBenchSystem({
    simulators: { latencyMs },
    partitions: 6,
    relayAsSimulatedApp: true,
  });
  const { ghl, texting } = bench.system.simulators!;
  const phoneOf = (i: number) => `+1202556${String(1000 + i).padStart(4, '0')}`;
  try {
    const sentAt = new Map<string, number>();
    for (let i = 0; i < texts; i++) {
      const m = texting.receiveInbound({
        from: phoneOf(i % Math.ceil(texts / 5)),
        to: '+12025550100',
        body: `text ${i}`,
      });
      sentAt.set(m.carrierMessageId, Date.now());
    }
    const seenAt = new Map<string, number>();
    await until('every text imported into GHL', () => {
      for (const m of ghl.messages()) if (m.altId && !seenAt.has(m.altId)) seenAt.set(m.altId, Date.now());
      return [...sentAt.keys()].every((id) => seenAt.has(id));
    });
    const importCalls = ghl.requests.filter((r) =>
      /^\/conversations|^\/contacts\/upsert/.test(r.path),
    ).length;

    const contacts = Array.from({ length: replies }, (_, i) =>
      ghl.seedContact({ firstName: `R${i}`, phone: phoneOf(5000 + i) }, { silent: true }),
    );
    const requestedAt = new Map<string, number>();
    for (const c of contacts) {
      const res = await fetch(`${ghl.url}/conversations/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ghl.pitToken}`,
          version: '2021-04-15',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ type: 'SMS', contactId: c.id, message: 'reply' }),
      });
      requestedAt.set(c.phone!, Date.now());
      await res.arrayBuffer();
    }
    await until('every reply sent and delivered in GHL', () => {
      const ours = ghl.messages().filter((m) => m.direction === 'outbound' && m.body === 'reply');
      return texting.sent().length >= replies && ours.every((m) => m.status === 'delivered');
    });
    const sendLatencies = texting.sent().map((m) => m.at.getTime() - requestedAt.get(m.to)!);
    const replyCalls =
      ghl.requests.filter((r) => /^\/conversations|^\/contacts\/upsert/.test(r.path)).length -
      importCalls -
      replies;
    const importLatencies = [...sentAt].map(([id, at]) => seenAt.get(id)! - at);
    console.log(
      `messaging-relay: ${texts} inbound texts (5 per person), ${replies} agent replies, tool latency ${latencyMs} ms`,
    );
    console.log(
      `  GHL calls per inbound text   ${(importCalls / texts).toFixed(2)} (contact upsert, conversation, import)`,
    );
    console.log(
      `  GHL calls per agent reply    ${(replyCalls / replies).toFixed(2)} (status update; the agent's own send apart)`,
    );
    console.log(
      `  webhook → import p50 / p99   ${percentile(importLatencies, 50)} / ${percentile(importLatencies, 99)} ms`,
    );
    console.log(
      `  provider webhook → texting send p50 / p99   ${percentile(sendLatencies, 50)} / ${percentile(sendLatencies, 99)} ms`,
    );
  } finally {
    await bench.stop();
  }
}
