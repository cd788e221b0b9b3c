// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (no npm packages):
// Chromium reads NUL-terminated JSON messages on fd 3 and writes its replies on fd 4.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class Browser {
  // Starts headless Chromium. Flags: /work/.library/env/machines/cpp.md "Known to work" (no
  // sandbox as root, no background networking: the machine's network is closed).
  static async launch(executable) {
    const profile = mkdtempSync(join(tmpdir(), 'kilang-chromium-'));
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-extensions', '--disable-default-apps', '--mute-audio', '--hide-scrollbars',
      '--disable-features=Translate,MediaRouter,OptimizationHints',
      `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
    ];
    // Its own process group, so that close() can end the helper processes it starts too.
    const proc = spawn(executable, args,
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
    const b = new Browser(proc, profile);
    await b.send('Target.setDiscoverTargets', { discover: false });
    return b;
  }

  constructor(proc, profile) {
    this.proc = proc;
    this.profile = profile;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.stderr = '';
    this.exited = false;
    let buf = Buffer.alloc(0);
    proc.stdio[4].on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let i;
      while ((i = buf.indexOf(0)) >= 0) {
        const msg = JSON.parse(buf.subarray(0, i).toString('utf8'));
        buf = buf.subarray(i + 1);
        this.dispatch(msg);
      }
    });
    proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-20000); });
    proc.on('exit', (code) => {
      this.exited = true;
      for (const { reject } of this.pending.values()) {
        reject(new Error(`chromium exited (${code}):\n${this.stderr}`));
      }
      this.pending.clear();
    });
  }

  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    for (const l of this.listeners) l(msg);
  }

  send(method, params = {}, sessionId = undefined) {
    if (this.exited) return Promise.reject(new Error('chromium is not running'));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.proc.stdio[3].write(JSON.stringify(msg) + '\0');
    });
  }

  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  async newPage() {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return new Page(this, targetId, sessionId);
  }

  async close() {
    if (!this.exited) {
      try { await Promise.race([this.send('Browser.close'), sleep(3000)]); } catch { /* gone */ }
      if (!this.exited) this.proc.kill('SIGKILL');
      await new Promise((r) => (this.exited ? r() : this.proc.on('exit', r)));
    }
    try { process.kill(-this.proc.pid, 'SIGKILL'); } catch { /* the group is gone */ }
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      console.log(`  (could not remove ${this.profile}: ${e.code})`);
    }
  }
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

export class Page {
  constructor(browser, targetId, sessionId) {
    this.b = browser;
    this.targetId = targetId;
    this.sessionId = sessionId;
    this.problems = [];  // console errors, exceptions, network requests
    this.requests = [];
    this.events = [];
    browser.on((m) => {
      if (m.sessionId !== sessionId) return;
      this.events.push(m.method);
      const p = m.params || {};
      if (m.method === 'Runtime.exceptionThrown') {
        const d = p.exceptionDetails || {};
        this.problems.push(`exception: ${d.exception?.description || d.text} at ${d.url}:${d.lineNumber}`);
      } else if (m.method === 'Runtime.consoleAPICalled' && ['error', 'assert', 'warning'].includes(p.type)) {
        this.problems.push(`console.${p.type}: ${(p.args || []).map((a) => a.value ?? a.description).join(' ')}`);
      } else if (m.method === 'Log.entryAdded' && ['error', 'warning'].includes(p.entry?.level)) {
        this.problems.push(`log ${p.entry.level} (${p.entry.source}): ${p.entry.text} ${p.entry.url || ''}`);
      } else if (m.method === 'Network.requestWillBeSent') {
        this.requests.push(p.request.url);
      }
    });
  }

  send(method, params) { return this.b.send(method, params, this.sessionId); }

  async init(width, height, mobile = false) {
    await this.send('Runtime.enable');
    await this.send('Log.enable');
    await this.send('Page.enable');
    await this.send('Network.enable');
    await this.viewport(width, height, mobile);
  }

  viewport(width, height, mobile = false) {
    return this.send('Emulation.setDeviceMetricsOverride',
      { width, height, deviceScaleFactor: 1, mobile });
  }

  async goto(url, readyExpr = 'document.documentElement.dataset.ready === "1"', timeoutMs = 20000) {
    this.requests = [];
    await this.send('Page.navigate', { url });
    const t0 = Date.now();
    for (;;) {
      const ready = await this.eval(`document.readyState === 'complete' && (${readyExpr})`).catch(() => false);
      if (ready) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) throw new Error(`${url}: not ready after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async eval(expr) {
    const r = await this.send('Runtime.evaluate',
      { expression: expr, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) {
      throw new Error(`eval failed: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}\n${expr}`);
    }
    return r.result.value;
  }

  async screenshot(path, fullPage = false) {
    const { writeFileSync } = await import('node:fs');
    const params = { format: 'png' };
    if (fullPage) {
      const size = await this.eval('({w: document.documentElement.clientWidth, h: document.documentElement.scrollHeight})');
      params.captureBeyondViewport = true;
      params.clip = { x: 0, y: 0, width: size.w, height: Math.min(size.h, 16000), scale: 1 };
    }
    const { data } = await this.send('Page.captureScreenshot', params);
    writeFileSync(path, Buffer.from(data, 'base64'));
  }
}
