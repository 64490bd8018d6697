import { createHash } from 'node:crypto';
import { type Language, type MessageKey, type MessageParams, translate } from '../common/i18n/messages.js';
import type { OAuthScope } from './oauth-client.entity.js';

/** What the login, consent and error pages look like: plain server-rendered HTML, no script, nothing external. */
export interface HtmlPage {
  status: number;
  html: string;
  /** Content-Security-Policy of this page */
  csp: string;
  headers?: Record<string, string>;
}

export const PRODUCT_NAME = 'IoT Gateway';

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2937;background:#f3f4f6}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;padding:24px}
.card{width:100%;max-width:420px;background:#fff;border:1px solid #e5e7eb;border-radius:14px;box-shadow:0 10px 30px rgba(17,24,39,.08);padding:32px}
.brand{display:flex;align-items:center;gap:10px;font-weight:600;font-size:15px;color:#111827;margin-bottom:24px}
.brand svg{flex:none}
h1{font-size:20px;line-height:1.4;margin:0 0 6px;font-weight:600;color:#111827}
p{margin:0 0 12px;line-height:1.5}
.muted{color:#6b7280;font-size:14px}
.app{display:flex;align-items:center;gap:14px;margin-bottom:18px}
.badge{flex:none;width:48px;height:48px;border-radius:12px;background:#eef2ff;color:#4338ca;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:20px}
label{display:block;font-size:14px;font-weight:500;margin:16px 0 6px}
input[type=email],input[type=password]{width:100%;padding:10px 12px;font-size:15px;border:1px solid #d1d5db;border-radius:8px;background:#fff;color:#111827}
input:focus{outline:2px solid #6366f1;outline-offset:1px;border-color:#6366f1}
button{font:inherit;font-size:15px;font-weight:600;border-radius:8px;padding:10px 16px;cursor:pointer;border:1px solid transparent}
.primary{background:#4f46e5;color:#fff}
.primary:hover{background:#4338ca}
.secondary{background:#fff;color:#374151;border-color:#d1d5db}
.secondary:hover{background:#f9fafb}
form .primary.block{width:100%;margin-top:24px}
.alert{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;border-radius:8px;padding:10px 12px;font-size:14px;margin:16px 0 0}
.scopes{list-style:none;padding:0;margin:8px 0 18px;border:1px solid #e5e7eb;border-radius:10px}
.scopes li{display:flex;gap:12px;padding:12px 14px;font-size:14px;line-height:1.45}
.scopes li+li{border-top:1px solid #e5e7eb}
.scope{flex:none;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;font-weight:600;color:#4338ca;background:#eef2ff;border-radius:6px;padding:2px 8px;height:fit-content}
.redirect{font-size:13px;color:#4b5563;background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px;word-break:break-all}
.actions{display:flex;gap:12px;margin-top:20px}
.actions button{flex:1}
.fine{font-size:12px;color:#6b7280;margin:18px 0 0}
.error-icon{width:40px;height:40px;border-radius:50%;background:#fef2f2;color:#b91c1c;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:20px;margin-bottom:14px}
footer{margin-top:20px;font-size:12px;color:#9ca3af}
`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const LOGO = `<svg width="28" height="28" viewBox="0 0 28 28" aria-hidden="true"><rect width="28" height="28" rx="7" fill="#4f46e5"/><circle cx="14" cy="17" r="2.6" fill="#fff"/><path d="M8.5 12.5a7.8 7.8 0 0 1 11 0M5.5 9.3a12 12 0 0 1 17 0" stroke="#fff" stroke-width="2" fill="none" stroke-linecap="round"/></svg>`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * No script at all, only our own inline style (by hash), forms posting back to us (and, for the consent form,
 * to the client whose redirect_uri the answer redirects to: browsers apply form-action to that redirect),
 * and never inside a frame (clickjacking of the consent button).
 */
function csp(formTargets: readonly string[]): string {
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    "img-src 'self' data:",
    `form-action ${["'self'", ...formTargets].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function layout(lang: Language, titleKey: MessageKey, content: string): string {
  const t = (key: MessageKey) => escapeHtml(translate(lang, key));
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${t(titleKey)} · ${PRODUCT_NAME}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="card">
<div class="brand">${LOGO}<span>${PRODUCT_NAME}</span></div>
${content}
</main>
<footer>${PRODUCT_NAME} · OAuth 2.0</footer>
</body>
</html>
`;
}

export function loginPage(input: {
  lang: Language;
  clientName: string;
  action: string;
  csrfToken: string;
  email?: string;
  error?: { key: MessageKey; params?: MessageParams };
  status?: number;
  headers?: Record<string, string>;
}): HtmlPage {
  const { lang } = input;
  const t = (key: MessageKey, params?: MessageParams) => escapeHtml(translate(lang, key, params));
  const heading = translate(lang, 'oauth_login_heading', { client: '\u0000' })
    .split('\u0000')
    .map(escapeHtml)
    .join(`<strong>${escapeHtml(input.clientName)}</strong>`);
  const content = `<h1>${heading}</h1>
<p class="muted">${t('oauth_login_subtitle', { product: PRODUCT_NAME })}</p>
${input.error ? `<div class="alert" role="alert">${t(input.error.key, input.error.params)}</div>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<label for="email">${t('oauth_email')}</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${escapeHtml(input.email ?? '')}"${input.email ? '' : ' autofocus'}>
<label for="password">${t('oauth_password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128"${input.email ? ' autofocus' : ''}>
<button type="submit" class="primary block">${t('oauth_sign_in')}</button>
</form>`;
  return {
    status: input.status ?? 200,
    html: layout(lang, 'oauth_page_login_title', content),
    csp: csp([]),
    ...(input.headers && { headers: input.headers }),
  };
}

const SCOPE_TEXT: Record<OAuthScope, MessageKey> = { read: 'oauth_scope_read', write: 'oauth_scope_write' };

export function consentPage(input: {
  lang: Language;
  clientName: string;
  userEmail: string;
  scopes: OAuthScope[];
  redirectUri: string;
  action: string;
  csrfToken: string;
}): HtmlPage {
  const { lang } = input;
  const t = (key: MessageKey, params?: MessageParams) => escapeHtml(translate(lang, key, params));
  const redirect = new URL(input.redirectUri);
  const heading = translate(lang, 'oauth_consent_heading', { client: '\u0000' })
    .split('\u0000')
    .map(escapeHtml)
    .join(`<strong>${escapeHtml(input.clientName)}</strong>`);
  const initial = escapeHtml([...input.clientName.trim()][0]?.toUpperCase() ?? '?');
  const scopes = input.scopes
    .map((s) => `<li><span class="scope">${s}</span><span>${t(SCOPE_TEXT[s])}</span></li>`)
    .join('\n');
  const content = `<div class="app"><div class="badge" aria-hidden="true">${initial}</div><div>
<h1>${heading}</h1>
<p class="muted">${t('oauth_signed_in_as', { email: input.userEmail })}</p>
</div></div>
<p>${t('oauth_consent_intro')}</p>
<ul class="scopes">
${scopes}
</ul>
<p class="redirect">${t('oauth_consent_redirect', { host: redirect.host })}</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">${t('oauth_deny')}</button>
<button type="submit" name="decision" value="approve" class="primary">${t('oauth_approve')}</button>
</div>
</form>
<p class="fine">${t('oauth_consent_trust')}</p>`;
  return { status: 200, html: layout(lang, 'oauth_page_consent_title', content), csp: csp([redirect.origin]) };
}

export function errorPage(lang: Language, status: number, key: MessageKey, params?: MessageParams): HtmlPage {
  const t = (k: MessageKey, p?: MessageParams) => escapeHtml(translate(lang, k, p));
  const content = `<div class="error-icon" aria-hidden="true">!</div>
<h1>${t('oauth_error_heading')}</h1>
<p>${t(key, params)}</p>
<p class="fine">${t('oauth_error_hint')}</p>`;
  return { status, html: layout(lang, 'oauth_page_error_title', content), csp: csp([]) };
}
