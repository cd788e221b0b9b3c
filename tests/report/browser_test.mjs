// Browser test of `kilang report` pages in headless Chromium (DevTools protocol over a pipe).
//
//   node browser_test.mjs --chromium /usr/bin/chromium --shots DIR  RUN_DIR[:checks] ...
//
// For every RUN_DIR (an output folder holding stats.json and report.html) it checks that the
// page loads with no console error, no exception and no network request; that the funnel's
// numbers in the DOM equal stats.json; that the stage table's counts equal
// removed_by_stage; that the sample browser shows the documents of a chosen reason; that the
// kept-document search filters; and that nothing is wider than a phone's screen. It saves
// screenshots at 1280x800 (and 390x844) into --shots. Exit status 1 on any failure.
import { readFileSync, mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Browser } from './cdp.mjs';

const args = process.argv.slice(2);
let chromium = '/usr/bin/chromium';
let shots = null;
const runs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--chromium') chromium = args[++i];
  else if (args[i] === '--shots') shots = args[++i];
  else runs.push(args[i]);
}
if (shots) mkdirSync(shots, { recursive: true });

let failures = 0;
function check(ok, what) {
  if (ok) {
    console.log(`  ok   ${what}`);
  } else {
    failures++;
    console.log(`  FAIL ${what}`);
  }
}

function digits(s) { return Number(String(s).replace(/[^0-9]/g, '')); }

async function testRun(browser, dir) {
  const name = basename(dir);
  const stats = JSON.parse(readFileSync(`${dir}/stats.json`, 'utf8'));
  const url = pathToFileURL(resolve(dir, 'report.html')).href;
  console.log(`${name}: ${url}`);
  const page = await browser.newPage();
  await page.init(1280, 800);
  const t0 = Date.now();
  await page.goto(url);
  console.log(`  (rendered in ${Date.now() - t0} ms)`);

  // The funnel: read, kept, removed, unreadable and every stage's removals equal stats.json.
  const dom = await page.eval(`(() => {
    const out = {};
    document.querySelectorAll('[data-funnel]').forEach((e) => {
      (out[e.dataset.funnel] ||= []).push({value: e.dataset.value, text: e.textContent});
    });
    return out;
  })()`);
  for (const key of ['read', 'kept', 'removed', 'unreadable']) {
    const got = dom[key] || [];
    check(got.length > 0 && got.every((g) => Number(g.value) === stats[key] && digits(g.text) === stats[key]),
      `${key} in the DOM (${got.map((g) => g.text).join(', ')}) = stats.json ${stats[key]}`);
  }
  const byStage = stats.removed_by_stage || {};
  let stageSum = 0;
  for (const [stage, reasons] of Object.entries(byStage)) {
    const n = Object.values(reasons).reduce((a, b) => a + b, 0);
    stageSum += n;
    const got = dom[`removed:${stage}`] || [];
    check(got.length === 1 && Number(got[0].value) === n && digits(got[0].text) === n,
      `funnel step ${stage}: ${got.map((g) => g.text).join()} = ${n}`);
  }
  if (stats.unreadable > 0) {
    const got = dom['unreadable-step'] || [];
    check(got.length === 1 && digits(got[0].text) === stats.unreadable, `funnel unreadable step = ${stats.unreadable}`);
  }
  check(stats.read === stats.kept + stageSum + stats.unreadable, 'stats.json: read = kept + removed + unreadable');

  // The stage table: one row per reason, the count of stats.json.
  const rows = await page.eval(`[...document.querySelectorAll('tr.reason-row')].map((r) =>
      [r.dataset.stage, r.dataset.reason, r.querySelector('[data-count]').dataset.count])`);
  const expectedRows = Object.entries(byStage).flatMap(([s, rs]) => Object.entries(rs).map(([r, n]) => [s, r, String(n)]));
  const key = (r) => r.join('\t');
  check(rows.length === expectedRows.length && expectedRows.every((e) => rows.some((r) => key(r) === key(e))),
    `stage table: ${rows.length} reason rows equal removed_by_stage`);

  // Unreadable inputs are listed with file and offset.
  if (stats.unreadable > 0) {
    const listed = await page.eval(`[...document.querySelectorAll('#unreadable-list tr')].map((r) => r.textContent)`);
    const first = (stats.unreadable_inputs || [])[0];
    check(listed.length === Math.min(100, (stats.unreadable_inputs || []).length) && listed[0].includes(first.file) &&
          listed[0].includes(String(first.offset)), `unreadable list names file and offset (${listed.length} rows)`);
  }

  await page.screenshot(`${shots}/${name}-top-1280x800.png`);

  // The sample browser: choose the reason with the most documents; its cards appear.
  const reasons = Object.entries(byStage).flatMap(([s, rs]) => Object.entries(rs).map(([r, n]) => ({ s, r, n })))
    .sort((a, b) => b.n - a.n);
  if (reasons.length) {
    for (const pick of [reasons[0], reasons[reasons.length - 1]]) {
      const shown = await page.eval(`(() => {
        const sel = document.querySelector('#sample-reason');
        sel.value = ${JSON.stringify(`${pick.s}\t${pick.r}`)};
        sel.dispatchEvent(new Event('change'));
        return [...document.querySelectorAll('#sample-docs article.doc')].map((a) =>
          ({stage: a.dataset.stage, reason: a.dataset.reason, text: a.querySelector('.text').textContent.length}));
      })()`);
      const per = 20;
      check(shown.length === Math.min(per, pick.n) && shown.every((d) => d.stage === pick.s && d.reason === pick.r),
        `sample browser: ${pick.s} / ${pick.r} shows ${shown.length} documents of that reason (of ${pick.n})`);
    }
    await page.eval(`(() => {
      const sel = document.querySelector('#sample-reason');
      sel.value = ${JSON.stringify(`${reasons[0].s}\t${reasons[0].r}`)};
      sel.dispatchEvent(new Event('change'));
      document.querySelector('#samples').scrollIntoView();
    })()`);
    await page.screenshot(`${shots}/${name}-samples-removed-1280x800.png`);
  }

  // The kept tab and its search box: the visible cards are exactly the sampled kept documents
  // whose title, URL, id or text contains the query.
  if (stats.kept > 0) {
    const res = await page.eval(`(async () => {
      document.querySelector('[data-tab="kept"]').click();
      const all = [...document.querySelectorAll('#sample-docs article.doc')].map((a) => a.dataset.id);
      const data = JSON.parse(document.getElementById('kilang-data').textContent).samples.kept.docs;
      // A query that matches some sampled documents but not all: a word of the first document.
      const words = (data[0].title + ' ' + data[0].text).toLowerCase().split(/[^\\p{L}\\p{N}]+/u)
        .filter((w) => w.length >= 6);
      const has = (d, q) => [d.title || '', d.url || '', d.id, d.text].some((s) => s.toLowerCase().includes(q));
      let q = words.find((w) => { const n = data.filter((d) => has(d, w)).length; return n > 0 && n < data.length; }) || words[0] || 'e';
      const input = document.querySelector('#kept-search');
      input.value = q.toUpperCase();
      input.dispatchEvent(new Event('input'));
      await new Promise((r) => setTimeout(r, 300));
      const shown = [...document.querySelectorAll('#sample-docs article.doc')].map((a) => a.dataset.id);
      const expected = data.filter((d) => has(d, q)).map((d) => d.id);
      const marks = document.querySelectorAll('#sample-docs mark').length;
      return {all: all.length, shown, expected, q, marks, note: document.querySelector('#sample-count').textContent};
    })()`);
    check(res.all === Math.min(200, stats.kept), `kept tab lists ${res.all} sampled documents`);
    check(res.shown.length === res.expected.length && res.shown.every((id, i) => id === res.expected[i]) &&
          (res.all === 1 || res.shown.length < res.all) && res.marks > 0,
      `search "${res.q}" filters ${res.all} to ${res.shown.length} (expected ${res.expected.length}), ${res.marks} highlights; "${res.note}"`);
    await page.screenshot(`${shots}/${name}-samples-kept-search-1280x800.png`);
  }

  // Marked lines: for each kind of mark (PII placeholder, repeated line), a sampled document that
  // has one shows its marked lines highlighted.
  for (const kind of ['pii', 'repeated']) {
    const marked = await page.eval(`(() => {
      const data = JSON.parse(document.getElementById('kilang-data').textContent).samples;
      const has = (x) => (x.marks || []).some((m) => m[1] === ${JSON.stringify(kind)});
      for (const r of data.removed) {
        const d = r.docs.find(has);
        if (d) return {tab: 'removed', key: r.stage + '\\t' + r.reason, id: d.id, marks: d.marks};
      }
      const d = data.kept.docs.find(has);
      return d ? {tab: 'kept', id: d.id, marks: d.marks} : null;
    })()`);
    if (!marked) continue;
    const got = await page.eval(`(async () => {
      const m = ${JSON.stringify(marked)};
      document.querySelector('[data-tab="' + m.tab + '"]').click();
      if (m.tab === 'removed') {
        const sel = document.querySelector('#sample-reason');
        sel.value = m.key;
        sel.dispatchEvent(new Event('change'));
      } else {
        const input = document.querySelector('#kept-search');
        input.value = '';
        input.dispatchEvent(new Event('input'));
        await new Promise((r) => setTimeout(r, 300));
      }
      const card = [...document.querySelectorAll('#sample-docs article.doc')].find((a) => a.dataset.id === m.id);
      card.scrollIntoView({block: 'center'});
      const lines = [...card.querySelectorAll('.text .ln')];
      return m.marks.map(([i, k]) => !!lines[i] && lines[i].classList.contains(k));
    })()`);
    check(got.length > 0 && got.every(Boolean),
      `marked lines: the ${marked.marks.length} marked line(s) of ${marked.id} (${kind}) are highlighted`);
    await page.screenshot(`${shots}/${name}-marked-${kind}-1280x800.png`);
  }

  // Other sections at 1280x800, and the whole page for review.
  for (const id of ['languages', 'lengths', 'dedup', 'inputs', 'facts']) {
    await page.eval(`document.getElementById(${JSON.stringify(id)}).scrollIntoView()`);
    await page.screenshot(`${shots}/${name}-${id}-1280x800.png`);
  }
  await page.eval('window.scrollTo(0, 0)');
  await page.screenshot(`${shots}/${name}-full-1280.png`, true);

  // Phone width: nothing wider than the screen.
  await page.viewport(390, 844, true);
  await page.goto(url);
  // Both tabs of the sample browser are laid out in turn; tables, code blocks and the section
  // bar scroll inside themselves, so they may be wider.
  const overflow = await page.eval(`(async () => {
    const w = document.documentElement.clientWidth;
    const wide = [];
    let scroll = 0;
    for (const tab of ['kept', 'removed']) {
      const button = document.querySelector('[data-tab="' + tab + '"]');
      if (button) button.click();
      await new Promise((r) => setTimeout(r, 100));
      scroll = Math.max(scroll, document.documentElement.scrollWidth);
      wide.push(...[...document.querySelectorAll('body *')].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > w + 1 && !e.closest('.table-scroll, .toc, pre, svg');
      }).map((e) => tab + ':' + e.tagName + '.' + e.className));
    }
    window.scrollTo(0, 0);
    return {scroll, w, wide: wide.slice(0, 5)};
  })()`);
  check(overflow.scroll <= overflow.w && overflow.wide.length === 0,
    `phone width 390: page ${overflow.scroll}px wide, elements past the edge: ${overflow.wide.join(', ') || 'none'}`);
  await page.screenshot(`${shots}/${name}-phone-390x844.png`);

  check(page.problems.length === 0, `no console errors or exceptions${page.problems.length ? ':\n    ' + page.problems.join('\n    ') : ''}`);
  const foreign = page.requests.filter((u) => u !== url);
  check(foreign.length === 0, `no network requests besides the file itself${foreign.length ? ': ' + foreign.join(', ') : ''}`);
  await browser.send('Target.closeTarget', { targetId: page.targetId });
}

const browser = await Browser.launch(chromium);
try {
  for (const dir of runs) await testRun(browser, dir);
} catch (e) {
  failures++;
  console.log(`  FAIL ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
