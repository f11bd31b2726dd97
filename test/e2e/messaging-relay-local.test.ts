import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let s: TestSystem;
// `npm start`'s local default: the simulators on a PIT, messaging-relay calling the simulated GHL as the app.
beforeAll(async () => {
  s = await startTestSystem({ relayAsSimulatedApp: true });
}, 120_000);
afterAll(() => s?.stop());

describe('messaging-relay in the local default (simulators, GHL PIT)', () => {
  it('runs, and a text to the texting simulator shows up in the GHL simulator’s conversation', async () => {
    expect(s.messagingRelay).not.toBeNull();
    const phone = '+12025550181';
    const inbound = s.simulators!.texting.receiveInbound({
      from: phone,
      to: '+12025550100',
      body: 'Hi there',
    });
    const imported = await waitFor('the text in GHL', () =>
      s.simulators!.ghl.messages().find((m) => m.altId === inbound.carrierMessageId),
    );
    expect(s.simulators!.ghl.contact(imported.contactId)?.phone).toBe(phone);
  });
});
