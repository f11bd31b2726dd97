import { html, SafeHtml } from '../html.ts';

const NAV = [
  ['/', 'Health'],
  ['/ledger', 'Ledger'],
  ['/timeline', 'Person'],
  ['/dead-letters', 'Dead letters'],
  ['/parked', 'Parked keys'],
  ['/commands', 'Commands'],
] as const;

// Constant, written here: the one piece of markup not built through `html`.
const STYLE = new SafeHtml(`
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1c2430;background:#f5f7fa}
header{background:#1c2430;color:#fff;padding:10px 20px;display:flex;gap:18px;align-items:center}
header a{color:#cfd8e3;text-decoration:none}header a.on{color:#fff;font-weight:600}
header form{margin-left:auto}main{padding:16px 20px;max-width:1200px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:18px 0 8px}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:12px}
th,td{border-bottom:1px solid #e3e8ef;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#137333}.bad{color:#b3261e;font-weight:600}.warn{color:#a05a00}
.card{display:inline-block;background:#fff;border:1px solid #e3e8ef;border-radius:6px;padding:8px 14px;margin:0 8px 8px 0}
.card b{display:block;font-size:20px}form.inline{display:inline}
input,select,button{font:inherit;padding:3px 6px}button{cursor:pointer}
.msg{padding:8px 12px;border-radius:4px;margin-bottom:12px;background:#e6f4ea}.msg.error{background:#fce8e6}
small{color:#5f6b7a}`);

export interface PageContext {
  csrf: string;
  path: string;
  /** A notice to show once (after a redirect), or an error. */
  notice?: { text: string; error?: boolean };
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

export function layout(title: string, page: PageContext, body: SafeHtml): SafeHtml {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · DF Middleware console</title>
<style>${STYLE}</style></head><body>
<header><strong>DF Middleware</strong>${NAV.map(
    ([href, label]) => html`<a href="${href}" class="${page.path === href ? 'on' : ''}">${label}</a>`,
  )}
<form method="post" action="/logout" class="inline">${csrfField(page.csrf)}<button>Sign out</button></form></header>
<main><h1>${title}</h1>${
    page.notice
      ? html`<div class="msg ${page.notice.error ? 'error' : ''}" role="status">${page.notice.text}</div>`
      : ''
  }${body}</main></body></html>`;
}

export function loginPage(error?: string): SafeHtml {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · DF Middleware console</title>
<style>${STYLE}</style></head><body><main><h1>DF Middleware console</h1>
${error ? html`<div class="msg error" role="alert">${error}</div>` : ''}
<form method="post" action="/login"><label>Operator token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button></form></main></body></html>`;
}

/** Previous / next links of a paged list, keeping the other query fields. */
export function pager(
  query: Record<string, unknown>,
  offset: number,
  limit: number,
  nextOffset: number | null,
) {
  const link = (to: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && k !== 'offset') params.set(k, String(v));
    params.set('offset', String(to));
    return `?${params}`;
  };
  return html`<p>${offset > 0 ? html`<a href="${link(Math.max(0, offset - limit))}">← newer</a> ` : ''}${
    nextOffset !== null ? html`<a href="${link(nextOffset)}">older →</a>` : ''
  }</p>`;
}
