import { CONSUMER_GROUPS } from '@df/contracts';
import { html } from '../html.ts';
import type { deadLettersOf, parkedKeysOf } from '../sources/failures.ts';
import { csrfField } from './layout.ts';

type Letters = Awaited<ReturnType<typeof deadLettersOf>>;
type Parked = Awaited<ReturnType<typeof parkedKeysOf>>;

function groupPicker(action: string, current: string) {
  return html`<form method="get" action="${action}"><select name="group">${CONSUMER_GROUPS.map(
    (g) => html`<option ${g === current ? 'selected' : ''}>${g}</option>`,
  )}</select> <button>Show</button></form>`;
}

/** Letters listed on the page (the oldest first); the filtered redrive reaches every one beyond them too. */
const SHOWN = 200;

export function deadLettersBody(group: string, letters: Letters, csrf: string) {
  const reasons = [...new Set(letters.map((l) => l.reason))];
  const topics = [...new Set(letters.map((l) => l.source.topic))];
  return html`${groupPicker('/dead-letters', group)}
<p>${letters.length} dead letter(s) of <b>${group}</b> not redriven yet${letters.length > SHOWN ? `, the oldest ${SHOWN} below` : ''}. Payloads are never shown.</p>
${
  letters.length
    ? html`<form method="post" action="/dead-letters/redrive" id="bulk-redrive">${csrfField(csrf)}
<input type="hidden" name="group" value="${group}">
Redrive every letter with reason <select name="reason"><option value="">any</option>${reasons.map((r) => html`<option>${r}</option>`)}</select>
from <select name="sourceTopic"><option value="">any topic</option>${topics.map((t) => html`<option>${t}</option>`)}</select>
<button>Redrive matching</button></form>`
    : ''
}
<table id="dead-letters"><tr><th class="n">offset</th><th>failed at</th><th>reason</th><th>error</th><th>from</th><th>key</th><th class="n">attempts</th><th></th></tr>
${letters.slice(0, SHOWN).map(
  (
    l,
  ) => html`<tr data-offset="${l.offset}"><td class="n">${l.offset}</td><td>${l.failedAt}</td><td class="bad">${l.reason}</td>
<td>${l.error}</td><td>${l.source.topic}[${l.source.partition}]@${l.source.offset}</td><td>${l.key ?? ''}</td>
<td class="n">${l.attempts}</td><td><form method="post" action="/dead-letters/redrive" class="inline">${csrfField(csrf)}
<input type="hidden" name="group" value="${group}"><input type="hidden" name="offset" value="${l.offset}">
<button>Redrive</button></form></td></tr>`,
)}</table>`;
}

export function parkedBody(group: string, keys: Parked, csrf: string) {
  return html`${groupPicker('/parked', group)}
<p>${keys.length} key(s) of <b>${group}</b> parked: their records wait, in order, for the next try.</p>
<table id="parked"><tr><th>key</th><th>parked at</th><th class="n">records</th><th class="n">retries</th><th>next try</th><th>last error</th><th></th></tr>
${keys.map(
  (
    k,
  ) => html`<tr><td>${k.key}</td><td>${k.parkedAt}</td><td class="n">${k.records}</td><td class="n">${k.retries}</td>
<td>${k.nextRetryAt}</td><td>${k.lastError ?? ''}</td><td><form method="post" action="/parked/release" class="inline">${csrfField(csrf)}
<input type="hidden" name="group" value="${group}"><input type="hidden" name="ref" value="${k.ref}"><button>Release now</button></form></td></tr>`,
)}</table>`;
}
