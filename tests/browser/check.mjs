#!/usr/bin/env node
// Browser and HTML checks over a built kohyo site folder.
//
//   node check.mjs SITE_DIR [--screenshots /,/joso/,...] [--no-screenshots]
//
// 1. serves SITE_DIR on 127.0.0.1 (free port) with a tiny static server;
// 2. opens every *.html page in Debian's Chromium (playwright-core);
// 3. runs axe-core (WCAG 2.0/2.1 A and AA) on every page;
// 4. structural checks: <html lang="ja">, one <h1>, labelled <svg>, unique ids;
// 5. link check: every internal href/src (and CSS url()) resolves to a file,
//    and every fragment to an id on the target page;
// 6. full-page screenshots of key pages at 1280 px and 375 px into
//    <repo>/target/screenshots/.
// Exits 1 on any violation, problem or broken link; 2 on a usage or setup error.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { promises as fs, createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'target', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CONCURRENCY = Math.max(1, Number(process.env.CHECK_CONCURRENCY || 2));
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const VIEWPORTS = [
  { name: '1280', width: 1280, height: 800 },
  { name: '375', width: 375, height: 812 },
];

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

// ---------------------------------------------------------------- arguments

function usage(msg) {
  if (msg) console.error(`check.mjs: ${msg}`);
  console.error('usage: node check.mjs SITE_DIR [--screenshots /,/joso/,...] [--no-screenshots]');
  process.exit(2);
}

const argv = process.argv.slice(2);
let siteArg = null;
let screenshotOverride = null;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--screenshots') {
    if (i + 1 >= argv.length) usage('--screenshots needs a comma-separated list of URL paths');
    screenshotOverride = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
  } else if (a.startsWith('--screenshots=')) {
    screenshotOverride = a.slice('--screenshots='.length).split(',').map((s) => s.trim()).filter(Boolean);
  } else if (a === '--no-screenshots') {
    screenshotOverride = [];
  } else if (a === '-h' || a === '--help') {
    usage();
  } else if (a.startsWith('-')) {
    usage(`unknown option ${a}`);
  } else if (siteArg === null) {
    siteArg = a;
  } else {
    usage('only one SITE_DIR');
  }
}
if (siteArg === null) usage('missing SITE_DIR');
const SITE = path.resolve(siteArg);
{
  const st = await fs.stat(SITE).catch(() => null);
  if (!st || !st.isDirectory()) usage(`${SITE} is not a directory`);
}
{
  const st = await fs.stat(CHROMIUM).catch(() => null);
  if (!st) {
    console.error(`check.mjs: ${CHROMIUM} not found; install it with: apt-get install -y --no-install-recommends chromium`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------- files

async function walk(dir) {
  const out = [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const allFiles = (await walk(SITE)).map((p) => path.relative(SITE, p).split(path.sep).join('/'));
const htmlFiles = allFiles.filter((f) => f.endsWith('.html')).sort();
const cssFiles = allFiles.filter((f) => f.endsWith('.css')).sort();

/** URL path of an html file: a/index.html -> /a/, a/b.html -> /a/b.html */
function urlPathOf(rel) {
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return '/' + rel.slice(0, -'index.html'.length);
  return '/' + rel;
}

/**
 * The file a URL path names inside SITE, or null: '/x/' -> x/index.html, '/x' (a folder)
 * -> x/index.html. Paths that escape SITE resolve to null.
 */
async function resolveUrlPath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const full = path.resolve(SITE, '.' + path.posix.normalize(decoded));
  if (full !== SITE && !full.startsWith(SITE + path.sep)) return null;
  let st = await fs.stat(full).catch(() => null);
  if (st && st.isDirectory()) {
    const idx = path.join(full, 'index.html');
    st = await fs.stat(idx).catch(() => null);
    return st && st.isFile() ? idx : null;
  }
  return st && st.isFile() ? full : null;
}

// ---------------------------------------------------------------- server

const server = createServer(async (req, res) => {
  try {
    const u = new URL(req.url, 'http://127.0.0.1');
    const file = await resolveUrlPath(u.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 not found\n');
      return;
    }
    // A folder named without its trailing slash: redirect like a real static host.
    if (!u.pathname.endsWith('/') && path.basename(file) === 'index.html' && !u.pathname.endsWith('index.html')) {
      res.writeHead(301, { location: u.pathname + '/' + u.search });
      res.end();
      return;
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(e));
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------- per-page collection (runs in the page)

/* eslint-disable no-undef */
function collectInPage() {
  const problems = [];
  const sel = (el) => {
    if (el.id) return `${el.localName}#${el.id}`;
    const parts = [];
    let e = el;
    while (e && e.nodeType === 1 && e.localName !== 'html' && parts.length < 4) {
      let s = e.localName;
      if (e.id) {
        parts.unshift(`${s}#${e.id}`);
        break;
      }
      const cls = typeof e.className === 'string' ? e.className.trim().split(/\s+/).filter(Boolean) : [];
      if (cls.length) s += '.' + cls.slice(0, 2).join('.');
      const parent = e.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.localName === e.localName);
        if (same.length > 1) s += `:nth-of-type(${same.indexOf(e) + 1})`;
      }
      parts.unshift(s);
      e = parent;
    }
    return parts.join(' > ');
  };

  const html = document.documentElement;
  const lang = html.getAttribute('lang');
  if (lang !== 'ja') problems.push({ rule: 'html-lang-ja', selector: 'html', summary: `lang is ${lang === null ? 'missing' : JSON.stringify(lang)}, expected "ja"` });

  const h1s = Array.from(document.querySelectorAll('h1'));
  if (h1s.length !== 1) {
    problems.push({
      rule: 'one-h1',
      selector: h1s.length ? h1s.map(sel).join(', ') : 'body',
      summary: `${h1s.length} <h1> elements, expected exactly 1`,
    });
  }

  const idCounts = new Map();
  for (const el of document.querySelectorAll('[id]')) idCounts.set(el.id, (idCounts.get(el.id) || 0) + 1);
  for (const [id, n] of idCounts) {
    if (n > 1) problems.push({ rule: 'duplicate-id', selector: `#${id}`, summary: `id "${id}" is used ${n} times` });
  }

  // Outermost <svg> elements; decorative ones hidden with aria-hidden="true" are exempt.
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.parentElement && svg.parentElement.closest('svg')) continue;
    if (svg.getAttribute('aria-hidden') === 'true') continue;
    const s = sel(svg);
    if (svg.getAttribute('role') !== 'img') {
      problems.push({ rule: 'svg-role-img', selector: s, summary: `role is ${JSON.stringify(svg.getAttribute('role'))}, expected "img"` });
    }
    const title = Array.from(svg.children).find((c) => c.localName === 'title');
    if (!title || !title.textContent.trim()) {
      problems.push({ rule: 'svg-title', selector: s, summary: title ? '<title> is empty' : 'no <title> child' });
    }
    const lb = (svg.getAttribute('aria-labelledby') || '').trim();
    if (!lb) {
      problems.push({ rule: 'svg-labelledby', selector: s, summary: 'no aria-labelledby' });
    } else {
      const missing = lb.split(/\s+/).filter((id) => !document.getElementById(id));
      if (missing.length) {
        problems.push({ rule: 'svg-labelledby', selector: s, summary: `aria-labelledby names missing id(s): ${missing.join(' ')}` });
      }
    }
  }

  // Every URL the markup refers to.
  const refs = [];
  const attrs = [
    ['a[href]', 'href'], ['area[href]', 'href'], ['link[href]', 'href'],
    ['img[src]', 'src'], ['script[src]', 'src'], ['iframe[src]', 'src'], ['source[src]', 'src'],
    ['video[src]', 'src'], ['audio[src]', 'src'], ['track[src]', 'src'], ['embed[src]', 'src'],
    ['object[data]', 'data'], ['video[poster]', 'poster'], ['form[action]', 'action'],
    ['use[href]', 'href'], ['image[href]', 'href'],
  ];
  for (const [q, attr] of attrs) {
    for (const el of document.querySelectorAll(q)) {
      const v = el.getAttribute(attr);
      if (v !== null) refs.push({ url: v.trim(), selector: sel(el), attr });
    }
  }
  for (const el of document.querySelectorAll('[srcset]')) {
    for (const part of el.getAttribute('srcset').split(',')) {
      const u = part.trim().split(/\s+/)[0];
      if (u) refs.push({ url: u, selector: sel(el), attr: 'srcset' });
    }
  }
  for (const el of document.querySelectorAll('*')) {
    const v = el.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
    if (v !== null) refs.push({ url: v.trim(), selector: sel(el), attr: 'xlink:href' });
  }
  const base = document.querySelector('base[href]');
  return {
    problems,
    refs,
    ids: Array.from(idCounts.keys()),
    baseHref: base ? base.href : null,
  };
}
/* eslint-enable no-undef */

// ---------------------------------------------------------------- run pages

const axePath = require.resolve('axe-core');
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

const results = new Map(); // urlPath -> { axe: [], problems: [], refs: [], ids: Set, runtime: [] }
const externalRequests = new Set();

async function newContext(vp) {
  const ctx = await browser.newContext({
    viewport: { width: vp.width, height: vp.height },
    locale: 'ja-JP',
    reducedMotion: 'reduce',
  });
  // The site must be self-contained: anything off the local server is aborted (and noted).
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(ORIGIN + '/') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    externalRequests.add(u);
    return route.abort();
  });
  return ctx;
}

async function checkPage(ctx, rel) {
  const urlPath = urlPathOf(rel);
  const page = await ctx.newPage();
  const r = { axe: [], problems: [], refs: [], ids: new Set(), runtime: [], pageUrl: ORIGIN + urlPath };
  const runtime = new Set();
  page.on('response', (resp) => {
    if (resp.status() >= 400 && resp.url().startsWith(ORIGIN)) runtime.add(`${resp.status()} ${resp.url().slice(ORIGIN.length)}`);
  });
  page.on('pageerror', (err) => r.problems.push({ rule: 'js-error', selector: 'window', summary: String(err.message || err).split('\n')[0] }));
  try {
    const resp = await page.goto(r.pageUrl, { waitUntil: 'load', timeout: 30000 });
    if (!resp || resp.status() !== 200) {
      r.problems.push({ rule: 'http-status', selector: 'document', summary: `HTTP ${resp ? resp.status() : 'no response'}` });
    }
    const collected = await page.evaluate(collectInPage);
    r.problems.push(...collected.problems);
    r.refs = collected.refs;
    r.ids = new Set(collected.ids);
    r.baseHref = collected.baseHref;

    await page.addScriptTag({ path: axePath });
    const axe = await page.evaluate(async (tags) => {
      // eslint-disable-next-line no-undef
      const res = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return res.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
          failure: (n.failureSummary || '').split('\n').map((s) => s.trim()).filter((s) => s && !/^Fix (any|all)/.test(s))[0] || '',
        })),
      }));
    }, AXE_TAGS);
    for (const v of axe) {
      for (const n of v.nodes) {
        r.axe.push({ rule: v.id, selector: n.target, summary: `${v.impact}: ${v.help}${n.failure ? ' — ' + n.failure : ''}` });
      }
    }
  } catch (e) {
    r.problems.push({ rule: 'page-load', selector: 'document', summary: String(e.message || e).split('\n')[0] });
  } finally {
    await page.close();
  }
  r.runtime = [...runtime];
  results.set(urlPath, r);
}

const t0 = Date.now();
{
  const ctx = await newContext(VIEWPORTS[0]);
  const queue = [...htmlFiles];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    while (queue.length) await checkPage(ctx, queue.shift());
  });
  await Promise.all(workers);
  await ctx.close();
}

// ---------------------------------------------------------------- links

const linkErrors = [];
let linksChecked = 0;
const SKIP_SCHEME = /^(mailto|tel|javascript|data|blob|about|sms|geo|urn|news|ftp):/i;

/** ids of the html page a file resolves to, or null when it is not one of the checked pages */
function idsOfFile(file) {
  const rel = path.relative(SITE, file).split(path.sep).join('/');
  const r = results.get(urlPathOf(rel));
  return r ? r.ids : null;
}

async function checkRef(fromLabel, baseUrl, ref, ownIds) {
  const raw = ref.url;
  if (raw === '' || SKIP_SCHEME.test(raw)) return;
  // http(s): and any other scheme point outside the site; so do protocol-relative URLs.
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) && !raw.startsWith(ORIGIN)) return;
  if (raw.startsWith('//')) return;
  let target;
  try {
    target = new URL(raw, baseUrl);
  } catch {
    linksChecked++;
    linkErrors.push({ page: fromLabel, rule: 'bad-url', selector: ref.selector, summary: `cannot parse ${ref.attr}="${raw}"` });
    return;
  }
  if (target.origin !== ORIGIN) return;
  const fragment = target.hash ? decodeURIComponent(target.hash.slice(1)) : '';
  const samePage = raw.startsWith('#');
  if (samePage) {
    if (!fragment || fragment === 'top') return; // "#" and "#top" scroll to the top
    linksChecked++;
    if (!ownIds.has(fragment)) {
      linkErrors.push({ page: fromLabel, rule: 'broken-fragment', selector: ref.selector, summary: `${ref.attr}="${raw}": no element with id "${fragment}" on this page` });
    }
    return;
  }
  linksChecked++;
  const file = await resolveUrlPath(target.pathname);
  if (!file) {
    linkErrors.push({ page: fromLabel, rule: 'broken-link', selector: ref.selector, summary: `${ref.attr}="${raw}": ${decodeURIComponent(target.pathname)} not found in site` });
    return;
  }
  if (fragment && fragment !== 'top' && file.endsWith('.html')) {
    const ids = idsOfFile(file);
    if (ids && !ids.has(fragment)) {
      linkErrors.push({ page: fromLabel, rule: 'broken-fragment', selector: ref.selector, summary: `${ref.attr}="${raw}": no element with id "${fragment}" on ${decodeURIComponent(target.pathname)}` });
    }
  }
}

const sortedResults = [...results].sort((a, b) => a[0].localeCompare(b[0]));
for (const [urlPath, r] of sortedResults) {
  const base = r.baseHref || r.pageUrl;
  for (const ref of r.refs) await checkRef(urlPath, base, ref, r.ids);
}

// url(...) and @import references in stylesheets
for (const rel of cssFiles) {
  const text = await fs.readFile(path.join(SITE, rel), 'utf8');
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3/g;
  let m;
  while ((m = re.exec(noComments))) {
    const u = (m[2] ?? m[4] ?? '').trim();
    if (!u || u.startsWith('#')) continue; // url(#id) refers to an SVG filter/paint in the document
    await checkRef('/' + rel, `${ORIGIN}/${rel}`, { url: u, selector: 'url()', attr: 'css' }, new Set());
  }
}

// Requests that failed while the pages loaded (fonts, images from CSS, fetches): each URL is
// reported once, and not at all when the markup or CSS check above already reported its path.
{
  const seen = new Set();
  for (const [urlPath, r] of sortedResults) {
    for (const rt of r.runtime) {
      const p = decodeURIComponent(rt.replace(/^\d+ /, '').split(/[?#]/)[0]);
      if (seen.has(p)) continue;
      seen.add(p);
      if (linkErrors.some((e) => e.summary.includes(`: ${p} not found`))) continue;
      linkErrors.push({ page: urlPath, rule: 'http-error', selector: 'network', summary: `the page requested ${rt}` });
    }
  }
}

// ---------------------------------------------------------------- screenshots

function pickScreenshotPages() {
  if (screenshotOverride) return screenshotOverride;
  const paths = htmlFiles.map(urlPathOf);
  const pick = (re) => paths.find((p) => re.test(p));
  const chosen = ['/'];
  for (const re of [/^\/[^/]+\/$/, /^\/[^/]+\/[^/]+\/projects\/[^/]+\/$/, /^\/[^/]+\/[^/]+\/kpi\/$/]) {
    const p = pick(re);
    if (p) chosen.push(p);
  }
  return [...new Set(chosen)].filter((p) => results.has(p) || paths.includes(p));
}

const shots = [];
const screenshotErrors = [];
const shotPages = pickScreenshotPages();
if (shotPages.length) {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const f of await fs.readdir(SCREENSHOT_DIR)) {
    if (f.endsWith('.png')) await fs.rm(path.join(SCREENSHOT_DIR, f));
  }
  for (const vp of VIEWPORTS) {
    const ctx = await newContext(vp);
    const page = await ctx.newPage();
    for (const p of shotPages) {
      const slug = p === '/' ? 'index' : decodeURIComponent(p).replace(/^\/|\/$/g, '').replace(/[^\p{L}\p{N}._-]+/gu, '_');
      const out = path.join(SCREENSHOT_DIR, `${slug}-${vp.name}.png`);
      try {
        await page.goto(ORIGIN + p, { waitUntil: 'load', timeout: 30000 });
        await page.evaluate(() => document.fonts.ready); // eslint-disable-line no-undef
        await page.screenshot({ path: out, fullPage: true });
        shots.push(path.relative(REPO_ROOT, out));
      } catch (e) {
        screenshotErrors.push(`${p} @${vp.name}: ${String(e.message || e).split('\n')[0]}`);
      }
    }
    await ctx.close();
  }
}

await browser.close();
server.close();

// ---------------------------------------------------------------- report

const line = (page, x) => console.log(`${page}  ${x.rule}  ${x.selector}  (${x.summary})`);
const byPage = [...results].sort((a, b) => a[0].localeCompare(b[0]));

const axeCount = byPage.reduce((n, [, r]) => n + r.axe.length, 0);
const structCount = byPage.reduce((n, [, r]) => n + r.problems.length, 0);

if (axeCount) {
  console.log('--- axe-core violations (WCAG 2.1 A/AA)');
  for (const [p, r] of byPage) for (const v of r.axe) line(p, v);
}
if (structCount) {
  console.log('--- structure problems');
  for (const [p, r] of byPage) for (const v of r.problems) line(p, v);
}
if (linkErrors.length) {
  console.log('--- broken links');
  for (const e of linkErrors) line(e.page, e);
}
if (externalRequests.size) {
  console.log(`--- note: ${externalRequests.size} request(s) to other hosts were blocked (the site should be self-contained):`);
  for (const u of [...externalRequests].sort().slice(0, 20)) console.log(`  ${u}`);
}
if (screenshotErrors.length) {
  console.log('--- screenshot errors');
  for (const e of screenshotErrors) console.log(e);
}
if (shots.length) console.log(`screenshots written to ${path.relative(process.cwd(), SCREENSHOT_DIR) || '.'}: ${shots.map((s) => path.basename(s)).join(' ')}`);

console.log(`axe: ${results.size} pages checked, ${axeCount} violations`);
console.log(`structure: ${results.size} pages, ${structCount} problems`);
console.log(`links: ${linksChecked} checked, ${linkErrors.length} broken`);
console.log(`screenshots: ${shots.length}${screenshotErrors.length ? `, ${screenshotErrors.length} failed` : ''}`);
console.log(`browser checks took ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const failed = htmlFiles.length === 0 || axeCount > 0 || structCount > 0 || linkErrors.length > 0 || screenshotErrors.length > 0;
if (htmlFiles.length === 0) console.log(`check.mjs: no *.html files under ${SITE}`);
process.exit(failed ? 1 : 0);
