import { html } from '../html.ts';
import type { PipelineHealth } from '../sources/pipeline.ts';

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

export function healthBody(h: PipelineHealth) {
  const lagged = h.groups.filter((g) => g.lag.length > 0);
  return html`<p><small>Read at ${h.at}. <a href="/">Refresh</a></small></p>
<div class="card">Spool <b data-test="spool">${h.spool.records}</b><small>${h.spool.oldest ? `oldest ${h.spool.oldest}` : 'empty'}</small></div>
<div class="card">Set aside <b data-test="set-aside" class="${h.setAside.records ? 'bad' : ''}">${h.setAside.records}</b><small>${h.setAside.oldest ? `oldest ${h.setAside.oldest}` : 'none'}</small></div>
<div class="card">Dead letters <b class="${h.groups.some((g) => g.deadLetters) ? 'bad' : ''}">${h.groups.reduce((n, g) => n + g.deadLetters, 0)}</b><small>not redriven</small></div>
<div class="card">Parked keys <b class="${h.groups.some((g) => g.parkedKeys) ? 'warn' : ''}">${h.groups.reduce((n, g) => n + g.parkedKeys, 0)}</b><small>waiting to retry</small></div>
<h2>Consumer groups</h2>
<table id="groups"><tr><th>group</th><th>state</th><th class="n">members</th><th class="n">lag</th><th class="n">dead letters</th><th class="n">parked keys (records)</th></tr>
${h.groups.map(
  (g) => html`<tr data-group="${g.group}"><td>${g.group}</td>
<td class="${g.members > 0 ? 'ok' : 'warn'}">${g.members > 0 ? 'consuming' : g.state === 'Dead' ? 'never ran' : 'stopped'} <small>(${g.state})</small></td>
<td class="n">${g.members}</td><td class="n" data-test="lag">${g.totalLag}</td>
<td class="n"><a href="/dead-letters?group=${g.group}" class="${g.deadLetters ? 'bad' : ''}">${g.deadLetters}</a></td>
<td class="n"><a href="/parked?group=${g.group}">${g.parkedKeys} (${g.parkedRecords})</a></td></tr>`,
)}</table>
<h2>Lag per partition</h2>
<table id="lag"><tr><th>group</th><th>topic</th><th class="n">partition</th><th class="n">committed</th><th class="n">end</th><th class="n">lag</th></tr>
${lagged.flatMap((g) =>
  g.lag.map(
    (
      p,
    ) => html`<tr data-group="${g.group}"><td>${g.group}</td><td>${p.topic}</td><td class="n">${p.partition}</td>
<td class="n">${p.committed === '-1' ? '–' : p.committed}</td><td class="n">${p.end}</td><td class="n ${p.lag ? 'warn' : ''}">${p.lag}</td></tr>`,
  ),
)}</table>
<h2>GHL budget used today</h2>
${
  h.ghlBudgets.length
    ? html`<table><tr><th>location</th><th class="n">used</th><th class="n">limit</th><th class="n">used %</th><th>reported</th></tr>
${h.ghlBudgets.map(
  (b) => html`<tr><td>${b.locationId}</td><td class="n">${b.usedToday}</td><td class="n">${b.limit}</td>
<td class="n ${b.usedRatio > 0.8 ? 'bad' : ''}">${percent(b.usedRatio)}</td><td>${new Date(b.at).toISOString()}</td></tr>`,
)}</table>`
    : html`<p><small>No GHL answer carried the daily budget headers yet in this process.</small></p>`
}
<h2>Services</h2>
${
  h.services.length
    ? html`<table><tr><th>service</th><th>health</th><th>url</th></tr>${h.services.map(
        (s) =>
          html`<tr><td>${s.name}</td><td class="${s.up ? 'ok' : 'bad'}">${s.up ? 'up' : 'down'} <small>${s.detail}</small></td><td>${s.url}</td></tr>`,
      )}</table>`
    : html`<p><small>No service health endpoints configured (CONSOLE_SERVICES); a group's members above say whether it consumes.</small></p>`
}`;
}
