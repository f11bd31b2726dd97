import { CONSUMER_GROUPS } from '@df/contracts';
import { html } from '../html.ts';
import type { CommandProgress } from '../sources/commands.ts';
import { csrfField } from './layout.ts';

export function commandsBody(commands: CommandProgress[], csrf: string) {
  const form = (type: string, label: string, fields: ReturnType<typeof html>) =>
    html`<form method="post" action="/commands" class="card">${csrfField(csrf)}<input type="hidden" name="type" value="${type}">
<strong>${label}</strong><br>${fields} <button>Request</button></form>`;
  return html`<p>Each request is a command on commands.v1; its progress is the outcomes reported for it.</p>
${form('contact.sync_requested', 'Sync a contact now', html`<input name="phone" placeholder="phone"> or <input name="contactId" placeholder="GHL contact id">`)}
${form(
  'list.rebuild_requested',
  'Rebuild a list',
  html`<input name="tag" placeholder="GHL tag" required> <select name="mode"><option>soft</option><option>hard</option></select>`,
)}
${form('reconcile.requested', 'Reconcile GHL with Aloware', html`<label><input type="checkbox" name="heal" value="true"> heal the drift</label> <input name="limit" placeholder="sample size (all)" size="14">`)}
${form(
  'replay.requested',
  'Rebuild or replay a group (services/replay)',
  html`<select name="group">${CONSUMER_GROUPS.map((g) => html`<option>${g}</option>`)}</select>
from <input type="datetime-local" name="from" title="UTC; empty: from the beginning">
<select name="mode"><option value="projections_only">projections only (no tool calls)</option><option value="with_side_effects">with side effects</option></select>
<label><input type="checkbox" name="dryRun" value="true" checked> dry run</label>`,
)}
${form('backfill.requested', 'Backfill from GHL', html`<label><input type="checkbox" name="restart" value="true"> from the first page</label>`)}
<h2>Recent commands</h2>
<table id="commands"><tr><th>requested</th><th>command</th><th>asked</th><th>progress</th><th>latest</th></tr>
${commands.map(
  (
    c,
  ) => html`<tr><td>${c.requestedAt}<br><small>${c.requestedBy}</small></td><td>${c.type}<br><small>${c.id}</small></td>
<td><small>${c.summary}</small></td><td>${
    Object.keys(c.outcomes).length
      ? Object.entries(c.outcomes).map(([status, n]) => html`<div>${n} ${status}</div>`)
      : html`<span class="warn">no outcome yet</span>`
  }</td><td><small>${c.latest ?? ''}</small><br><small><a href="/ledger?correlationId=${c.correlationId}">ledger</a></small></td></tr>`,
)}</table>`;
}
