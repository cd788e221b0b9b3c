// Mozilla Readability.js (on linkedom's DOM) over the AEB pages, in memory, one thread: the
// baseline that scripts/bench_html.sh sets against build/bench/html_bench.
//
// usage: node bench.mjs [DIR] [--passes N] [--out PRED.jsonl]
//   Loads every *.html of DIR (default ../../../shared/data/aeb/html, i.e. /work/shared/data/...),
//   runs one warm-up pass, then N timed passes (default 3) of
//   `new Readability(parseHTML(html).document).parse()`, and prints key=value figures: MB/s and
//   pages/s by wall clock and by CPU time (process.cpuUsage(): user + system of the whole
//   process, as html_bench's getrusage(RUSAGE_SELF)), and the peak RSS
//   (process.resourceUsage().maxRSS). MB counts the raw page bytes, as html_bench does.
//   --out writes the warm-up pass's article text as {"id", "text"} lines for score.py.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

const here = dirname(fileURLToPath(import.meta.url));
let dir = resolve(here, '../../../shared/data/aeb/html');
let passes = 3;
let out = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--passes' && i + 1 < args.length) passes = Math.max(1, parseInt(args[++i], 10));
  else if (args[i] === '--out' && i + 1 < args.length) out = args[++i];
  else dir = args[i];
}

const names = readdirSync(dir).filter((n) => n.endsWith('.html')).sort();
if (names.length === 0) {
  console.error(`readability bench: no *.html in ${dir}`);
  process.exit(1);
}
let bytes = 0;
// The AEB pages are UTF-8; decoding is done once here, outside the timed passes (html_bench's
// extractor decodes inside them, which only makes the comparison kinder to Readability).
const pages = names.map((n) => {
  const buf = readFileSync(join(dir, n));
  bytes += buf.length;
  return buf.toString('utf8');
});

let sink = 0;
let failures = 0;
function runPass(texts) {
  for (let i = 0; i < pages.length; ++i) {
    let text = '';
    try {
      const { document } = parseHTML(pages[i]);
      const article = new Readability(document).parse();
      text = (article && article.textContent) || '';
    } catch (e) {
      ++failures;
    }
    sink += text.length;
    if (texts) texts.push(text);
  }
}

const texts = out ? [] : null;
runPass(texts);  // warm-up (and the texts for --out)
const warmupFailures = failures;
if (out) {
  const lines = names.map((n, i) =>
    JSON.stringify({ id: n.slice(0, -'.html'.length), text: texts[i].trim() }));
  writeFileSync(out, lines.join('\n') + '\n');
}

const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let p = 0; p < passes; ++p) runPass(null);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuUse = process.cpuUsage(cpu0);
const cpu = (cpuUse.user + cpuUse.system) / 1e6;
const mb = (bytes * passes) / 1e6;
const n = pages.length * passes;
const f = (x, d) => x.toFixed(d);
console.log(
  `readability: pages=${pages.length} mb_per_pass=${f(bytes / 1e6, 1)} passes=${passes} ` +
    `wall_s=${f(secs, 3)} cpu_s=${f(cpu, 3)} ` +
    `wall_mb_s=${f(mb / secs, 2)} wall_pages_s=${f(n / secs, 1)} ` +
    `cpu_mb_s=${f(mb / cpu, 2)} cpu_pages_s=${f(n / cpu, 1)} ` +
    `peak_rss_mb=${f(process.resourceUsage().maxRSS / 1024, 1)} ` +
    `failed_pages=${warmupFailures} node=${process.version} (sink ${sink % 10})`);
