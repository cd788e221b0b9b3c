// kilang report: renders the data embedded in #kilang-data. No libraries, no network: the
// charts are SVG drawn here, at the width of their container (redrawn when the window resizes).
(function () {
  'use strict';

  var D = JSON.parse(document.getElementById('kilang-data').textContent);
  var S = D.stats || {};
  var T = D.totals;
  var NF = new Intl.NumberFormat('en-US');
  var SVGNS = 'http://www.w3.org/2000/svg';
  var charts = [];  // {el, draw}: redrawn on resize
  var deferred = [];  // chart drawings that need their container in the page (its width)
  function later(f) { deferred.push(f); }

  // ---------- helpers ----------
  function fmt(n) { return NF.format(n); }
  function pct(n, d) {
    if (!d) return '–';
    var p = 100 * n / d;
    if (p === 0) return '0%';
    if (p < 0.1) return '<0.1%';
    if (p === 100) return '100%';
    if (p > 99.9) return '>99.9%';
    return (p < 10 ? p.toFixed(1) : p.toFixed(p < 99.5 ? 0 : 1)) + '%';
  }
  function bytes(n) {
    if (n < 1024) return fmt(n) + ' B';
    var u = ['KB', 'MB', 'GB', 'TB'], i = -1;
    do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
    return (n < 10 ? n.toFixed(1) : Math.round(n)) + ' ' + u[i];
  }
  function secs(s) {
    if (s == null) return '–';
    if (s < 1) return s.toFixed(2) + ' s';
    if (s < 100) return s.toFixed(1) + ' s';
    var m = Math.floor(s / 60);
    return m < 60 ? m + ' min ' + Math.round(s % 60) + ' s' : Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  function compact(n) {
    if (n < 1000) return String(Math.round(n * 100) / 100);
    if (n < 1e6) return (n / 1e3).toFixed(n < 1e4 ? 1 : 0).replace(/\.0$/, '') + 'k';
    if (n < 1e9) return (n / 1e6).toFixed(n < 1e7 ? 1 : 0).replace(/\.0$/, '') + 'M';
    return (n / 1e9).toFixed(1).replace(/\.0$/, '') + 'G';
  }
  function when(iso) { return iso.replace('T', ' ').replace(/\+00:00$/, ' UTC'); }
  // h('div.cls#id', {attr: v, onclick: f}, child, ...): a DOM element. Strings become text.
  function h(spec, attrs) {
    var m = spec.split(/(?=[.#])/), el = document.createElement(m[0]);
    for (var i = 1; i < m.length; i++) {
      if (m[i][0] === '.') el.classList.add(m[i].slice(1)); else el.id = m[i].slice(1);
    }
    var start = 1;
    if (attrs && typeof attrs === 'object' && !(attrs instanceof Node) && !Array.isArray(attrs)) {
      start = 2;
      for (var k in attrs) {
        var v = attrs[k];
        if (v == null || v === false) continue;
        if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else if (k === 'text') el.textContent = v;
        else if (k === 'style') el.setAttribute('style', v);
        else el.setAttribute(k, v === true ? '' : v);
      }
    }
    for (var j = start; j < arguments.length; j++) append(el, arguments[j]);
    return el;
  }
  function append(el, c) {
    if (c == null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  function svg(tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) if (attrs[k] != null) el.setAttribute(k, attrs[k]);
    for (var j = 2; j < arguments.length; j++) if (arguments[j]) el.appendChild(arguments[j]);
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function sum(a) { var s = 0; for (var i = 0; i < a.length; i++) s += a[i]; return s; }
  function num(n, key) {  // a number the tests read back: data-value holds it raw
    return h('span', {'data-funnel': key, 'data-value': String(n)}, fmt(n));
  }
  function section(id, title, lede) {
    var s = h('section.card#' + id, null, h('div.section-head', null, h('h2', null, title)));
    if (lede) s.appendChild(h('p.lede', null, lede));
    return s;
  }
  function empty(text) { return h('p.empty', null, text); }
  function legend(items) {
    return h('div.legend', null, items.map(function (it) {
      return h('span', null, h('i', {style: 'background:' + it[1]}), it[0]);
    }));
  }
  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
  }
  // A categorical palette for per-stage series.
  var PALETTE = ['#e0674b', '#f2a541', '#7b5cc4', '#3d8bd9', '#d45d9a', '#6c8f3a', '#b5835a',
                 '#4bb3c8', '#9c6ade', '#c4513b', '#5a7d9a', '#a3a13a'];
  function stageColor(stage) {
    var i = stageOrder.indexOf(stage);
    if (i < 0) i = stageOrder.length;
    return PALETTE[i % PALETTE.length];
  }
  var stageOrder = D.funnel.map(function (s) { return s.stage; });

  // ---------- tooltip ----------
  var tip = document.getElementById('tip');
  function showTip(e, text) {
    tip.textContent = '';
    String(text).split('\n').forEach(function (l, i) {
      if (i) tip.appendChild(document.createElement('br'));
      tip.appendChild(document.createTextNode(l));
    });
    tip.hidden = false;
    var x = e.clientX + 14, y = e.clientY + 14, r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 8) x = e.clientX - r.width - 14;
    if (y + r.height > window.innerHeight - 8) y = e.clientY - r.height - 14;
    tip.style.left = Math.max(4, x) + 'px';
    tip.style.top = Math.max(4, y) + 'px';
  }
  function hideTip() { tip.hidden = true; }
  function tipOn(el, text) {
    el.addEventListener('mousemove', function (e) { showTip(e, text); });
    el.addEventListener('mouseleave', hideTip);
  }

  // ---------- charts ----------
  function niceStep(max, ticks) {
    if (max <= 0) return 1;
    var raw = max / ticks, p = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / p;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * p;
  }
  function chart(el, draw) {
    var c = {el: el, draw: draw};
    charts.push(c);
    draw(el);
    return c;
  }
  // Vertical bars. o: {labels, series: [{name, color, values}], stacked, height, yfmt,
  // tipLabel(i)}
  function columns(el, o) {
    chart(el, function (el) {
      clear(el);
      var W = Math.max(260, el.clientWidth), H = o.height || 240;
      var mL = 52, mR = 8, mT = 10, mB = 46;
      var n = o.labels.length, series = o.series;
      var tot = o.labels.map(function (_, i) {
        return o.stacked ? sum(series.map(function (s) { return s.values[i]; }))
                         : Math.max.apply(null, series.map(function (s) { return s.values[i]; }));
      });
      var max = Math.max.apply(null, tot.concat([0]));
      var yfmt = o.yfmt || compact;
      var step = niceStep(max, 4), top = Math.max(step, Math.ceil(max / step) * step);
      var iw = W - mL - mR, ih = H - mT - mB, bw = iw / n;
      var root = svg('svg', {width: W, height: H, role: 'img', 'aria-label': o.title || 'chart'});
      for (var t = 0; t <= top + 1e-9; t += step) {
        var y = mT + ih - ih * t / top;
        root.appendChild(svg('line', {x1: mL, x2: W - mR, y1: y, y2: y, 'class': t ? 'grid' : 'axis'}));
        var lab = svg('text', {x: mL - 6, y: y + 4, 'text-anchor': 'end'});
        lab.textContent = yfmt(t);
        root.appendChild(lab);
      }
      var labelRight = -1e9;  // right end of the last x label drawn: labels never overlap
      function xLabel(cx, text) {
        var half = String(text).length * 3.4 + 4;
        if (cx - half < labelRight) return;
        labelRight = cx + half;
        var t = svg('text', {x: cx, y: H - mB + 16, 'text-anchor': 'middle'});
        t.textContent = text;
        root.appendChild(t);
      }
      for (var i = 0; i < n; i++) {
        var x = mL + i * bw, gap = Math.min(6, bw * 0.18);
        if (o.stacked) {
          var base = 0;
          series.forEach(function (s) {
            var v = s.values[i];
            if (!v) return;
            var h0 = ih * base / top, h1 = ih * (base + v) / top;
            root.appendChild(svg('rect', {x: x + gap / 2, width: Math.max(1, bw - gap),
              y: mT + ih - h1, height: Math.max(0.5, h1 - h0), fill: s.color, rx: 1.5}));
            base += v;
          });
        } else {
          var sw = (bw - gap) / series.length;
          series.forEach(function (s, k) {
            var v = s.values[i];
            if (!v) return;
            var hh = ih * v / top;
            root.appendChild(svg('rect', {x: x + gap / 2 + k * sw, width: Math.max(1, sw - 1),
              y: mT + ih - hh, height: Math.max(0.5, hh), fill: s.color, rx: 1.5}));
          });
        }
        xLabel(o.edgeLabels ? x : x + bw / 2, o.labels[i]);
        var hit = svg('rect', {x: x, y: mT, width: bw, height: ih, 'class': 'hit'});
        (function (i) {
          var lines = [o.tipLabel ? o.tipLabel(i) : o.labels[i]];
          series.forEach(function (s) {
            lines.push(s.name + ': ' + (o.tipfmt ? o.tipfmt(s.values[i], i, s) : fmt(s.values[i])));
          });
          tipOn(hit, lines.join('\n'));
        })(i);
        root.appendChild(hit);
      }
      if (o.edgeLabels && o.lastEdge != null) xLabel(mL + n * bw, o.lastEdge);
      if (o.xtitle) {
        var xt = svg('text', {x: mL + iw / 2, y: H - 6, 'text-anchor': 'middle'});
        xt.textContent = o.xtitle;
        root.appendChild(xt);
      }
      el.appendChild(root);
    });
  }
  // Horizontal stacked bars, one row per label. o: {labels, series, rowTip(i)}
  function rows(el, o) {
    chart(el, function (el) {
      clear(el);
      var longest = Math.max.apply(null, o.labels.map(function (l) { return String(l).length; }).concat([2]));
      var W = Math.max(260, el.clientWidth), rh = 22, mL = Math.min(W * 0.4, longest * 6.8 + 14), mR = 56;
      var n = o.labels.length, H = n * rh + 24;
      var tot = o.labels.map(function (_, i) { return sum(o.series.map(function (s) { return s.values[i]; })); });
      var max = o.share ? 100 : Math.max.apply(null, tot.concat([1]));
      var iw = W - mL - mR;
      var root = svg('svg', {width: W, height: H, role: 'img', 'aria-label': o.title || 'chart'});
      var step = o.share ? 25 : niceStep(max, 4);
      for (var t = 0; t <= max + 1e-9; t += step) {
        var x = mL + iw * t / max;
        root.appendChild(svg('line', {x1: x, x2: x, y1: 0, y2: n * rh, 'class': t ? 'grid' : 'axis'}));
        var tl = svg('text', {x: x, y: n * rh + 16, 'text-anchor': 'middle'});
        tl.textContent = o.share ? t + '%' : compact(t);
        root.appendChild(tl);
      }
      for (var i = 0; i < n; i++) {
        var y = i * rh, base = 0;
        var lab = svg('text', {x: mL - 8, y: y + rh / 2 + 4, 'text-anchor': 'end'});
        lab.textContent = o.labels[i];
        root.appendChild(lab);
        o.series.forEach(function (s) {
          var v = s.values[i];
          if (!v) return;
          root.appendChild(svg('rect', {x: mL + iw * base / max, y: y + 4, height: rh - 8,
            width: Math.max(1, iw * v / max), fill: s.color, rx: 2}));
          base += v;
        });
        var vl = svg('text', {x: mL + iw * tot[i] / max + 6, y: y + rh / 2 + 4});
        vl.textContent = o.share ? Math.round(o.series[0].values[i]) + '%' : compact(tot[i]);
        root.appendChild(vl);
        var hit = svg('rect', {x: 0, y: y, width: W, height: rh, 'class': 'hit'});
        tipOn(hit, o.rowTip(i));
        root.appendChild(hit);
      }
      el.appendChild(root);
    });
  }
  window.addEventListener('resize', (function () {
    var t = null;
    return function () {
      clearTimeout(t);
      t = setTimeout(function () { charts.forEach(function (c) { c.draw(c.el); }); }, 120);
    };
  })());

  // ---------- header ----------
  function header() {
    document.getElementById('run-dir').textContent = D.dir;
    var meta = [];
    if (T.read) meta.push('kept ' + fmt(T.kept) + ' of ' + fmt(T.read) + ' (' + pct(T.kept, T.read) + ')');
    if (D.run_started) meta.push('run started ' + when(D.run_started));
    meta.push('report ' + when(D.generated));
    meta.push('kilang ' + D.version);
    document.getElementById('run-meta').textContent = meta.join(' · ');
    document.getElementById('footer').textContent =
        'Generated by kilang ' + D.version + ' from ' + D.dir + '/stats.json and the run\'s shards. ' +
        'Every count in the funnel and the stage table is stats.json\'s; distributions and samples ' +
        'come from reading the shards (' + fmt(D.shards.read) + ' files).';
  }

  function tiles() {
    var t = h('div.tiles', {'data-section': 'totals'});
    function tile(cls, label, key, n, sub) {
      t.appendChild(h('div.tile.' + cls, null, h('div.label', null, label),
                      h('div.value', null, num(n, key)), h('div.sub', null, sub)));
    }
    tile('read', 'Read', 'read', T.read, 'documents and unreadable items');
    tile('kept', 'Kept', 'kept', T.kept, pct(T.kept, T.read) + ' of read');
    tile('removed', 'Removed', 'removed', T.removed, pct(T.removed, T.read) + ' of read');
    tile('unreadable', 'Unreadable', 'unreadable', T.unreadable, pct(T.unreadable, T.read) + ' of read');
    tile('skipped', 'Skipped', 'skipped', T.skipped, 'records that are not documents');
    return t;
  }

  function warnings() {
    if (!D.warnings.length) return null;
    return h('div.warning', {role: 'status'}, h('b', null, 'Worth a look: '),
             h('ul', null, D.warnings.map(function (w) { return h('li', null, w); })));
  }

  // ---------- funnel ----------
  // What a stage changed in the documents it kept: PII redactions, lines removed by line dedup.
  function edits(stage) {
    var C = S.counters || {}, n = 0;
    if (stage === 'pii') {
      Object.keys(C).forEach(function (k) { if (/^pii_/.test(k)) n += C[k]; });
      return n ? ' · ' + fmt(n) + ' redaction' + (n === 1 ? '' : 's') : '';
    }
    var le = D.dedup.line_edits[stage === 'line_dedup' ? 'dedup_lines_removed' : stage + '_lines_removed'];
    return le && le[0] ? ' · ' + fmt(le[0]) + ' edited' : '';
  }
  function funnel() {
    var s = section('funnel', 'Funnel',
        'Every input document, from read to kept: each stage removes part of what reaches it. ' +
        'The numbers are stats.json\'s; click a stage for its removed documents.');
    var f = h('div.funnel');
    var read = T.read || 0;
    function w(n) { return read ? (100 * n / read) + '%' : '0'; }
    f.appendChild(h('div.frow.total', null,
        h('div.name', {title: 'documents and unreadable items'}, 'read'),
        h('div.bar', null, h('span.all', {style: 'left:0;width:' + w(read)})),
        h('div.num', null, h('b', null, num(read, 'read')), ' ', h('span.muted', null, 'documents and unreadable items'))));
    D.funnel.forEach(function (st) {
      var after = st['in'] - st.removed, unread = st.stage === '(unreadable)';
      var row = h('div.frow.step' + (st.removed ? '' : '.zero'), {'data-stage': st.stage},
          h('div.name', null, unread ? 'unreadable' : st.stage),
          h('div.bar', null,
            h('span.pass', {style: 'left:0;width:' + w(after)}),
            h('span.cut' + (unread ? '.unreadable' : ''), {style: 'left:' + w(after) + ';width:' + w(st.removed)})),
          h('div.num', null, h('b', null, st.removed ? '−' : '', num(st.removed, unread ? 'unreadable-step' : 'removed:' + st.stage)),
            ' ', h('span.muted', null, (st.removed ? pct(st.removed, st['in']) + ' of ' + fmt(st['in']) : 'removed nothing') +
                   edits(st.stage))));
      var lines = [(unread ? 'unreadable' : st.stage) + ': ' + fmt(st['in']) + ' in, ' + fmt(st.removed) +
                   ' removed, ' + fmt(after) + ' left'];
      if (unread) lines.push('inputs that could not be read (see Inputs)');
      st.reasons.slice(0, 8).forEach(function (r) { lines.push('  ' + r[0] + ': ' + fmt(r[1])); });
      if (st.reasons.length > 8) lines.push('  … ' + (st.reasons.length - 8) + ' more reasons');
      tipOn(row, lines.join('\n'));
      row.addEventListener('click', function () {
        if (unread) document.getElementById('inputs').scrollIntoView();
        else if (st.removed) openSamples(st.stage, st.reasons[0][0]);
      });
      if (!unread && !st.removed) row.classList.remove('step');
      f.appendChild(row);
    });
    f.appendChild(h('div.frow.total', null,
        h('div.name', null, 'kept'),
        h('div.bar', null, h('span.keep', {style: 'left:0;width:' + w(T.kept)})),
        h('div.num', null, h('b', null, num(T.kept, 'kept')), ' ', h('span.muted', null, pct(T.kept, read) + ' of read'))));
    s.appendChild(f);
    if (!read) s.appendChild(empty('This run read no documents.'));
    var U = S.unreadable_inputs || [];
    if (T.unreadable) {
      var box = h('div.unread-box', null, h('b', null, fmt(T.unreadable) + ' unreadable input' + (T.unreadable === 1 ? '' : 's') + ': '));
      U.slice(0, 3).forEach(function (u, i) {
        box.appendChild(h('div.unread-item', null, h('code', null, u.file + '#' + u.offset), ' ', h('span.muted', null, u.reason)));
      });
      box.appendChild(h('a', {href: '#inputs'}, T.unreadable > 3 ? 'all ' + fmt(T.unreadable) + ' in Inputs ↓' : 'details in Inputs ↓'));
      s.appendChild(box);
    }
    return s;
  }

  // ---------- stages and reasons ----------
  function stages() {
    var s = section('stages', 'Stages and reasons',
        'What each stage removed and why, as a share of everything read and of what reached the ' +
        'stage. Click a reason to see sampled documents.');
    var rowsData = D.funnel.filter(function (st) { return st.removed > 0 && st.stage !== '(unreadable)'; });
    if (!rowsData.length) {
      s.appendChild(empty('No document was removed.'));
      return s;
    }
    var maxR = 0;
    rowsData.forEach(function (st) { st.reasons.forEach(function (r) { maxR = Math.max(maxR, r[1]); }); });
    var tb = h('tbody');
    rowsData.forEach(function (st) {
      tb.appendChild(h('tr.stage-row', {'data-stage': st.stage}, h('td', null, st.stage), h('td.n', null, fmt(st.removed)),
          h('td.n', null, pct(st.removed, T.read)), h('td.n', null, pct(st.removed, st['in'])), h('td.bar-cell'), h('td')));
      st.reasons.forEach(function (r) {
        tb.appendChild(h('tr.reason-row', {'data-stage': st.stage, 'data-reason': r[0],
                                           onclick: function () { openSamples(st.stage, r[0]); }},
            h('td', null, h('code', null, r[0])), h('td.n', {'data-count': String(r[1])}, fmt(r[1])),
            h('td.n', null, pct(r[1], T.read)), h('td.n', null, pct(r[1], st['in'])),
            h('td.bar-cell', null, h('span.minibar', {style: 'width:' + (100 * r[1] / maxR) + '%'})),
            h('td', null, h('span.link', null, 'samples →'))));
      });
    });
    s.appendChild(h('div.table-scroll', null, h('table', null,
        h('thead', null, h('tr', null, h('th', null, 'Stage / reason'), h('th.n', null, 'Documents'),
          h('th.n', null, 'Of read'), h('th.n', null, 'Of stage input'), h('th'), h('th'))), tb)));
    var pii = Object.keys(S.counters || {}).filter(function (k) { return /^pii_/.test(k); });
    if (pii.length) {
      s.appendChild(h('p.note', null, 'PII redactions (documents are kept, text changed): ',
          pii.map(function (k, i) { return [i ? ', ' : '', h('code', null, k), ' ', fmt(S.counters[k])]; })));
    }
    return s;
  }

  // ---------- languages ----------
  function languages() {
    var s = section('languages', 'Languages',
        'metadata.lang of every document in the shards, and the language-ID confidence (lang_score).');
    var langs = D.langs.filter(function (l) { return l[1] + l[2] > 0; });
    if (!langs.length) { s.appendChild(empty('No documents.')); return s; }
    var grid = h('div.grid2');
    var top = langs.slice(0, 15), rest = langs.slice(15);
    if (rest.length) {
      top = top.concat([['other (' + rest.length + ')', sum(rest.map(function (l) { return l[1]; })),
                         sum(rest.map(function (l) { return l[2]; }))]]);
    }
    var total = sum(langs.map(function (l) { return l[1] + l[2]; }));
    var names = null;
    try { names = new Intl.DisplayNames(['en'], {type: 'language'}); } catch (e) { names = null; }
    function langName(code) {
      if (!code) return 'none';
      if (/^other \(/.test(code)) return code;
      var n = null;
      try { n = names && names.of(code); } catch (e) { n = null; }
      return n && n !== code ? n + ' (' + code + ')' : code;
    }
    var a = h('div.chart#chart-langs');
    var b = h('div.chart#chart-scores');
    grid.appendChild(h('div', null, h('div.chart-title', null, 'Documents by language'),
        legend([['kept', cssVar('--kept')], ['removed', cssVar('--removed')]]), a,
        h('p.chart-note', null, langs.length + ' language' + (langs.length > 1 ? 's' : '') +
          (langs.some(function (l) { return !l[0]; }) ? '; "none": no language assigned (removed before language ID, or no text).' : '.'))));
    grid.appendChild(h('div', null, h('div.chart-title', null, 'Language-ID confidence'),
        legend([['kept', cssVar('--kept')], ['removed', cssVar('--removed')]]), b,
        h('p.chart-note', null, 'lang_score of documents that have one, in bins of 0.05.')));
    s.appendChild(grid);
    var share = false;
    function drawLangs() {
      charts = charts.filter(function (c) { return c.el !== a; });
      rows(a, {labels: top.map(function (l) { return langName(l[0]); }), share: share,
               series: [{name: 'kept', color: cssVar('--kept'), values: top.map(function (l) { return share ? 100 * l[1] / (l[1] + l[2]) : l[1]; })},
                        {name: 'removed', color: cssVar('--removed'), values: top.map(function (l) { return share ? 100 * l[2] / (l[1] + l[2]) : l[2]; })}],
               rowTip: function (i) {
                 var l = top[i], n = l[1] + l[2];
                 return langName(l[0]) + ': ' + fmt(n) + ' documents (' + pct(n, total) + ')\nkept ' + fmt(l[1]) +
                        ' · removed ' + fmt(l[2]) + ' (' + pct(l[2], n) + ')';
               }});
    }
    var toggle = h('div.seg', null, [['n', 'Documents'], ['share', '% kept']].map(function (o) {
      var btn = h('button' + (o[0] === 'n' ? '.on' : ''), {type: 'button', 'data-value': o[0]}, o[1]);
      btn.addEventListener('click', function () {
        share = o[0] === 'share';
        Array.prototype.forEach.call(toggle.children, function (c) { c.classList.toggle('on', c === btn); });
        drawLangs();
      });
      return btn;
    }));
    a.parentNode.insertBefore(h('div.controls', null, toggle), a.previousSibling);
    later(function () {
      drawLangs();
      var e = D.lang_scores.edges;
      columns(b, {labels: e.slice(0, -1).map(function (x) { return x.toFixed(1); }), edgeLabels: true, lastEdge: '1.0',
                  series: [{name: 'kept', color: cssVar('--kept'), values: D.lang_scores.kept},
                           {name: 'removed', color: cssVar('--removed'), values: D.lang_scores.removed}],
                  stacked: true, height: 230, xtitle: 'lang_score',
                  tipLabel: function (i) { return 'lang_score ' + e[i].toFixed(2) + '–' + e[i + 1].toFixed(2); }});
    });
    return s;
  }

  // ---------- lengths ----------
  function lengthLabel(e, i) {
    if (e[i] === 0 && e[i + 1] === 1) return '0';
    return compact(e[i]);
  }
  function median(edges, counts) {
    var n = sum(counts), half = n / 2, acc = 0;
    if (!n) return null;
    for (var i = 0; i < counts.length; i++) {
      if (acc + counts[i] >= half) {
        if (i === counts.length - 1) return edges[i];
        var f = counts[i] ? (half - acc) / counts[i] : 0;  // geometric interpolation in the bin
        var lo = Math.max(1, edges[i]), hi = edges[i + 1];
        return edges[i] === 0 ? 0 : Math.round(lo * Math.pow(hi / lo, f));
      }
      acc += counts[i];
    }
    return null;
  }
  function lengths() {
    var L = D.lengths, s = section('lengths', 'Document lengths',
        'Characters of text per document (log scale), kept against removed. Removed documents ' +
        'keep the text they had when their stage removed them.');
    if (!sum(L.kept) && !sum(L.removed)) { s.appendChild(empty('No documents.')); return s; }
    // Only the bins from the first to the last that holds a document, one spare on each side.
    var used = L.kept.map(function (k, i) { return k + L.removed[i] > 0; });
    var lo = Math.max(0, used.indexOf(true) - 1), hi = Math.min(used.length, used.lastIndexOf(true) + 2);
    function cut(a) { return a.slice(lo, hi); }
    var e = L.edges.slice(lo, hi + 1), labels = e.slice(0, -1).map(function (_, i) { return lengthLabel(e, i); });
    var mode = 'kvr', scale = 'count';
    var mk = median(L.edges, L.kept), mr = median(L.edges, L.removed);
    var facts = h('p.note', null,
        'Median ≈ ', h('b', null, mk == null ? '–' : fmt(mk)), ' characters kept, ',
        h('b', null, mr == null ? '–' : fmt(mr)), ' removed. Total text: ', bytesOrChars(L.chars_kept), ' kept, ',
        bytesOrChars(L.chars_removed), ' removed.');
    var el = h('div.chart#chart-lengths'), leg = h('div');
    function series() {
      var out;
      if (mode === 'kvr') {
        out = [{name: 'kept', color: cssVar('--kept'), values: cut(L.kept)},
               {name: 'removed', color: cssVar('--removed'), values: cut(L.removed)}];
      } else {
        out = stageOrder.filter(function (st) { return L.by_stage[st]; }).map(function (st) {
          return {name: st, color: stageColor(st), values: cut(L.by_stage[st])};
        });
        Object.keys(L.by_stage).forEach(function (st) {
          if (stageOrder.indexOf(st) < 0) out.push({name: st, color: stageColor(st), values: cut(L.by_stage[st])});
        });
      }
      if (scale === 'share') {
        out = out.map(function (x) {
          var t = sum(x.values) || 1;
          return {name: x.name, color: x.color, raw: x.values, values: x.values.map(function (v) { return 100 * v / t; })};
        });
      }
      return out;
    }
    function draw() {
      var ser = series();
      clear(leg);
      leg.appendChild(legend(ser.map(function (x) { return [x.name, x.color]; })));
      charts = charts.filter(function (c) { return c.el !== el; });
      columns(el, {labels: labels, series: ser, stacked: mode !== 'kvr', height: 260,
                   xtitle: 'characters of text (log scale)', edgeLabels: true,
                   lastEdge: hi < L.kept.length ? compact(e[e.length - 1]) : null,
                   yfmt: scale === 'share' ? function (v) { return Math.round(v) + '%'; } : compact,
                   tipfmt: function (v, i, sr) {
                     return scale === 'share' ? v.toFixed(1) + '% (' + fmt(sr.raw[i]) + ')' : fmt(v);
                   },
                   tipLabel: function (i) {
                     return e[i] === 0 && e[i + 1] === 1 ? 'empty text'
                         : fmt(e[i]) + (lo + i === L.kept.length - 1 ? '+' : '–' + fmt(e[i + 1] - 1)) + ' characters';
                   }});
    }
    function seg(options, get, set) {
      var g = h('div.seg');
      options.forEach(function (o) {
        var b = h('button', {type: 'button', 'data-value': o[0], onclick: function () {
          set(o[0]);
          Array.prototype.forEach.call(g.children, function (c) { c.classList.toggle('on', c === b); });
          draw();
        }}, o[1]);
        if (get() === o[0]) b.classList.add('on');
        g.appendChild(b);
      });
      return g;
    }
    s.appendChild(h('div.controls', null,
        seg([['kvr', 'Kept vs removed'], ['stage', 'Removed, by stage']], function () { return mode; }, function (v) { mode = v; }),
        seg([['count', 'Documents'], ['share', '% of each series']], function () { return scale; }, function (v) { scale = v; })));
    s.appendChild(leg);
    s.appendChild(el);
    s.appendChild(facts);
    later(draw);
    return s;
  }
  function bytesOrChars(n) { return compact(n) + ' characters'; }

  // ---------- dedup ----------
  function dedup() {
    var s = section('dedup', 'Deduplication',
        'Corpus-wide exact and MinHash near-duplicate removal, then repeated-line removal. Every ' +
        'cluster of duplicates keeps one document, its representative; the others name it in duplicate_of.');
    var R = S.removed_by_stage || {}, DD = S.dedup, X = D.dedup;
    function stageTotal(st) { return R[st] ? sum(Object.keys(R[st]).map(function (k) { return R[st][k]; })) : 0; }
    if (!DD && !stageTotal('exact_dedup') && !stageTotal('minhash_dedup') && !X.clusters) {
      s.appendChild(empty('Dedup did not run (dedup.enabled: false), or found nothing.'));
      return s;
    }
    var figs = h('div.figures');
    function fig(v, label, key, cls) {
      figs.appendChild(h('div.figure' + (cls || ''), key ? {'data-dedup': key, 'data-value': String(v)} : null,
                         h('div.value', null, fmt(v)), h('div.label', null, label)));
    }
    var le = X.line_edits.dedup_lines_removed;
    fig(stageTotal('exact_dedup'), 'exact duplicates removed', 'exact', '.rm');
    fig(stageTotal('minhash_dedup'), 'near duplicates removed (MinHash)', 'near', '.rm');
    fig(stageTotal('line_dedup'), 'too short after line removal', 'line', '.rm');
    fig(X.clusters, 'clusters (' + fmt(X.clustered_docs) + ' documents)', 'clusters');
    fig(le ? le[0] : 0, 'kept documents that lost lines');
    fig(le ? le[1] : 0, 'repeated lines removed from them');
    if (DD && DD.frequent_lines != null) fig(DD.frequent_lines, 'frequent lines found');
    if (DD && DD.candidate_pairs != null) fig(DD.candidate_pairs, 'MinHash candidate pairs (' + fmt(DD.verified_pairs || 0) + ' verified)');
    s.appendChild(figs);
    Object.keys(X.line_edits).forEach(function (k) {
      if (k === 'dedup_lines_removed') return;
      s.appendChild(h('p.note', null, h('code', null, k), ': ' + fmt(X.line_edits[k][0]) + ' kept documents lost ' +
                      fmt(X.line_edits[k][1]) + ' lines'));
    });
    var grid = h('div.grid2');
    var c = h('div.chart#chart-clusters');
    var ce = X.cluster_sizes.edges;
    var clabels = ce.slice(0, -1).map(function (x, i) {
      var hi = ce[i + 1] - 1;
      return i === ce.length - 2 ? '>' + compact(x - 1) : hi === x ? String(x) : compact(x) + '–' + compact(hi);
    });
    grid.appendChild(h('div', null, h('div.chart-title', null, 'Cluster sizes'),
        h('p.chart-note', null, 'Clusters by number of documents: the representative and its duplicates.'), c));
    var tbl = h('div');
    grid.appendChild(tbl);
    s.appendChild(grid);
    if (X.clusters) {
      later(function () {
        columns(c, {labels: clabels, series: [{name: 'clusters', color: cssVar('--accent'), values: X.cluster_sizes.counts}],
                    height: 230, xtitle: 'documents per cluster',
                    tipLabel: function (i) { return clabels[i] + ' documents per cluster'; }});
      });
    } else {
      c.appendChild(empty('No clusters (dedup.annotate off, or no duplicates).'));
    }
    tbl.appendChild(h('div.chart-title', null, 'Largest clusters'));
    tbl.appendChild(h('p.chart-note', null, 'Click a cluster for its removed members: ',
                      h('span.chip.exact', null, 'exact'), ' ', h('span.chip.near', null, 'near')));
    if (!X.top.length) {
      tbl.appendChild(empty('None.'));
      return s;
    }
    var tb = h('tbody');
    X.top.forEach(function (cl) {
      var more = cl.members_seen - cl.members.length;
      var mr = cl.member_reasons || {};
      var split = Object.keys(mr).map(function (k) {
        return fmt(mr[k]) + ' ' + (k === 'exact_duplicate' ? 'exact' : k === 'minhash_duplicate' ? 'near' : k);
      }).join(' · ');
      var detail = h('tr.cluster-members', {hidden: true}, h('td', {colspan: '3'},
          h('div.members', null, cl.members.map(function (m) {
            return h('span.chip.' + (m[1] === 'exact_duplicate' ? 'exact' : 'near'), {title: m[1]}, m[0]);
          }), more > 0 ? h('span.muted', null, '… and ' + fmt(more) + ' more') : null)));
      var row = h('tr.cluster', {'data-id': cl.id, title: 'click for the members'},
          h('td.n', null, h('b', null, fmt(cl.size))),
          h('td', null, h('div.clamp', {title: cl.title || cl.url || ''}, cl.title || cl.url || '(no title)'),
            h('span.chip', {title: 'representative id'}, cl.id)),
          h('td.n.muted', null, split || fmt(cl.members_seen)));
      row.addEventListener('click', function () { detail.hidden = !detail.hidden; row.classList.toggle('open', !detail.hidden); });
      tb.appendChild(row);
      tb.appendChild(detail);
    });
    tbl.appendChild(h('div.cluster-table.table-scroll', null, h('table', null,
        h('thead', null, h('tr', null, h('th.n', null, 'Size'), h('th', null, 'Representative (kept)'), h('th.n', null, 'Removed'))), tb)));
    tbl.appendChild(h('p.chart-note', null, 'A whole cluster: ',
                      h('code', null, 'zstdcat DIR/part-* DIR/removed/* | jq \'select(.metadata.dedup_cluster_id == "ID")\'')));
    return s;
  }

  // ---------- samples ----------
  var sampleState = {tab: 'removed', key: null, query: ''};
  var samplesEl, sampleBody;
  function reasonKey(stage, reason) { return stage + '\t' + reason; }
  function openSamples(stage, reason) {
    sampleState.tab = 'removed';
    sampleState.key = reasonKey(stage, reason);
    renderSamples();
    samplesEl.scrollIntoView({behavior: 'auto', block: 'start'});
  }
  function highlight(line, q) {
    if (!q) return [line];
    var out = [], lower = line.toLowerCase(), i = 0, j;
    while ((j = lower.indexOf(q, i)) >= 0) {
      if (j > i) out.push(line.slice(i, j));
      out.push(h('mark', null, line.slice(j, j + q.length)));
      i = j + q.length;
    }
    out.push(line.slice(i));
    return out;
  }
  // A PII line: the placeholders that redaction wrote are marked, the rest as usual.
  function placeholders(line, q) {
    var P = (D.samples.pii_placeholders || []).filter(Boolean), out = [], i = 0;
    for (;;) {
      var best = -1, len = 0;
      P.forEach(function (p) {
        var j = line.indexOf(p, i);
        if (j >= 0 && (best < 0 || j < best)) { best = j; len = p.length; }
      });
      if (best < 0) break;
      out.push(highlight(line.slice(i, best), q));
      out.push(h('mark.ph', {title: 'placeholder written by PII redaction'}, line.slice(best, best + len)));
      i = best + len;
    }
    out.push(highlight(line.slice(i), q));
    return out;
  }
  var MARK_LABEL = {pii: 'PII redacted on this line', repeated: 'line repeated in this document'};
  function docCard(d, kept, q) {
    var marks = {};
    (d.marks || []).forEach(function (m) { marks[m[0]] = m[1]; });
    var extra = {};
    (d.extra || []).forEach(function (kv) { extra[kv[0]] = kv[1]; });
    var meta = h('div.meta');
    if (d.url) meta.appendChild(h('a', {href: d.url, target: '_blank', rel: 'noreferrer noopener'}, d.url));
    meta.appendChild(h('span', null, 'id ', h('code', null, d.id)));
    if (d.source) meta.appendChild(h('span', {title: 'metadata.source'}, d.source));
    if (d.date) meta.appendChild(h('span', null, d.date));
    var tags = h('div.tags');
    if (!kept) tags.appendChild(h('span.tag.reason', null, d.stage + ' · ' + d.reason));
    if (d.lang) tags.appendChild(h('span.tag', null, d.lang + (d.lang_score != null ? ' ' + d.lang_score.toFixed(2) : '')));
    tags.appendChild(h('span.tag', null, fmt(d.chars) + ' chars · ' + fmt(d.lines) + ' line' + (d.lines === 1 ? '' : 's')));
    (d.extra || []).forEach(function (kv) {
      if (kv[0] === 'warc_date') return;
      var cls = /^pii_/.test(kv[0]) ? '.pii' : /lines_removed$/.test(kv[0]) ? '.rep' : '';
      tags.appendChild(h('span.tag' + cls, {title: kv[0] + ' = ' + kv[1]}, kv[0] + ': ' + kv[1]));
    });
    var text = h('div.text');
    var lines = d.text.split('\n'), hasMarks = false;
    lines.forEach(function (l, i) {
      var kind = marks[i];
      if (kind) hasMarks = true;
      text.appendChild(h('div.ln' + (kind ? '.' + kind : ''), kind ? {title: MARK_LABEL[kind] || kind} : null,
                         kind === 'pii' ? placeholders(l, q) : highlight(l, q)));
    });
    if (!d.text.length) text.appendChild(h('div.cut-note', null, '(empty text)'));
    if (d.truncated) {
      text.appendChild(h('div.cut-note', null, '… ' + fmt(d.chars - [...d.text].length) +
                         ' more characters are in the shard, not in this report.'));
    }
    var notes = [];
    Object.keys(extra).forEach(function (k) {
      var m = /^(.*)_lines_removed$/.exec(k);
      if (m) notes.push(h('p.note', null, (k === 'dedup_lines_removed' ? 'Repeated-line removal (line dedup)' : m[1]) +
                             ' removed ' + extra[k] + ' line' + (extra[k] === '1' ? '' : 's') +
                             ' from this document; removed lines are not kept in the output, so they cannot be shown.'));
    });
    if (extra.duplicate_of) {
      notes.push(h('p.note', null, 'Duplicate of ', h('code', null, extra.duplicate_of), ' (kept).'));
    }
    if (hasMarks) {
      var kinds = {};
      Object.keys(marks).forEach(function (k) { kinds[marks[k]] = true; });
      notes.push(h('p.note', null, 'Marked lines: ', Object.keys(kinds).map(function (k, i) {
        return [i ? ', ' : '', h('span.tag.' + (k === 'pii' ? 'pii' : 'rep'), null, MARK_LABEL[k] || k)];
      })));
    }
    var card = h('article.doc.' + (kept ? 'kept' : 'removed'),
                 {'data-id': d.id, 'data-stage': d.stage || '', 'data-reason': d.reason || 'kept'},
                 d.title ? h('h4', null, highlight(d.title, q)) : h('h4.untitled', null, '(no title)'), meta, tags, notes, text);
    var more = h('button.more', {type: 'button'}, 'Show all');
    more.addEventListener('click', function () {
      text.classList.toggle('open');
      more.textContent = text.classList.contains('open') ? 'Show less' : 'Show all';
    });
    card.appendChild(more);
    setTimeout(function () { if (text.scrollHeight <= text.clientHeight + 2) more.remove(); });
    return card;
  }
  function renderSamples() {
    clear(sampleBody);
    var R = D.samples.removed, K = D.samples.kept;
    var tabs = h('div.seg.tabs', {role: 'tablist'});
    [['removed', 'Removed documents'], ['kept', 'Kept documents']].forEach(function (t) {
      tabs.appendChild(h('button' + (sampleState.tab === t[0] ? '.on' : ''),
          {type: 'button', role: 'tab', 'data-tab': t[0], onclick: function () { sampleState.tab = t[0]; renderSamples(); }}, t[1]));
    });
    var bar = h('div.browser-bar', null, tabs);
    sampleBody.appendChild(bar);
    var list = h('div.docs#sample-docs'), note = h('span.count-note#sample-count');
    if (sampleState.tab === 'removed') {
      if (!R.length) { sampleBody.appendChild(empty('No document was removed.')); return; }
      if (!sampleState.key) sampleState.key = reasonKey(R[0].stage, R[0].reason);
      var sel = h('select#sample-reason', {'aria-label': 'stage and reason'});
      var groups = {};
      R.forEach(function (r) {
        var g = groups[r.stage];
        if (!g) { g = groups[r.stage] = h('optgroup', {label: r.stage}); sel.appendChild(g); }
        var k = reasonKey(r.stage, r.reason);
        g.appendChild(h('option', {value: k, selected: k === sampleState.key}, r.stage + ' · ' + r.reason + ' (' + fmt(r.seen) + ')'));
      });
      sel.value = sampleState.key;
      sel.addEventListener('change', function () { sampleState.key = sel.value; renderSamples(); });
      bar.appendChild(sel);
      bar.appendChild(note);
      var cur = R.filter(function (r) { return reasonKey(r.stage, r.reason) === sampleState.key; })[0] || R[0];
      note.textContent = cur.docs.length < cur.seen
          ? 'a sample of ' + fmt(cur.docs.length) + ' of ' + fmt(cur.seen) + ' documents'
          : fmt(cur.docs.length) + ' document' + (cur.docs.length === 1 ? '' : 's');
      if (cur.sampled === false) {
        list.appendChild(empty('Not sampled: the report samples the ' + 'first 100 reasons only (' + fmt(R.length) + ' here).'));
      } else if (!cur.docs.length) {
        list.appendChild(empty('No documents of this reason were found in removed/.'));
      }
      cur.docs.forEach(function (d) { list.appendChild(docCard(d, false, '')); });
    } else {
      var input = h('input#kept-search', {type: 'search', placeholder: 'Search the sampled kept documents (title, URL, id, text)',
                                          'aria-label': 'search kept documents', value: sampleState.query});
      bar.appendChild(input);
      bar.appendChild(note);
      function filter() {
        var q = sampleState.query.trim().toLowerCase(), shown = 0;
        clear(list);
        K.docs.forEach(function (d) {
          if (q && (d.title || '').toLowerCase().indexOf(q) < 0 && (d.url || '').toLowerCase().indexOf(q) < 0 &&
              d.id.toLowerCase().indexOf(q) < 0 && d.text.toLowerCase().indexOf(q) < 0) return;
          shown++;
          list.appendChild(docCard(d, true, q));
        });
        note.textContent = (q ? fmt(shown) + ' match' + (shown === 1 ? '' : 'es') + ' in ' : '') + 'a sample of ' +
            fmt(K.docs.length) + ' of ' + fmt(K.seen) + ' kept documents';
        if (!shown) list.appendChild(empty(K.docs.length ? 'No sampled kept document matches.' : 'No document was kept.'));
      }
      var t = null;
      input.addEventListener('input', function () {
        sampleState.query = input.value;
        clearTimeout(t);
        t = setTimeout(filter, 80);
      });
      filter();
    }
    sampleBody.appendChild(list);
    if (D.samples.text_cap_bytes != null) {
      sampleBody.appendChild(h('p.note', null, 'Texts are cut to ' + fmt(D.samples.text_cap_bytes) +
                               ' bytes each to keep this file small.'));
    }
  }
  function samples() {
    samplesEl = section('samples', 'Sample browser',
        'Documents sampled per stage and reason (deterministically: the same run gives the same ' +
        'sample). Lines that a stage changed or judged are marked where the output tells.');
    sampleBody = h('div');
    samplesEl.appendChild(sampleBody);
    renderSamples();
    return samplesEl;
  }

  // ---------- inputs: unreadable, warnings, skipped ----------
  function inputs() {
    var s = section('inputs', 'Inputs', null);
    var U = S.unreadable_inputs || [], byReason = S.unreadable_by_reason;
    s.appendChild(h('h3', null, 'Unreadable inputs ', h('span.muted', null, '(' + fmt(T.unreadable) + ')')));
    if (!T.unreadable) {
      s.appendChild(h('p.note', null, 'Every input record could be read.'));
    } else {
      if (byReason && Object.keys(byReason).length) {
        var tbr = h('tbody');
        Object.keys(byReason).sort(function (a, b) { return byReason[b] - byReason[a]; }).forEach(function (k) {
          tbr.appendChild(h('tr', null, h('td', null, k), h('td.n', null, fmt(byReason[k]))));
        });
        s.appendChild(h('div.table-scroll', null, h('table.narrow', null,
            h('thead', null, h('tr', null, h('th', null, 'Reason'), h('th.n', null, 'Items'))), tbr)));
      }
      var tb = h('tbody#unreadable-list');
      U.forEach(function (u) {
        tb.appendChild(h('tr', null, h('td', null, h('code', null, u.file)), h('td.n', null, fmt(u.offset)),
                         h('td', null, u.reason)));
      });
      s.appendChild(h('div.table-scroll', null, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'File'), h('th.n', null, 'Byte offset'), h('th', null, 'Reason'))), tb)));
      if (U.length < T.unreadable) {
        s.appendChild(h('p.note', null, 'The first ' + fmt(U.length) + ' of ' + fmt(T.unreadable) + ' are listed' +
                        (S.unreadable_file ? '; all of them are in ' : '.'), S.unreadable_file ? h('code', null, S.unreadable_file) : null));
      }
      s.appendChild(h('p.note', null, 'Offsets: compressed offset of the gzip member for per-record gzip WARC files (as in a CDX index), ' +
                      'else the offset in the decoded stream; see docs/pipeline.md.'));
    }
    var W = S.warnings || [];
    var wc = S.warnings_count != null ? S.warnings_count : W.length;  // stats.json's, or the report's
    if (wc) {
      s.appendChild(h('h3', null, 'Warnings ', h('span.muted', null, '(' + fmt(wc) + ')')));
      var tw = h('tbody');
      W.forEach(function (u) {
        tw.appendChild(h('tr', null, h('td', null, h('code', null, u.file)), h('td.n', null, fmt(u.offset)), h('td', null, u.reason)));
      });
      s.appendChild(h('div.table-scroll', null, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'File'), h('th.n', null, 'Byte offset'), h('th', null, 'Warning'))), tw)));
    }
    var SK = S.skipped_by_reason || {};
    s.appendChild(h('h3', null, 'Skipped records ', h('span.muted', null, '(' + fmt(T.skipped) + ', not documents, not counted in read)')));
    if (Object.keys(SK).length) {
      var ts = h('tbody');
      Object.keys(SK).sort(function (a, b) { return SK[b] - SK[a]; }).forEach(function (k) {
        ts.appendChild(h('tr', null, h('td', null, h('code', null, k)), h('td.n', null, fmt(SK[k]))));
      });
      s.appendChild(h('div.table-scroll', null, h('table.narrow', null,
          h('thead', null, h('tr', null, h('th', null, 'Kind'), h('th.n', null, 'Records'))), ts)));
    } else {
      s.appendChild(h('p.note', null, 'None.'));
    }
    var IG = S.ignored_files || [];
    if (IG.length) {
      s.appendChild(h('h3', null, 'Ignored files ', h('span.muted', null, '(' + fmt(S.ignored_files_count || IG.length) + ')')));
      s.appendChild(h('div.members', null, IG.slice(0, 200).map(function (f) { return h('span.chip', null, f); })));
    }
    return s;
  }

  // ---------- run facts ----------
  function facts() {
    var s = section('facts', 'Run facts', null), F = D.facts;
    var dl = h('dl.facts');
    function row(k, v) {
      if (v == null || v === '') return;
      dl.appendChild(h('dt', null, k));
      dl.appendChild(h('dd', null, v));
    }
    row('Output folder', h('code', null, D.dir));
    if (F) {
      row('kilang version', F.version);
      row('Started', when(F.started || D.run_started || ''));
      row('Finished', when(F.finished || ''));
      row('Wall time', secs(F.wall_seconds) + (F.tasks_resumed ? ' (this invocation; ' + fmt(F.tasks_resumed) + ' tasks were resumed from an earlier one)' : ''));
      row('Workers', F.workers ? String(F.workers) : 'all cores');
      row('Throughput', F.wall_seconds > 0 ? fmt(Math.round(F.docs / F.wall_seconds)) + ' documents/s · ' +
          (F.bytes_stored / 1e6 / F.wall_seconds).toFixed(1) + ' MB/s stored (' +
          (F.bytes_decoded / 1e6 / F.wall_seconds).toFixed(1) + ' MB/s decoded)' : '–');
      row('Inputs', h('div', null, F.inputs.map(function (i) { return h('div', null, h('code', null, i)); })));
    } else {
      row('Started', D.run_started ? when(D.run_started) : null);
      row('Run facts', 'not recorded (no .kilang/facts.json: the run was made by an older kilang, or not by the CLI)');
    }
    row('Tasks', S.tasks != null ? fmt(S.tasks) : null);
    row('Input', S.input_bytes != null ? bytes(S.input_bytes) + ' stored' : null);
    row('Output', S.output_bytes != null ? bytes(S.output_bytes) + ' of JSON Lines (uncompressed), ' + fmt((S.shards || []).length) + ' kept shards' : null);
    s.appendChild(dl);
    if (F && F.stage_cpu && Object.keys(F.stage_cpu).length) {
      s.appendChild(h('h3', null, 'CPU time per stage'));
      var parts = [['read (I/O, decompression, parsing)', F.read_cpu]];
      var names = Object.keys(F.stage_cpu).sort(function (a, b) {
        var ia = stageOrder.indexOf(a), ib = stageOrder.indexOf(b);
        return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib) || (a < b ? -1 : 1);
      });
      // A stage's rate: the documents that reached it (the funnel) per CPU second; only when this
      // invocation did the whole run (no resumed tasks).
      var inOf = {};
      D.funnel.forEach(function (st) { inOf[st.stage] = st['in']; });
      names.forEach(function (k) { parts.push([k, F.stage_cpu[k], F.tasks_resumed ? null : inOf[k]]); });
      parts.push(['write (JSON, compression, files)', F.write_cpu]);
      var totalCpu = sum(parts.map(function (p) { return p[1]; })), maxCpu = Math.max.apply(null, parts.map(function (p) { return p[1]; }));
      var tb = h('tbody');
      parts.forEach(function (p) {
        tb.appendChild(h('tr', null, h('td', null, p[0]), h('td.n', null, p[1].toFixed(2) + ' s'), h('td.n', null, pct(p[1], totalCpu)),
            h('td.bar-cell', null, h('span.minibar.cpu', {style: 'width:' + (maxCpu ? 100 * p[1] / maxCpu : 0) + '%'})),
            h('td.n', null, p[1] > 0.005 && (p.length < 3 ? F.docs : p[2]) ? fmt(Math.round((p.length < 3 ? F.docs : p[2]) / p[1])) + ' docs/CPU s' : '')));
      });
      s.appendChild(h('div.table-scroll', null, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Step'), h('th.n', null, 'CPU'), h('th.n', null, 'Share'), h('th'), h('th.n', null, 'Documents per CPU second'))), tb)));
      s.appendChild(h('p.note', null, 'Thread CPU seconds summed over workers for this invocation (the dedup phase is not included), ' +
                      'so they stay meaningful on a busy machine.'));
    }
    if (F && F.config) {
      s.appendChild(h('details', null, h('summary', null, 'Configuration (every option that shapes the output)'),
                      h('pre.config', null, F.config)));
    }
    s.appendChild(h('details', null, h('summary', null, 'stats.json'), h('pre.config', null, JSON.stringify(S, null, 2))));
    return s;
  }

  // ---------- navigation highlight ----------
  function trackNav() {
    var links = Array.prototype.slice.call(document.querySelectorAll('.toc a'));
    if (!('IntersectionObserver' in window)) return;
    var obs = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        links.forEach(function (a) { a.classList.toggle('active', a.getAttribute('href') === '#' + e.target.id); });
      });
    }, {rootMargin: '-45% 0px -50% 0px'});
    document.querySelectorAll('section.card').forEach(function (s) { obs.observe(s); });
  }

  // ---------- page ----------
  var app = document.getElementById('app');
  header();
  append(app, [tiles(), warnings(), funnel(), stages(), languages(), lengths(), dedup(), samples(), inputs(), facts()]);
  deferred.forEach(function (f) { f(); });
  deferred = [];
  trackNav();
  document.documentElement.setAttribute('data-ready', '1');
})();
