import { listDeadLetters } from '@df/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const metrics = async (s: TestSystem) =>
  (
    await fetch(`${s.ingressUrl}/metrics`, { headers: { authorization: `Bearer ${s.operatorToken}` } })
  ).text();

describe('a tool refusing our credentials (real Kafka, registry, Postgres; simulated GHL answering 401)', () => {
  it('pauses contact-sync instead of dead-lettering, alerts, and resumes every contact once GHL answers 200', async () => {
    system = await startTestSystem();
    const s = system;
    const ghl = s.simulators!.ghl;
    ghl.failNext(1000, { status: 401, path: '/contacts' });
    const phones = ['+12025550171', '+12025550172', '+12025550173'];
    for (const phone of phones)
      s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Lin' });

    await waitFor('GHL to refuse a contact write', () => ghl.requests.some((r) => r.status === 401));
    await waitFor('the pause to be visible in the metrics', async () =>
      (await metrics(s)).includes('df_consumer_auth_paused{group="contact-sync"} 1'),
    );
    const deadLetterTopic = `${s.infra.topicPrefix}contact-sync.dlq`;
    expect(await listDeadLetters(s.infra.kafka, deadLetterTopic)).toEqual([]);
    expect(ghl.contacts().filter((c) => phones.includes(String(c.phone)))).toEqual([]);

    ghl.clearFaults(); // the credentials work again
    await waitFor(
      'every contact in GHL',
      () => phones.every((p) => ghl.contacts().some((c) => c.phone === p)),
      { timeoutMs: 45_000 },
    );
    expect(await metrics(s)).toContain('df_consumer_auth_paused{group="contact-sync"} 0');
    expect(await listDeadLetters(s.infra.kafka, deadLetterTopic)).toEqual([]);
  }, 90_000);
});
