import { maskText } from '@df/telemetry';
import { html } from '../html.ts';
import type { LedgerRow, TimelineEntry } from '../sources/ledger.ts';
import { pager } from './layout.ts';

const statusClass = (status: string) =>
  status === 'error' || status === 'failed' ? 'bad' : status === 'pending' ? 'warn' : 'ok';

type Query = Record<string, string | number | undefined>;

/** The searched phone is not written back into the page: the field stays empty and says whose results these are. */
const phoneInput = (query: Query) =>
  html`<input name="phone" placeholder="${query.phone ? `phone (${maskText(String(query.phone))})` : 'phone'}">`;

export function ledgerBody(query: Query, result: { items: LedgerRow[]; nextOffset: number | null } | null) {
  return html`<form method="get" action="/ledger">
${phoneInput(query)}
<input name="contactId" placeholder="Aloware or GHL contact id" value="${query.contactId ?? ''}">
<input name="correlationId" placeholder="correlation id" value="${query.correlationId ?? ''}">
<select name="status"><option value="">any status</option>${['pending', 'done', 'error'].map(
    (s) => html`<option ${query.status === s ? 'selected' : ''}>${s}</option>`,
  )}</select> <button>Search</button></form>
${
  result
    ? html`<table id="ledger"><tr><th>received</th><th>event</th><th>entity</th><th>status</th><th>outcomes</th></tr>
${result.items.map(
  (r) => html`<tr><td>${r.receivedAt}<br><small>${r.id}</small></td><td>${r.source} ${r.type}</td>
<td>${r.entity.type} <small>${r.entity.id ?? ''}</small></td>
<td class="${statusClass(r.status)}">${r.status}${r.error ? html`<br><small>${r.error}</small>` : ''}</td>
<td>${r.outcomes.map(
    (o) =>
      html`<div><span class="${statusClass(o.status)}">${o.status}</span> ${o.service ?? ''} ${o.direction}${
        o.reason ? html` <small>${o.reason}</small>` : ''
      }</div>`,
  )}</td></tr>`,
)}</table>${result.items.length ? '' : html`<p>Nothing matches.</p>`}
${pager(query, Number(query.offset ?? 0), Number(query.limit ?? 50), result.nextOffset)}`
    : ''
}`;
}

export function timelineBody(
  query: Query,
  result: { ids: string[]; items: TimelineEntry[]; nextOffset: number | null } | null,
) {
  return html`<form method="get" action="/timeline">
${phoneInput(query)}
<input name="contactId" placeholder="Aloware or GHL contact id" value="${query.contactId ?? ''}">
<button>Show</button></form>
${
  result
    ? html`<p><small>Contact ids: ${result.ids.join(', ') || 'none mapped to this person'}</small></p>
<table id="timeline"><tr><th>when</th><th>what</th><th>status</th><th>service</th><th>detail</th></tr>
${result.items.map(
  (e) => html`<tr><td>${e.at}</td><td>${e.kind === 'event' ? 'event: ' : ''}${e.what}</td>
<td class="${statusClass(e.status)}">${e.status}</td><td>${e.service ?? ''}</td>
<td>${e.detail ?? ''}${e.correlationId ? html`<br><small><a href="/ledger?correlationId=${e.correlationId}">${e.correlationId}</a></small>` : ''}</td></tr>`,
)}</table>
${pager(query, Number(query.offset ?? 0), Number(query.limit ?? 50), result.nextOffset)}`
    : ''
}`;
}
