/**
 * The page served at GET /: one self-contained HTML file (inline CSS and JS, no build step, no
 * external requests). It only uses the public /v1 API, so it doubles as a usage example.
 * Kept free of backticks and "${" so it can live in this template literal.
 */
export const WEB_PAGE_HTML = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Color Wizard</title>
<style>
  :root { color-scheme: light dark; --accent: #c2410c; --line: #8884; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, sans-serif; }
  header { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; gap: 12px; align-items: baseline; }
  header h1 { margin: 0; font-size: 20px; }
  header span { opacity: .7; }
  main { display: grid; grid-template-columns: minmax(260px, 340px) 1fr; gap: 20px; padding: 20px; }
  @media (max-width: 760px) { main { grid-template-columns: 1fr; } }
  form { display: flex; flex-direction: column; gap: 10px; }
  label { display: flex; flex-direction: column; gap: 3px; font-weight: 600; font-size: 13px; }
  input[type=text], input[type=number], textarea { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
  .row { display: flex; gap: 10px; }
  .row > label { flex: 1; min-width: 0; }
  .row input { width: 100%; }
  #drop { border: 2px dashed var(--line); border-radius: 10px; padding: 18px; text-align: center; cursor: pointer; }
  #drop.over { border-color: var(--accent); background: #c2410c14; }
  button { font: inherit; padding: 8px 14px; border-radius: 6px; border: 1px solid var(--line); cursor: pointer; }
  button.primary { background: var(--accent); color: white; border-color: var(--accent); font-weight: 600; }
  button:disabled { opacity: .5; cursor: default; }
  #hint-tools { display: flex; gap: 8px; align-items: center; font-size: 13px; }
  #status { min-height: 1.4em; font-size: 13px; }
  #error { color: #dc2626; font-size: 13px; white-space: pre-wrap; }
  progress { width: 100%; }
  #stage { position: relative; display: inline-block; max-width: 100%; }
  #stage img { display: block; max-width: 100%; max-height: 60vh; cursor: crosshair; }
  #strokes { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
  .dot { position: absolute; width: 14px; height: 14px; margin: -7px 0 0 -7px; border-radius: 50%; border: 2px solid white; box-shadow: 0 0 0 1px black; }
  #results { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 14px; margin-top: 16px; }
  figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
  figure img { display: block; width: 100%; height: auto; }
  figcaption { padding: 6px 8px; font-size: 13px; display: flex; justify-content: space-between; gap: 8px; }
  .muted { opacity: .7; font-size: 13px; }
</style>
</head>
<body>
<header><h1>Color Wizard</h1><span>colorize black-and-white photos, keeping their lightness</span></header>
<main>
  <form id="form">
    <div id="drop" tabindex="0">Drop a photo here or <u>choose a file</u>
      <input id="file" type="file" accept="image/*" hidden>
    </div>
    <label>Prompt <input id="prompt" type="text" placeholder="red car, autumn trees" maxlength="1000"></label>
    <label>Negative prompt <input id="negative" type="text" placeholder="(optional)" maxlength="1000"></label>
    <div class="row">
      <label>Samples <input id="samples" type="number" min="1" max="16" value="2"></label>
      <label>Steps <input id="steps" type="number" min="1" max="500" placeholder="default"></label>
      <label>Seed <input id="seed" type="number" min="0" placeholder="random"></label>
    </div>
    <div id="hint-tools">
      <select id="tool" aria-label="hint tool"><option value="point">Point</option><option value="stroke">Stroke</option></select>
      <input id="hint-color" type="color" value="#cc2200" aria-label="hint color">
      <input id="stroke-width" type="number" min="1" max="200" value="8" style="width:4.5em" aria-label="stroke width" title="stroke width in pixels">
      <button id="clear-hints" type="button">Clear hints</button>
    </div>
    <label>Reference photo (its colors are transferred) <input id="reference" type="file" accept="image/*"></label>
    <label>Palette (restrict hues) <input id="palette" type="text" placeholder="#aa3322, #335577"></label>
    <label>Strength <span class="row"><input id="strength" type="range" min="0" max="2" step="0.05" value="1"><output id="strength-value">1.00</output></span></label>
    <div class="row">
      <button id="colorize" class="primary" type="submit" disabled>Colorize</button>
      <button id="cancel" type="button" disabled>Cancel</button>
    </div>
    <progress id="progress" max="1" value="0"></progress>
    <div id="status" role="status"></div>
    <div id="error" role="alert"></div>
  </form>
  <section>
    <div id="stage" hidden><img id="original" alt="original photo"><svg id="strokes" preserveAspectRatio="none"></svg></div>
    <p id="stage-help" class="muted">The photo appears here. Hints: click to add a point (right-click a dot to remove it) or drag to draw a stroke.</p>
    <div id="results"></div>
  </section>
</main>
<script>
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var state = { file: null, url: null, hints: [], strokes: [], drawing: null, job: null, source: null, madeStrength: 1 };

  function setStatus(text) { $('status').textContent = text; }
  function setError(text) { $('error').textContent = text || ''; }
  function busy(on) {
    $('colorize').disabled = on || !state.file;
    $('cancel').disabled = !on;
  }

  function setFile(file) {
    if (!file) return;
    if (state.url) URL.revokeObjectURL(state.url);
    state.file = file;
    state.url = URL.createObjectURL(file);
    state.hints = [];
    state.strokes = [];
    $('original').src = state.url;
    $('stage').hidden = false;
    $('stage-help').textContent = 'Click the photo to pin a color; right-click a dot to remove it.';
    $('results').textContent = '';
    setError('');
    setStatus(file.name + ' (' + Math.round(file.size / 1024) + ' KB)');
    renderHints();
    busy(false);
  }

  var drop = $('drop');
  drop.addEventListener('click', function () { $('file').click(); });
  drop.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') $('file').click(); });
  $('file').addEventListener('change', function () { setFile($('file').files[0]); });
  drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
  drop.addEventListener('drop', function (e) {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) setFile(e.dataTransfer.files[0]);
  });

  // Hints are in the photo's own pixels (as displayed, i.e. after EXIF orientation), like the API.
  function photoPoint(e) {
    var img = $('original'), box = img.getBoundingClientRect();
    var x = Math.round((e.clientX - box.left) * img.naturalWidth / box.width);
    var y = Math.round((e.clientY - box.top) * img.naturalHeight / box.height);
    return [Math.max(0, Math.min(img.naturalWidth - 1, x)), Math.max(0, Math.min(img.naturalHeight - 1, y))];
  }
  $('original').addEventListener('dragstart', function (e) { e.preventDefault(); });
  $('original').addEventListener('click', function (e) {
    if ($('tool').value !== 'point') return;
    var p = photoPoint(e);
    state.hints.push({ x: p[0], y: p[1], color: $('hint-color').value });
    renderHints();
  });
  // Strokes: drag on the photo; points closer than 3 photo pixels are dropped to keep requests small.
  $('original').addEventListener('mousedown', function (e) {
    if ($('tool').value !== 'stroke' || e.button !== 0) return;
    state.drawing = { points: [photoPoint(e)], color: $('hint-color').value, width: Number($('stroke-width').value) || 8 };
    state.strokes.push(state.drawing);
    renderHints();
  });
  window.addEventListener('mousemove', function (e) {
    if (!state.drawing) return;
    var p = photoPoint(e), pts = state.drawing.points, last = pts[pts.length - 1];
    if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) >= 3 && pts.length < 2000) { pts.push(p); renderHints(); }
  });
  window.addEventListener('mouseup', function () { state.drawing = null; });
  $('clear-hints').addEventListener('click', function () { state.hints = []; state.strokes = []; renderHints(); });

  function renderHints() {
    var stage = $('stage'), img = $('original');
    Array.prototype.slice.call(stage.querySelectorAll('.dot')).forEach(function (d) { d.remove(); });
    if (!img.naturalWidth) return;
    var svg = $('strokes');
    svg.setAttribute('viewBox', '0 0 ' + img.naturalWidth + ' ' + img.naturalHeight);
    svg.textContent = '';
    state.strokes.forEach(function (s) {
      var line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      line.setAttribute('points', s.points.map(function (p) { return p.join(','); }).join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', s.color);
      line.setAttribute('stroke-width', String(s.width));
      line.setAttribute('stroke-linecap', 'round');
      line.setAttribute('stroke-linejoin', 'round');
      line.setAttribute('opacity', '0.8');
      svg.appendChild(line);
    });
    state.hints.forEach(function (h, i) {
      var dot = document.createElement('span');
      dot.className = 'dot';
      dot.style.left = (100 * h.x / img.naturalWidth) + '%';
      dot.style.top = (100 * h.y / img.naturalHeight) + '%';
      dot.style.background = h.color;
      dot.title = h.color + ' at ' + h.x + ',' + h.y + ' (right-click to remove)';
      dot.addEventListener('contextmenu', function (e) { e.preventDefault(); state.hints.splice(i, 1); renderHints(); });
      stage.appendChild(dot);
    });
  }
  $('original').addEventListener('load', renderHints);

  function options() {
    var o = { prompt: $('prompt').value, negativePrompt: $('negative').value, samples: Number($('samples').value) || 1, hints: state.hints, strokes: state.strokes, strength: Number($('strength').value) };
    var palette = $('palette').value.split(',').map(function (c) { return c.trim(); }).filter(Boolean);
    if (palette.length) o.palette = palette;
    if ($('steps').value) o.steps = Number($('steps').value);
    if ($('seed').value) o.seed = Number($('seed').value);
    return o;
  }

  function describe(job) {
    if (job.state === 'queued') return 'Queued' + (job.position ? ' (position ' + job.position + ')' : '');
    if (job.state === 'running') return job.progress ? progressText(job.progress) : 'Running';
    return job.state;
  }
  function progressText(p) {
    var text = p.stage.charAt(0).toUpperCase() + p.stage.slice(1);
    if (p.step) text += ' step ' + p.step + '/' + p.totalSteps;
    return text + ' (' + Math.round(100 * p.fraction) + '%)';
  }

  function errorText(body, fallback) {
    return body && body.error ? body.error.code + ': ' + body.error.message : fallback;
  }

  $('form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!state.file) return;
    setError('');
    $('results').textContent = '';
    $('progress').value = 0;
    busy(true);
    setStatus('Uploading');
    var form = new FormData();
    form.append('image', state.file, state.file.name);
    var opts = options();
    state.madeStrength = opts.strength;
    form.append('options', JSON.stringify(opts));
    if ($('reference').files[0]) form.append('reference', $('reference').files[0], $('reference').files[0].name);
    fetch('/v1/colorizations', { method: 'POST', body: form })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (body) {
          if (!res.ok) throw new Error(errorText(body, 'HTTP ' + res.status));
          return body;
        });
      })
      .then(function (job) { state.job = job; setStatus(describe(job)); listen(job); })
      .catch(function (err) { busy(false); setStatus(''); setError(err.message); });
  });

  function listen(job) {
    var source = new EventSource(job.links.events);
    state.source = source;
    source.addEventListener('state', function (e) { setStatus(describe(JSON.parse(e.data))); });
    source.addEventListener('progress', function (e) {
      var p = JSON.parse(e.data);
      $('progress').value = p.fraction;
      setStatus(progressText(p));
    });
    function end(e) {
      source.close();
      state.source = null;
      busy(false);
      var job = JSON.parse(e.data);
      state.job = job;
      if (job.state === 'done') { $('progress').value = 1; setStatus('Done'); showResults(job); }
      else { setStatus(job.state); if (job.error) setError(job.error.code + ': ' + job.error.message); }
    }
    source.addEventListener('done', end);
    source.addEventListener('failed', end);
    source.addEventListener('cancelled', end);
  }

  $('cancel').addEventListener('click', function () {
    if (!state.job) return;
    setStatus('Cancelling');
    fetch(state.job.links.self, { method: 'DELETE' }).catch(function (err) { setError(err.message); });
  });

  function figure(src, caption, download) {
    var fig = document.createElement('figure');
    var img = document.createElement('img');
    img.src = src;
    img.alt = caption;
    fig.appendChild(img);
    var cap = document.createElement('figcaption');
    var label = document.createElement('span');
    label.textContent = caption;
    cap.appendChild(label);
    if (download) {
      var a = document.createElement('a');
      a.href = src;
      a.download = download;
      a.textContent = 'Download';
      cap.appendChild(a);
    }
    fig.appendChild(cap);
    return { fig: fig, img: img };
  }

  // The slider before a run sets its strength; after it, it re-tones the shown samples on the server
  // (GET …/samples/n?strength=, relative to the strength they were made with) without a new run.
  var toneTimer = null;
  $('strength').addEventListener('input', function () {
    var value = Number($('strength').value);
    $('strength-value').textContent = value.toFixed(2);
    clearTimeout(toneTimer);
    toneTimer = setTimeout(function () {
      if (!state.job || state.job.state !== 'done' || !state.madeStrength) return;
      var relative = Math.min(2, value / state.madeStrength);
      Array.prototype.slice.call(document.querySelectorAll('img.sample')).forEach(function (img) {
        img.src = img.dataset.href + (relative === 1 ? '' : '?strength=' + relative.toFixed(3));
      });
    }, 150);
  });

  function showResults(job) {
    var results = $('results');
    results.textContent = '';
    results.appendChild(figure(state.url, 'Original').fig);
    job.result.samples.forEach(function (s) {
      var ext = s.format === 'jpeg' ? 'jpg' : s.format;
      var f = figure(s.href, 'Sample ' + s.index + ' · seed ' + s.seed, 'colorized-' + s.index + '.' + ext);
      f.img.className = 'sample';
      f.img.dataset.href = s.href;
      results.appendChild(f.fig);
    });
  }
})();
</script>
</body>
</html>
`;
