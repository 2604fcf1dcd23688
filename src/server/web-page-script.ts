/**
 * Script of the page at GET / (see web-page.ts): plain browser JavaScript, no build step, no external
 * requests, only the public API. String.raw keeps backslashes as written; the text must hold no
 * backtick and no dollar-brace.
 *
 * Limits (samples, steps, seed, guidance, strength, hint radius, formats, …) are read from the
 * server's /openapi.json, which is generated from the options schema the server validates with, so
 * the page never carries its own copy of a limit.
 */
export const WEB_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };

  /** Small DOM builder: props are attributes, except class, text and on<event>. */
  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
    [].concat(children || []).forEach(function (child) { if (child !== null && child !== undefined && child !== false) node.append(child); });
    return node;
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svgNode(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    return node;
  }
  var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
  var plural = function (n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); };
  var num = function (n) { return Number(n).toLocaleString('en-US'); };
  var quote = function (text) { return '\u201c' + text + '\u201d'; };

  // At most this many of the page's jobs are uploaded or on the server at once: each has an
  // EventSource open, and browsers allow 6 connections per host (downloads need some too).
  var MAX_IN_FLIGHT = 3;
  // QUEUE_FULL and NOT_READY are worth waiting out; a batch should not fail because the server is busy.
  var MAX_RETRIES = 5;
  var FORMAT_NAMES = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF' };
  var EXTENSIONS = { jpeg: 'jpg' };
  var state = { limits: null, models: [], defaultModel: null, cards: [], waiting: [], nextId: 1 };

  // ---------------------------------------------------------------- limits from the server
  var spec = function (name) { return (state.limits && state.limits[name]) || {}; };
  function itemSpec(list, field) {
    var items = spec(list).items;
    return (items && items.properties && items.properties[field]) || {};
  }
  function bounds(s) {
    return {
      min: s.minimum !== undefined ? s.minimum : s.exclusiveMinimum,
      minExclusive: s.minimum === undefined && s.exclusiveMinimum !== undefined,
      max: s.maximum,
      integer: s.type === 'integer',
    };
  }
  function rangeText(s) {
    var b = bounds(s);
    if (b.min !== undefined && b.max !== undefined) return b.minExclusive ? ' above ' + num(b.min) + ' and at most ' + num(b.max) : ' from ' + num(b.min) + ' to ' + num(b.max);
    if (b.min !== undefined) return b.minExclusive ? ' above ' + num(b.min) : ' of at least ' + num(b.min);
    if (b.max !== undefined) return ' of at most ' + num(b.max);
    return '';
  }
  function setNumberLimits(input, s) {
    var b = bounds(s);
    if (b.min !== undefined) input.min = String(b.min);
    if (b.max !== undefined) input.max = String(b.max);
    if (input.type === 'number') input.step = b.integer ? '1' : 'any';
    if (input.hasAttribute('data-default') && s.default !== undefined) input.value = String(s.default);
  }
  function fillSelect(select, values, names, keepFirst) {
    var first = keepFirst ? select.options[0] : null;
    select.textContent = '';
    if (first) select.append(first);
    (values || []).forEach(function (value) { select.append(h('option', { value: value, text: (names && names[value]) || value })); });
  }
  function applyLimits() {
    ['samples', 'seed', 'steps', 'guidance', 'temperature', 'anchor', 'strength', 'quality'].forEach(function (name) { setNumberLimits($(name), spec(name)); });
    setNumberLimits($('hint-radius'), itemSpec('hints', 'radius'));
    setNumberLimits($('stroke-width'), itemSpec('strokes', 'width'));
    if (spec('prompt').maxLength) $('prompt').maxLength = spec('prompt').maxLength;
    if (spec('negativePrompt').maxLength) $('negative').maxLength = spec('negativePrompt').maxLength;
    fillSelect($('format'), spec('format').enum, FORMAT_NAMES, false);
    if (spec('format').default) $('format').value = spec('format').default;
    fillSelect($('scheduler'), spec('scheduler').enum, null, true);
    showStrength();
    showQuality();
  }
  function loadLimits() {
    return fetch('/openapi.json')
      .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
      .then(function (doc) {
        state.limits = doc.components.schemas.ColorizeOptions.properties;
        applyLimits();
      })
      .catch(function () {
        state.limits = {};
        var note = $('limits-note');
        note.textContent = 'Could not read the server\u2019s limits (/openapi.json); the server will check the settings when you colorize.';
        note.hidden = false;
      })
      .then(updateAll);
  }
  function loadModels() {
    return fetch('/v1/models')
      .then(function (res) { return res.ok ? res.json() : { default: null, models: [] }; })
      .then(function (list) {
        state.models = list.models || [];
        state.defaultModel = list.default;
        var select = $('model');
        select.textContent = '';
        select.append(h('option', { value: '', text: list.default ? list.default + ' (default)' : 'server default' }));
        state.models.filter(function (m) { return m.name !== list.default; }).forEach(function (m) { select.append(h('option', { value: m.name, text: m.name })); });
        $('model-field').hidden = state.models.length < 2;
        showPackDefaults();
      })
      .catch(function () { /* the listing is a convenience: the pack's defaults still apply */ });
  }
  /** Placeholders say what an empty field means: the chosen pack's own default. */
  function showPackDefaults() {
    var name = $('model').value || state.defaultModel;
    var model = state.models.filter(function (m) { return m.name === name; })[0];
    var d = (model && model.defaults) || {};
    $('steps').placeholder = d.steps !== undefined ? 'default ' + d.steps : 'default';
    $('guidance').placeholder = d.guidance !== undefined ? 'default ' + d.guidance : 'default';
    $('temperature').placeholder = d.temperature !== undefined ? 'default ' + d.temperature : 'default';
    $('anchor').placeholder = d.anchor !== undefined ? 'default ' + d.anchor : 'default';
    $('scheduler').options[0].textContent = d.scheduler ? 'pack default (' + d.scheduler + ')' : 'pack default';
  }
  $('model').addEventListener('change', showPackDefaults);

  // ---------------------------------------------------------------- checking what the person typed
  function Invalid(input, message) { this.input = input; this.message = message; }
  function readNumber(input, label, s, optional) {
    var text = input.value.trim();
    var b = bounds(s);
    var kind = b.integer ? 'a whole number' : 'a number';
    if (input.validity && input.validity.badInput) throw new Invalid(input, label + ' must be ' + kind + rangeText(s) + '.');
    if (text === '') {
      if (optional) return undefined;
      throw new Invalid(input, label + ' is empty: enter ' + kind + rangeText(s) + '.');
    }
    var value = Number(text);
    var ok = Number.isFinite(value) && (!b.integer || Number.isInteger(value)) &&
      (b.min === undefined || (b.minExclusive ? value > b.min : value >= b.min)) && (b.max === undefined || value <= b.max);
    if (!ok) throw new Invalid(input, label + ' must be ' + kind + rangeText(s) + ' (it is ' + text.slice(0, 24) + ').');
    return value;
  }
  function readText(input, label, s) {
    var value = input.value;
    if (s.maxLength !== undefined && value.length > s.maxLength) throw new Invalid(input, label + ' is too long: at most ' + num(s.maxLength) + ' characters (it has ' + num(value.length) + ').');
    return value;
  }
  function readPalette() {
    var input = $('palette');
    var colors = input.value.split(/[\s,;]+/).filter(Boolean);
    if (!colors.length) return undefined;
    var s = spec('palette');
    // An item is a hex pattern, or (anyOf) a hex pattern or one of the lexicon's color names.
    var items = s.items || {};
    var alts = items.anyOf || [items];
    var patterns = alts.filter(function (x) { return x.pattern; }).map(function (x) { return new RegExp(x.pattern); });
    var names = [].concat.apply([], alts.filter(function (x) { return x.enum; }).map(function (x) { return x.enum; }));
    colors.forEach(function (c) {
      var ok = (!patterns.length && !names.length) || patterns.some(function (r) { return r.test(c); }) || names.indexOf(c) >= 0;
      if (!ok) throw new Invalid(input, 'Palette: ' + quote(c) + ' is not a color. Write colors like #cc2200, #c20 or red, separated by commas.');
    });
    if (s.maxItems !== undefined && colors.length > s.maxItems) throw new Invalid(input, 'Palette has ' + colors.length + ' colors; at most ' + s.maxItems + ' are allowed.');
    return colors;
  }
  function isLossy(format) { return format && format !== 'png'; }
  /** The run's options from the form, or an Invalid naming the field. Hints and strokes are per photo. */
  function collectSettings() {
    var o = {};
    o.prompt = readText($('prompt'), 'Prompt', spec('prompt'));
    o.negativePrompt = readText($('negative'), 'Negative prompt', spec('negativePrompt'));
    o.samples = readNumber($('samples'), 'Samples', spec('samples'), false);
    var seed = readNumber($('seed'), 'Seed', spec('seed'), true);
    if (seed !== undefined) o.seed = seed;
    var steps = readNumber($('steps'), 'Steps', spec('steps'), true);
    if (steps !== undefined) o.steps = steps;
    var guidance = readNumber($('guidance'), 'Guidance', spec('guidance'), true);
    if (guidance !== undefined) o.guidance = guidance;
    var temperature = readNumber($('temperature'), 'Temperature', spec('temperature'), true);
    if (temperature !== undefined) o.temperature = temperature;
    var anchor = readNumber($('anchor'), 'Anchor', spec('anchor'), true);
    if (anchor !== undefined) o.anchor = anchor;
    o.strength = readNumber($('strength'), 'Strength', spec('strength'), false);
    if ($('format').value) o.format = $('format').value;
    if (isLossy(o.format)) o.quality = readNumber($('quality'), 'Quality', spec('quality'), false);
    if ($('scheduler').value) o.scheduler = $('scheduler').value;
    if ($('model').value) o.model = $('model').value;
    var palette = readPalette();
    if (palette) o.palette = palette;
    return { options: o, reference: $('reference').files[0] };
  }
  function clearInvalid(input) { input.removeAttribute('aria-invalid'); }
  document.querySelectorAll('input, select').forEach(function (input) {
    input.addEventListener('input', function () { clearInvalid(input); });
  });
  function showInvalid(err) {
    document.querySelectorAll('[aria-invalid]').forEach(clearInvalid);
    err.input.setAttribute('aria-invalid', 'true');
    showBanner($('form-error'), { title: err.message });
    err.input.focus();
  }

  // ---------------------------------------------------------------- messages a person understands
  var PLAIN = {
    INPUT_IMAGE: 'The server could not use this photo.',
    UNSUPPORTED_MEDIA_TYPE: 'The server does not read this kind of file.',
    OPTIONS: 'The server did not accept these settings.',
    SCHEDULER_CONFIG: 'The model pack\u2019s sampler settings do not work with these settings.',
    BODY_TOO_LARGE: 'This file is larger than the server accepts.',
    JOB_TOO_LARGE: 'This job is too big for the server: try fewer samples or a smaller photo.',
    QUEUE_FULL: 'The server is busy with other photos.',
    NOT_READY: 'The server is still starting up (loading the model).',
    SHUTTING_DOWN: 'The server is shutting down.',
    TIMEOUT: 'The colorization took longer than the server allows.',
    MODEL_RUN: 'The colorizer failed while running the model.',
    MODEL_PACK: 'The server could not load its model.',
    OUTPUT: 'The server could not save the result.',
    QUEUE: 'The server lost contact with its job queue.',
    WORKER_LOST: 'The machine running this photo stopped. Try again.',
    INTERNAL: 'Something went wrong on the server.',
    NOT_FOUND: 'This job is no longer on the server (it expired, or the server restarted).',
    CONFLICT: 'The result is not ready yet.',
    BAD_REQUEST: 'The server could not read the request.',
    URI_TOO_LONG: 'The request address was too long.',
    CANCELLED: 'The colorization was cancelled.',
    NETWORK: 'No answer from the server. Is color-wizard serve still running?',
  };
  function ServerError(info) { this.code = info.code; this.message = info.message; this.details = info.details; }
  function serverError(body, status) {
    if (body && body.error && body.error.code) return new ServerError(body.error);
    return new ServerError({ code: status ? 'HTTP_' + status : 'NETWORK', message: status ? 'HTTP status ' + status : 'the request did not reach the server' });
  }
  function explain(err) {
    if (err instanceof ServerError) {
      var plain = PLAIN[err.code] || 'The server refused the request.';
      return { title: plain, text: err.message && err.message !== plain ? err.message : '', code: err.code };
    }
    return { title: 'Something went wrong in this page.', text: String(err && err.message || err), code: 'PAGE' };
  }
  function showBanner(node, content) {
    node.textContent = '';
    node.append(h('strong', { text: content.title }));
    if (content.text) node.append(h('p', { text: content.text }));
    if (content.items) node.append(h('ul', {}, content.items.map(function (t) { return h('li', { text: t }); })));
    if (content.note) node.append(h('p', { text: content.note }));
    if (content.code) node.append(h('small', { class: 'code', text: 'Error code: ' + content.code }));
    node.hidden = false;
  }
  function hideBanner(node) { node.hidden = true; node.textContent = ''; }

  // ---------------------------------------------------------------- files: refuse non-images here
  /** The magic numbers the server sniffs (src/server/sniff-image.ts), so a file it would refuse stays here. */
  function sniff(b) {
    if (b.length < 12) return undefined;
    var s = function (i, j) { return String.fromCharCode.apply(null, b.subarray(i, j)); };
    if (b[0] === 0x89 && s(1, 4) === 'PNG') return 'png';
    if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
    if (s(0, 4) === 'RIFF' && s(8, 12) === 'WEBP') return 'webp';
    if (s(0, 4) === 'GIF8') return 'gif';
    if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a)) return 'tiff';
    if (s(4, 8) === 'ftyp') {
      var brand = s(8, 12);
      if (brand === 'avif' || brand === 'avis') return 'avif';
      if (['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].indexOf(brand) >= 0) return 'heif';
    }
    return undefined;
  }
  var READABLE = 'PNG, JPEG, WebP, GIF, TIFF, AVIF and HEIF';
  function checkImageFile(file) {
    var name = quote(file.name || 'the file');
    if (file.type && file.type.slice(0, 6) !== 'image/') return Promise.resolve({ file: file, error: name + ' is not an image (its type is ' + file.type + ').' });
    if (file.size === 0) return Promise.resolve({ file: file, error: name + ' is empty.' });
    return file.slice(0, 16).arrayBuffer().then(function (buf) {
      var format = sniff(new Uint8Array(buf));
      return format ? { file: file, format: format } : { file: file, error: name + ' is not really an image: its contents are not a format the server reads.' };
    }, function () { return { file: file, error: name + ' could not be read.' }; });
  }
  function addFiles(list) {
    var files = Array.prototype.slice.call(list);
    if (!files.length) return;
    Promise.all(files.map(checkImageFile)).then(function (checked) {
      var refused = checked.filter(function (c) { return c.error; });
      checked.forEach(function (c) { if (!c.error) addCard(c.file, c.format); });
      if (refused.length) {
        showBanner($('file-error'), {
          title: refused.length === 1 ? 'This file was not added:' : refused.length + ' files were not added:',
          items: refused.map(function (c) { return c.error; }),
          note: 'The server reads ' + READABLE + '.',
        });
      } else hideBanner($('file-error'));
    });
  }
  $('reference').addEventListener('change', function () {
    var file = $('reference').files[0];
    if (!file) return;
    checkImageFile(file).then(function (c) {
      if (!c.error) { hideBanner($('form-error')); return; }
      $('reference').value = '';
      showBanner($('form-error'), { title: 'The reference photo was not used.', text: c.error });
    });
  });

  var drop = $('drop');
  drop.addEventListener('click', function () { $('file').click(); });
  drop.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('file').click(); }
  });
  $('file').addEventListener('change', function () { addFiles($('file').files); $('file').value = ''; });
  // The whole page takes dropped photos; the reference field keeps its own drops.
  var isFileInput = function (t) { return t && t.tagName === 'INPUT' && t.type === 'file'; };
  var hasFiles = function (e) { return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], 'Files') >= 0; };
  document.addEventListener('dragover', function (e) {
    if (!hasFiles(e) || isFileInput(e.target)) return;
    e.preventDefault();
    drop.classList.add('over');
  });
  document.addEventListener('dragleave', function (e) { if (!e.relatedTarget) drop.classList.remove('over'); });
  document.addEventListener('drop', function (e) {
    drop.classList.remove('over');
    if (isFileInput(e.target)) return;
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) addFiles(e.dataTransfer.files);
  });

  // ---------------------------------------------------------------- photo cards
  function stemOf(name) {
    var stem = String(name || '').replace(/\.[^.]*$/, '').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim();
    return stem || 'photo';
  }
  function sizeText(bytes) { return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(bytes / 1024)) + ' KB'; }
  function clock(ms) {
    var s = Math.max(0, Math.round(ms / 1000)), hours = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return (hours ? hours + ':' + pad(m) : String(m)) + ':' + pad(sec);
  }

  function addCard(file, format) {
    var card = { id: state.nextId++, file: file, format: format, name: file.name || 'photo', stem: stemOf(file.name), url: URL.createObjectURL(file),
      hints: [], strokes: [], cursor: [0.5, 0.5], status: 'ready', attempts: 0, result: null };
    var id = 'card-' + card.id;
    var e = card.els = {};
    e.title = h('h3', { id: id + '-title', class: 'card-title', text: card.name, title: card.name });
    e.meta = h('span', { class: 'card-meta', text: sizeText(file.size) });
    e.remove = h('button', { type: 'button', class: 'small remove', text: 'Remove', 'aria-label': 'Remove ' + card.name, onclick: function () { removeCard(card); } });
    e.img = h('img', { class: 'original', alt: card.name + ' (original)', draggable: 'false' });
    e.svg = svgNode('svg', { class: 'strokes', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
    e.marker = h('span', { class: 'marker', 'aria-hidden': 'true' });
    e.stage = h('div', { class: 'stage', tabindex: '0', role: 'application', 'aria-roledescription': 'photo for color hints',
      'aria-label': card.name + ': color hints', 'aria-describedby': 'hint-help' }, [e.img, e.svg, e.marker]);
    e.hintCount = h('span', { class: 'muted hint-count' });
    e.clearHints = h('button', { type: 'button', class: 'small clear-hints', text: 'Clear hints', onclick: function () { card.hints = []; card.strokes = []; renderHints(card); } });
    e.editHints = h('button', { type: 'button', class: 'edit-hints', text: 'Edit hints', 'aria-expanded': 'false', hidden: true, onclick: function () {
      var open = e.stage.hidden;
      e.stage.hidden = !open;
      e.hintBar.hidden = !open;
      e.editHints.setAttribute('aria-expanded', String(open));
    } });
    e.hintBar = h('div', { class: 'hint-bar' }, [e.hintCount, e.clearHints]);
    e.state = h('p', { class: 'card-state', role: 'status' });
    e.progress = h('progress', { max: '1', value: '0', 'aria-label': 'Progress of ' + card.name });
    e.detail = h('p', { class: 'progress-detail' });
    e.time = h('p', { class: 'progress-time' });
    e.progressBox = h('div', { class: 'progress-box', hidden: true }, [e.progress, e.detail, e.time]);
    e.error = h('div', { class: 'banner error card-error', role: 'alert', hidden: true });
    e.results = h('div', { class: 'results' });
    e.run = h('button', { type: 'button', class: 'run', text: 'Colorize', onclick: function () { runCards([card]); } });
    e.cancel = h('button', { type: 'button', class: 'cancel', text: 'Cancel', hidden: true, onclick: function () { cancelCard(card); } });
    e.zip = h('button', { type: 'button', class: 'zip', text: 'Download all (.zip)', hidden: true, 'aria-label': 'Download all samples of ' + card.name + ' as a zip',
      onclick: function () { downloadZip([card], card.stem + '_colorized.zip', e.zip, e.error); } });
    e.root = h('article', { class: 'card', id: id, 'aria-labelledby': id + '-title' }, [
      h('div', { class: 'card-head' }, [e.title, e.meta, e.remove]),
      e.stage, e.hintBar, e.state, e.progressBox, e.error, e.results,
      h('div', { class: 'card-actions' }, [e.run, e.cancel, e.zip, e.editHints]),
    ]);
    wireStage(card);
    e.img.addEventListener('load', function () {
      card.width = e.img.naturalWidth;
      card.height = e.img.naturalHeight;
      e.meta.textContent = card.width + ' \u00d7 ' + card.height + ' px \u00b7 ' + sizeText(file.size);
      renderHints(card);
    });
    e.img.addEventListener('error', function () {
      // TIFF and HEIF have no preview in most browsers: the server still reads them.
      card.noPreview = true;
      e.stage.hidden = true;
      e.hintCount.textContent = 'No preview of this format in the browser (so no hints); it can still be colorized.';
      e.clearHints.hidden = true;
    });
    e.img.src = card.url;
    $('cards').append(e.root);
    state.cards.push(card);
    renderHints(card);
    renderCard(card);
    updateAll();
  }

  function removeCard(card) {
    if (card.status === 'queued' || card.status === 'running') fetch(card.job.links.self, { method: 'DELETE' }).catch(function () {});
    if (card.xhr) card.xhr.abort();
    if (card.source) card.source.close();
    clearTimeout(card.retryTimer);
    state.waiting = state.waiting.filter(function (c) { return c !== card; });
    state.cards = state.cards.filter(function (c) { return c !== card; });
    card.removed = true;
    URL.revokeObjectURL(card.url);
    var index = Array.prototype.indexOf.call($('cards').children, card.els.root);
    card.els.root.remove();
    // Keep the keyboard where it was: on the next card's Remove button, or the drop zone.
    var next = $('cards').children[Math.min(index, $('cards').children.length - 1)];
    (next ? next.querySelector('.remove') : drop).focus();
    pump();
    updateAll();
  }
  $('clear-all').addEventListener('click', function () { state.cards.slice().forEach(removeCard); drop.focus(); });

  // ---------------------------------------------------------------- hints on a card's photo
  function photoPoint(card, clientX, clientY) {
    var img = card.els.img, box = img.getBoundingClientRect();
    var x = Math.round((clientX - box.left) * img.naturalWidth / box.width);
    var y = Math.round((clientY - box.top) * img.naturalHeight / box.height);
    return [clamp(x, 0, img.naturalWidth - 1), clamp(y, 0, img.naturalHeight - 1)];
  }
  /** The radius or width field's value, or an Invalid shown like any other refused setting. */
  function hintSize(id, label, s) {
    try { return { value: readNumber($(id), label, s, true) }; } catch (err) { if (err instanceof Invalid) { showInvalid(err); return null; } throw err; }
  }
  function addHint(card, p) {
    var max = spec('hints').maxItems;
    if (max !== undefined && card.hints.length >= max) { showBanner($('form-error'), { title: 'At most ' + max + ' point hints per photo.' }); return; }
    var size = hintSize('hint-radius', 'Hint radius', itemSpec('hints', 'radius'));
    if (!size) return;
    var hint = { x: p[0], y: p[1], color: $('hint-color').value };
    if (size.value !== undefined) hint.radius = size.value;
    card.hints.push(hint);
    renderHints(card);
  }
  function wireStage(card) {
    var e = card.els;
    e.stage.addEventListener('dragstart', function (ev) { ev.preventDefault(); });
    e.stage.addEventListener('click', function (ev) {
      if ($('tool').value !== 'point' || !e.img.naturalWidth || ev.target.classList.contains('dot')) return;
      addHint(card, photoPoint(card, ev.clientX, ev.clientY));
    });
    // Strokes: drag on the photo; points closer than 3 photo pixels are dropped to keep requests small.
    e.stage.addEventListener('pointerdown', function (ev) {
      if ($('tool').value !== 'stroke' || ev.button !== 0 || !e.img.naturalWidth) return;
      var max = spec('strokes').maxItems;
      if (max !== undefined && card.strokes.length >= max) { showBanner($('form-error'), { title: 'At most ' + max + ' strokes per photo.' }); return; }
      var size = hintSize('stroke-width', 'Stroke width', itemSpec('strokes', 'width'));
      if (!size) return;
      ev.preventDefault();
      e.stage.setPointerCapture(ev.pointerId);
      card.drawing = { points: [photoPoint(card, ev.clientX, ev.clientY)], color: $('hint-color').value };
      if (size.value !== undefined) card.drawing.width = size.value;
      card.strokes.push(card.drawing);
      renderHints(card);
    });
    e.stage.addEventListener('pointermove', function (ev) {
      if (!card.drawing) return;
      var p = photoPoint(card, ev.clientX, ev.clientY), pts = card.drawing.points, last = pts[pts.length - 1];
      var maxPoints = (spec('strokes').items && spec('strokes').items.properties.points.maxItems) || Infinity;
      if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) >= 3 && pts.length < maxPoints) { pts.push(p); renderHints(card); }
    });
    var endStroke = function () { card.drawing = null; };
    e.stage.addEventListener('pointerup', endStroke);
    e.stage.addEventListener('pointercancel', endStroke);
    // Keyboard: arrows move the marker, Enter or Space pins a point hint, Delete removes the last mark.
    e.stage.addEventListener('keydown', function (ev) {
      var step = ev.shiftKey ? 0.1 : 0.02, c = card.cursor;
      if (ev.key === 'ArrowLeft') c[0] -= step;
      else if (ev.key === 'ArrowRight') c[0] += step;
      else if (ev.key === 'ArrowUp') c[1] -= step;
      else if (ev.key === 'ArrowDown') c[1] += step;
      else if ((ev.key === 'Enter' || ev.key === ' ') && e.img.naturalWidth) {
        addHint(card, [Math.round(c[0] * (e.img.naturalWidth - 1)), Math.round(c[1] * (e.img.naturalHeight - 1))]);
      } else if (ev.key === 'Delete' || ev.key === 'Backspace') {
        if (card.hints.length) card.hints.pop(); else card.strokes.pop();
        renderHints(card);
      } else return;
      ev.preventDefault();
      c[0] = clamp(c[0], 0, 1);
      c[1] = clamp(c[1], 0, 1);
      placeMarker(card);
    });
  }
  function placeMarker(card) {
    card.els.marker.style.left = (100 * card.cursor[0]) + '%';
    card.els.marker.style.top = (100 * card.cursor[1]) + '%';
  }
  function renderHints(card) {
    var e = card.els, img = e.img;
    e.stage.querySelectorAll('.dot').forEach(function (d) { d.remove(); });
    placeMarker(card);
    var counts = [];
    if (card.hints.length) counts.push(plural(card.hints.length, 'hint'));
    if (card.strokes.length) counts.push(plural(card.strokes.length, 'stroke'));
    if (!card.noPreview) e.hintCount.textContent = counts.length ? counts.join(', ') : 'No hints: the model picks every color.';
    e.clearHints.disabled = !counts.length;
    if (!img.naturalWidth) return;
    e.svg.setAttribute('viewBox', '0 0 ' + img.naturalWidth + ' ' + img.naturalHeight);
    e.svg.textContent = '';
    card.strokes.forEach(function (s) {
      var attrs = { points: s.points.map(function (p) { return p.join(','); }).join(' '), fill: 'none', stroke: s.color, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', opacity: 0.8 };
      // Without a width the server picks one from the photo's size; drawn thin here.
      attrs['stroke-width'] = s.width || Math.max(2, Math.round(Math.min(img.naturalWidth, img.naturalHeight) / 100));
      e.svg.append(svgNode('polyline', attrs));
    });
    card.hints.forEach(function (hint, i) {
      if (hint.radius) e.svg.append(svgNode('circle', { cx: hint.x, cy: hint.y, r: hint.radius, fill: hint.color, 'fill-opacity': 0.3, stroke: 'white', 'stroke-width': 1, 'vector-effect': 'non-scaling-stroke' }));
      var dot = h('span', { class: 'dot', title: hint.color + ' at ' + hint.x + ',' + hint.y + (hint.radius ? ', radius ' + hint.radius : '') + ' (right-click to remove)' });
      dot.style.left = (100 * hint.x / img.naturalWidth) + '%';
      dot.style.top = (100 * hint.y / img.naturalHeight) + '%';
      dot.style.background = hint.color;
      dot.addEventListener('contextmenu', function (ev) { ev.preventDefault(); card.hints.splice(i, 1); renderHints(card); });
      e.stage.append(dot);
    });
  }
  $('tool').addEventListener('change', function () { document.body.classList.toggle('stroke-tool', $('tool').value === 'stroke'); });

  // ---------------------------------------------------------------- running jobs
  var inFlight = function () { return state.cards.filter(function (c) { return c.status === 'uploading' || c.status === 'queued' || c.status === 'running'; }).length; };
  var busy = function (c) { return c.status === 'waiting' || c.status === 'uploading' || c.status === 'queued' || c.status === 'running'; };

  function cardsToRun() {
    var pending = state.cards.filter(function (c) { return !busy(c) && !c.result; });
    return pending.length ? pending : state.cards.filter(function (c) { return !busy(c); });
  }
  function runCards(cards) {
    cards = cards.filter(function (c) { return !busy(c); });
    if (!cards.length) return;
    var settings;
    try { settings = collectSettings(); } catch (err) { if (err instanceof Invalid) return showInvalid(err); throw err; }
    document.querySelectorAll('[aria-invalid]').forEach(clearInvalid);
    hideBanner($('form-error'));
    cards.forEach(function (card) {
      card.settings = settings;
      card.attempts = 0;
      hideBanner(card.els.error);
      card.els.results.classList.toggle('stale', !!card.result);
      setStatus(card, 'waiting');
      state.waiting.push(card);
    });
    pump();
  }
  $('form').addEventListener('submit', function (e) { e.preventDefault(); runCards(cardsToRun()); });

  /** One upload at a time, so the server queues the photos in the order of their cards. */
  function pump() {
    var uploading = function () { return state.cards.some(function (c) { return c.status === 'uploading'; }); };
    while (state.waiting.length && inFlight() < MAX_IN_FLIGHT && !uploading()) upload(state.waiting.shift());
    state.waiting.forEach(renderCard);
    updateAll();
  }

  function setStatus(card, status) {
    card.status = status;
    renderCard(card);
    updateAll();
  }

  function upload(card) {
    var o = Object.assign({}, card.settings.options, {
      hints: card.hints.map(function (x) { return Object.assign({}, x); }),
      strokes: card.strokes.map(function (s) { return Object.assign({}, s, { points: s.points.slice() }); }),
    });
    var form = new FormData();
    form.append('image', card.file, card.name);
    form.append('options', JSON.stringify(o));
    var reference = card.settings.reference;
    if (reference) form.append('reference', reference, reference.name);
    card.sentOptions = o;
    card.uploaded = 0;
    card.t0 = undefined;
    card.progressInfo = null;
    card.cancelling = false;
    setStatus(card, 'uploading');
    var xhr = new XMLHttpRequest();
    card.xhr = xhr;
    xhr.open('POST', '/v1/colorizations');
    xhr.upload.addEventListener('progress', function (ev) {
      if (ev.lengthComputable) { card.uploaded = ev.loaded / ev.total; renderCard(card); }
    });
    xhr.addEventListener('load', function () {
      card.xhr = null;
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 202 && body && body.links) { card.queuedAt = performance.now(); onJob(card, body); listen(card, body); pump(); return; }
      var err = serverError(body, xhr.status);
      if ((err.code === 'QUEUE_FULL' || err.code === 'NOT_READY') && card.attempts < MAX_RETRIES) {
        card.attempts += 1;
        var wait = clamp(Number(xhr.getResponseHeader('retry-after')) || 2, 1, 60);
        card.retryNote = PLAIN[err.code] + ' Trying again in ' + wait + ' s (attempt ' + (card.attempts + 1) + ' of ' + (MAX_RETRIES + 1) + ').';
        setStatus(card, 'waiting');
        card.retryTimer = setTimeout(function () { card.retryNote = null; if (card.status === 'waiting') { state.waiting.unshift(card); pump(); } }, wait * 1000);
        return;
      }
      fail(card, err);
    });
    xhr.addEventListener('error', function () { card.xhr = null; fail(card, serverError(null, 0)); });
    xhr.addEventListener('abort', function () { card.xhr = null; });
    xhr.send(form);
  }

  function listen(card, job) {
    var source = new EventSource(job.links.events);
    card.source = source;
    source.addEventListener('state', function (e) { onJob(card, JSON.parse(e.data)); });
    source.addEventListener('progress', function (e) { onProgress(card, JSON.parse(e.data)); });
    ['done', 'failed', 'cancelled'].forEach(function (name) {
      source.addEventListener(name, function (e) { source.close(); card.source = null; onJob(card, JSON.parse(e.data)); });
    });
    // The browser reconnects on its own (the server replays what was missed); if it gives up,
    // ask once for the job's state so the card does not hang.
    source.addEventListener('error', function () {
      if (source.readyState !== EventSource.CLOSED || card.source !== source) return;
      card.source = null;
      fetch(job.links.self)
        .then(function (res) { return res.json().then(function (body) { if (!res.ok) throw serverError(body, res.status); return body; }); })
        .then(function (latest) { onJob(card, latest); if (card.status === 'queued' || card.status === 'running') listen(card, latest); })
        .catch(function (err) { fail(card, err instanceof ServerError ? err : serverError(null, 0)); });
    });
  }

  function onJob(card, job) {
    if (card.removed) return;
    card.job = job;
    if (job.state === 'queued') { card.position = job.position; setStatus(card, 'queued'); }
    else if (job.state === 'running') {
      if (card.t0 === undefined) startClock(card, job.progress ? job.progress.fraction : 0);
      if (job.progress) card.progressInfo = job.progress;
      setStatus(card, 'running');
    } else if (job.state === 'done') { showResult(card, job); setStatus(card, 'done'); }
    else if (job.state === 'failed') fail(card, new ServerError(job.error || { code: 'INTERNAL', message: 'the job failed' }));
    else if (job.state === 'cancelled') { card.els.results.classList.remove('stale'); setStatus(card, 'cancelled'); }
    if (job.state !== 'queued' && job.state !== 'running') pump();
  }
  function startClock(card, fraction) { card.t0 = performance.now(); card.f0 = fraction; card.lastT = card.t0; }
  function onProgress(card, p) {
    if (card.removed) return;
    if (card.t0 === undefined) startClock(card, 0);
    card.progressInfo = p;
    card.lastT = performance.now();
    if (card.status !== 'running') setStatus(card, 'running'); else renderCard(card);
  }
  function fail(card, err) {
    if (card.source) { card.source.close(); card.source = null; }
    card.els.results.classList.remove('stale');
    showBanner(card.els.error, explain(err));
    setStatus(card, 'failed');
    pump();
  }
  function cancelCard(card) {
    if (card.status === 'waiting') {
      clearTimeout(card.retryTimer);
      state.waiting = state.waiting.filter(function (c) { return c !== card; });
      card.els.results.classList.remove('stale');
      setStatus(card, card.result ? 'done' : 'ready');
    } else if (card.status === 'uploading') {
      if (card.xhr) card.xhr.abort();
      card.els.results.classList.remove('stale');
      setStatus(card, 'cancelled');
      pump();
    } else if (card.status === 'queued' || card.status === 'running') {
      card.cancelling = true;
      renderCard(card);
      // The event stream reports the end (a running job stops before its next model call).
      fetch(card.job.links.self, { method: 'DELETE' }).catch(function () { fail(card, serverError(null, 0)); });
    }
  }
  $('cancel-all').addEventListener('click', function () { state.cards.filter(busy).forEach(cancelCard); });

  // ---------------------------------------------------------------- honest progress
  function stageName(p) { return p.stage.charAt(0).toUpperCase() + p.stage.slice(1); }
  /** Time left from the fraction's rate since the run started: honest once the server weights stages by time. */
  function timeText(card, now) {
    var p = card.progressInfo, elapsed = now - card.t0;
    var text = clock(elapsed) + ' elapsed';
    if (!p) return text;
    var gained = p.fraction - card.f0, since = card.lastT - card.t0;
    if (gained < 0.03 || since < 500) return text + ' \u00b7 estimating time left\u2026';
    var left = (1 - p.fraction) * since / gained - (now - card.lastT);
    return text + ' \u00b7 ' + (left < 1000 ? 'almost done' : 'about ' + clock(left) + ' left');
  }
  function renderCard(card) {
    var e = card.els, now = performance.now(), s = card.status, active = document.activeElement;
    var label = { ready: 'Ready', waiting: 'Waiting to upload', uploading: 'Uploading', queued: 'Queued', running: 'Colorizing', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' }[s];
    if (s === 'waiting') {
      var ahead = state.waiting.indexOf(card);
      label = card.retryNote || (ahead > 0 ? 'Waiting to upload (' + ahead + ' ahead)' : 'Waiting to upload');
    } else if (s === 'uploading') label = 'Uploading ' + Math.round(100 * (card.uploaded || 0)) + '%';
    else if (s === 'queued') label = 'Queued on the server' + (card.position ? ' \u00b7 position ' + card.position : '');
    else if (s === 'done' && card.job) {
      var took = Date.parse(card.job.finishedAt) - Date.parse(card.job.startedAt);
      label = 'Done' + (Number.isFinite(took) ? ' in ' + clock(took) : '') + ' \u00b7 ' + plural(card.result.samples.length, 'sample');
    } else if (s === 'cancelled' && card.result) label = 'Cancelled; the results below are from the run before';
    if (card.cancelling && (s === 'queued' || s === 'running')) label = 'Cancelling\u2026';
    if (e.state.textContent !== label) e.state.textContent = label;
    e.progressBox.hidden = !(s === 'uploading' || s === 'queued' || s === 'running');
    if (s === 'uploading') { e.progress.value = card.uploaded || 0; e.detail.textContent = 'Sending the photo'; e.time.textContent = ''; }
    else if (s === 'queued') {
      e.progress.removeAttribute('value');
      e.detail.textContent = 'Waiting for a free worker';
      e.time.textContent = 'waiting ' + clock(now - (card.queuedAt || now));
    } else if (s === 'running') {
      var p = card.progressInfo;
      e.progress.value = p ? p.fraction : 0;
      e.detail.textContent = p ? stageName(p) + (p.step ? ' \u00b7 step ' + p.step + '/' + p.totalSteps : '') + ' \u00b7 ' + Math.floor(100 * p.fraction) + '%' : 'Starting';
      e.time.textContent = timeText(card, now);
    }
    e.run.textContent = card.result ? 'Run again' : 'Colorize';
    e.run.disabled = busy(card);
    e.cancel.hidden = !busy(card);
    e.cancel.disabled = !!card.cancelling;
    e.zip.hidden = !(card.result && card.result.samples.length > 1);
    if (card.result && !card.noPreview) e.editHints.hidden = false;
    keepFocus(active, e.run, e.cancel);
    keepFocus(active, e.cancel, e.run);
  }
  /** A focused button that is disabled or hidden drops focus to the page's top: hand it to its partner. */
  function keepFocus(active, from, to) {
    if (active !== from || !(from.disabled || from.hidden)) return;
    if (!to.disabled && !to.hidden) to.focus();
  }
  // Elapsed time keeps counting between progress events (a slow step is still time spent).
  setInterval(function () {
    state.cards.forEach(function (c) { if (c.status === 'running' || c.status === 'queued') renderCard(c); });
  }, 500);

  function updateAll() {
    var counts = {}, active = document.activeElement;
    state.cards.forEach(function (c) { counts[c.status] = (counts[c.status] || 0) + 1; });
    var run = cardsToRun();
    var hasResults = state.cards.some(function (c) { return c.result; });
    var colorize = $('colorize');
    var anyPending = state.cards.some(function (c) { return !busy(c) && !c.result; });
    colorize.textContent = !run.length ? 'Colorize' : anyPending ? 'Colorize ' + plural(run.length, 'photo') : 'Colorize again (' + run.length + ')';
    colorize.disabled = !run.length || state.limits === null;
    $('cancel-all').disabled = !state.cards.some(busy);
    $('download-all').disabled = !hasResults;
    $('clear-all').disabled = !state.cards.length;
    keepFocus(active, colorize, $('cancel-all'));
    keepFocus(active, $('cancel-all'), colorize);
    if (active === $('clear-all') && $('clear-all').disabled) drop.focus();
    $('empty').hidden = state.cards.length > 0;
    var parts = ['done', 'running', 'queued', 'uploading', 'waiting', 'failed', 'cancelled', 'ready'].filter(function (k) { return counts[k]; }).map(function (k) { return counts[k] + ' ' + k; });
    var text = state.cards.length ? plural(state.cards.length, 'photo') + ': ' + parts.join(', ') : '';
    if ($('status').textContent !== text) $('status').textContent = text;
  }

  // ---------------------------------------------------------------- results: before/after, zoom, download
  /**
   * A before/after pair: the sample underneath, the original on top, clipped left of the split line.
   * Pointer (mouse, pen, touch) drags the line; its handle is an ARIA slider for the keyboard.
   */
  function compare(beforeSrc, afterSrc, label, handleOnly) {
    var after = h('img', { class: 'after', alt: label + ', colorized', draggable: 'false' });
    var beforeImg = h('img', { alt: label + ', original', draggable: 'false' });
    var handle = h('div', { class: 'handle', role: 'slider', tabindex: '0', 'aria-label': 'Before and after split, ' + label,
      'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-orientation': 'horizontal' }, h('span', { class: 'knob', 'aria-hidden': 'true' }));
    var root = h('div', { class: 'compare' }, [after, h('div', { class: 'before' }, beforeImg), handle,
      h('span', { class: 'tag tag-before', text: 'Before', 'aria-hidden': 'true' }), h('span', { class: 'tag tag-after', text: 'After', 'aria-hidden': 'true' })]);
    after.src = afterSrc;
    beforeImg.src = beforeSrc;
    var pos = 50, dragging = null;
    function set(value) {
      pos = clamp(Math.round(value * 10) / 10, 0, 100);
      root.style.setProperty('--pos', pos + '%');
      var shown = Math.round(pos);
      handle.setAttribute('aria-valuenow', String(shown));
      handle.setAttribute('aria-valuetext', shown + '% original on the left, ' + (100 - shown) + '% colorized on the right');
    }
    var fromX = function (x) { var box = root.getBoundingClientRect(); return 100 * (x - box.left) / box.width; };
    root.addEventListener('pointerdown', function (e) {
      if (e.button !== 0 || (handleOnly && !handle.contains(e.target))) return;
      e.preventDefault();
      e.stopPropagation();
      dragging = e.pointerId;
      root.setPointerCapture(e.pointerId);
      set(fromX(e.clientX));
    });
    root.addEventListener('pointermove', function (e) { if (dragging === e.pointerId) set(fromX(e.clientX)); });
    ['pointerup', 'pointercancel', 'lostpointercapture'].forEach(function (name) {
      root.addEventListener(name, function (e) { if (dragging === e.pointerId) dragging = null; });
    });
    handle.addEventListener('keydown', function (e) {
      var fine = e.shiftKey ? 1 : 5, next;
      if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = pos - fine;
      else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') next = pos + fine;
      else if (e.key === 'PageDown') next = pos - 20;
      else if (e.key === 'PageUp') next = pos + 20;
      else if (e.key === 'Home') next = 0;
      else if (e.key === 'End') next = 100;
      else return;
      e.preventDefault();
      e.stopPropagation();
      set(next);
    });
    set(50);
    return { root: root, after: after, handle: handle, set: set };
  }

  function outName(stem, sample) { return stem + '_colorized_' + sample.index + '.' + (EXTENSIONS[sample.format] || sample.format); }
  /** The sample as shown: re-toned by the strength slider relative to the strength it was made with. */
  function currentHref(card, sample) {
    var value = Number($('strength').value);
    if (!card.madeStrength || !Number.isFinite(value)) return sample.href;
    var max = bounds(spec('strength')).max;
    var relative = clamp(value / card.madeStrength, 0, max === undefined ? Infinity : max);
    return Math.abs(relative - 1) < 1e-9 ? sample.href : sample.href + '?strength=' + relative.toFixed(3);
  }
  function showResult(card, job) {
    var e = card.els;
    card.result = job.result;
    card.madeStrength = card.sentOptions ? card.sentOptions.strength : 1;
    e.results.textContent = '';
    e.results.classList.remove('stale');
    card.views = job.result.samples.map(function (sample) {
      var label = card.name + ', sample ' + sample.index;
      var cmp = compare(card.url, currentHref(card, sample), label, false);
      var zoom = h('button', { type: 'button', class: 'small zoom', text: 'Zoom', 'aria-label': 'View ' + label + ' at full size', 'aria-haspopup': 'dialog' });
      zoom.addEventListener('click', function () { openViewer(card, sample, zoom); });
      var download = h('button', { type: 'button', class: 'small download', text: 'Download', 'aria-label': 'Download ' + outName(card.stem, sample) });
      download.addEventListener('click', function () { downloadOne(card, sample, download); });
      var seed = h('button', { type: 'button', class: 'link seed', text: 'seed ' + sample.seed, title: 'Use seed ' + sample.seed + ' for the next run',
        'aria-label': 'Use seed ' + sample.seed + ' for the next run', onclick: function () { $('seed').value = String(sample.seed); clearInvalid($('seed')); } });
      var fig = h('figure', { class: 'sample' }, [cmp.root, h('figcaption', {}, [
        h('span', { class: 'caption' }, ['Sample ' + sample.index + ' \u00b7 ', seed]), h('span', { class: 'caption-actions' }, [zoom, download])])]);
      e.results.append(fig);
      return { sample: sample, cmp: cmp };
    });
    // Once there are results, the photo is shown in them; its hints stay one click away.
    e.stage.hidden = true;
    e.hintBar.hidden = true;
    e.editHints.setAttribute('aria-expanded', 'false');
  }
  // The strength slider before a run sets its strength; after it, it re-tones the shown samples on the
  // server (GET …/samples/n?strength=) without a new run. Downloads take the samples as shown.
  var toneTimer = null;
  function showStrength() {
    var value = Number($('strength').value);
    $('strength-value').textContent = Number.isFinite(value) ? value.toFixed(2) : '';
  }
  $('strength').addEventListener('input', function () {
    showStrength();
    clearTimeout(toneTimer);
    toneTimer = setTimeout(function () {
      state.cards.forEach(function (card) {
        (card.views || []).forEach(function (v) { v.cmp.after.src = currentHref(card, v.sample); });
      });
      if (viewer.cmp && viewer.card) viewer.cmp.after.src = currentHref(viewer.card, viewer.sample);
    }, 150);
  });
  function showQuality() { $('quality-field').hidden = !isLossy($('format').value); }
  $('format').addEventListener('change', showQuality);
  $('new-seed').addEventListener('click', function () {
    var b = bounds(spec('seed')), lo = b.min || 0, hi = b.max === undefined ? 0xffffffff : b.max;
    var r = crypto.getRandomValues(new Uint32Array(1))[0];
    $('seed').value = String(lo + (r % (hi - lo + 1)));
    clearInvalid($('seed'));
  });

  function fetchBytes(url) {
    return fetch(url).then(function (res) {
      if (!res.ok) return res.json().catch(function () { return null; }).then(function (body) { throw serverError(body, res.status); });
      var type = res.headers.get('content-type') || 'application/octet-stream';
      return res.arrayBuffer().then(function (buf) { return { bytes: new Uint8Array(buf), type: type }; });
    }, function () { throw serverError(null, 0); });
  }
  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }
  // Downloads go through fetch and a blob so the file keeps the photo's own name whatever the
  // server's Content-Disposition says.
  function downloadOne(card, sample, button) {
    button.disabled = true;
    fetchBytes(currentHref(card, sample))
      .then(function (got) { saveBlob(new Blob([got.bytes], { type: got.type }), outName(card.stem, sample)); })
      .catch(function (err) { showBanner(card.els.error, explain(err)); })
      .then(function () { button.disabled = false; });
  }
  function downloadZip(cards, name, button, errorNode) {
    var label = button.textContent;
    button.disabled = true;
    button.textContent = 'Zipping\u2026';
    var used = {}, jobs = [];
    cards.forEach(function (card) {
      // Two photos with one name must not overwrite each other in the zip.
      var stem = card.stem, k = 2;
      while (used[stem.toLowerCase()]) stem = card.stem + '-' + k++;
      used[stem.toLowerCase()] = true;
      card.result.samples.forEach(function (sample) {
        jobs.push(fetchBytes(currentHref(card, sample)).then(function (got) { return { name: outName(stem, sample), bytes: got.bytes }; }));
      });
    });
    Promise.all(jobs)
      .then(function (entries) { hideBanner(errorNode); saveBlob(zipStore(entries), name); })
      .catch(function (err) { showBanner(errorNode, explain(err)); })
      .then(function () { button.textContent = label; button.disabled = false; });
  }
  $('download-all').addEventListener('click', function () {
    var done = state.cards.filter(function (c) { return c.result; });
    downloadZip(done, done.length === 1 ? done[0].stem + '_colorized.zip' : 'colorized_' + done.length + '_photos.zip', $('download-all'), $('work-error'));
  });

  // ---------------------------------------------------------------- a store-only zip writer
  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();
  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }
  /** PNG, JPEG, WebP and AVIF are compressed already: stored entries, no deflate, no zip64 (under 4 GB). */
  function zipStore(entries) {
    var encoder = new TextEncoder(), parts = [], central = [], offset = 0, now = new Date();
    var time = (now.getHours() << 11) | (now.getMinutes() << 5) | (now.getSeconds() >> 1);
    var date = ((Math.max(1980, now.getFullYear()) - 1980) << 9) | ((now.getMonth() + 1) << 5) | now.getDate();
    entries.forEach(function (entry) {
      var name = encoder.encode(entry.name), size = entry.bytes.length, crc = crc32(entry.bytes);
      if (offset + size > 0xfffffffe) throw new Error('the results are too large for one zip (over 4 GB); download them one by one');
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true); // version needed: 2.0
      local.setUint16(6, 0x0800, true); // names are UTF-8
      local.setUint16(8, 0, true); // stored
      local.setUint16(10, time, true);
      local.setUint16(12, date, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, size, true);
      local.setUint32(22, size, true);
      local.setUint16(26, name.length, true);
      local.setUint16(28, 0, true);
      var head = new DataView(new ArrayBuffer(46));
      head.setUint32(0, 0x02014b50, true);
      head.setUint16(4, 20, true);
      head.setUint16(6, 20, true);
      head.setUint16(8, 0x0800, true);
      head.setUint16(10, 0, true);
      head.setUint16(12, time, true);
      head.setUint16(14, date, true);
      head.setUint32(16, crc, true);
      head.setUint32(20, size, true);
      head.setUint32(24, size, true);
      head.setUint16(28, name.length, true);
      head.setUint32(42, offset, true); // the other fields (extra, comment, disk, attributes) are 0
      parts.push(local, name, entry.bytes);
      central.push(head, name);
      offset += 30 + name.length + size;
    });
    var centralSize = central.reduce(function (sum, part) { return sum + part.byteLength; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true);
    end.setUint32(12, centralSize, true);
    end.setUint32(16, offset, true);
    return new Blob(parts.concat(central, [end]), { type: 'application/zip' });
  }

  // ---------------------------------------------------------------- full-size viewer
  // Zoom 1 is 100%: one photo pixel per device pixel, as image editors count it.
  var MAX_ZOOM = 16;
  var viewer = { card: null, sample: null, cmp: null, zoom: 1, x: 0, y: 0, w: 0, h: 0, opener: null, pan: null };
  var viewport = $('viewport');
  var dpr = function () { return window.devicePixelRatio || 1; };
  function fitZoom() {
    var box = viewport.getBoundingClientRect();
    return Math.min(box.width / viewer.w, box.height / viewer.h) * dpr();
  }
  function layoutViewer() {
    if (!viewer.cmp) return;
    var box = viewport.getBoundingClientRect(), scale = viewer.zoom / dpr();
    var w = viewer.w * scale, hh = viewer.h * scale;
    viewer.x = w <= box.width ? (box.width - w) / 2 : clamp(viewer.x, box.width - w, 0);
    viewer.y = hh <= box.height ? (box.height - hh) / 2 : clamp(viewer.y, box.height - hh, 0);
    var root = viewer.cmp.root;
    root.style.width = w + 'px';
    root.style.height = hh + 'px';
    root.style.transform = 'translate(' + viewer.x + 'px, ' + viewer.y + 'px)';
    root.classList.toggle('pixelated', viewer.zoom >= 2);
    $('zoom-level').textContent = Math.round(viewer.zoom * 100) + '%';
  }
  /** Zooms about a point of the viewport (its centre by default), so what is under it stays put. */
  function zoomTo(zoom, cx, cy) {
    var box = viewport.getBoundingClientRect();
    if (cx === undefined) { cx = box.width / 2; cy = box.height / 2; }
    var next = clamp(zoom, Math.min(fitZoom(), 1), MAX_ZOOM);
    var ratio = next / viewer.zoom;
    viewer.x = cx - (cx - viewer.x) * ratio;
    viewer.y = cy - (cy - viewer.y) * ratio;
    viewer.zoom = next;
    layoutViewer();
  }
  function openViewer(card, sample, opener) {
    viewer.card = card;
    viewer.sample = sample;
    viewer.opener = opener;
    viewer.w = sample.width;
    viewer.h = sample.height;
    $('viewer-title').textContent = card.name + ' \u00b7 sample ' + sample.index + ' \u00b7 seed ' + sample.seed;
    viewport.textContent = '';
    viewer.cmp = compare(card.url, currentHref(card, sample), card.name + ', sample ' + sample.index, true);
    viewer.cmp.root.classList.toggle('no-compare', !$('viewer-compare').checked);
    viewport.append(viewer.cmp.root);
    $('viewer').showModal();
    var box = viewport.getBoundingClientRect();
    viewer.zoom = 1;
    viewer.x = (box.width - viewer.w / dpr()) / 2;
    viewer.y = (box.height - viewer.h / dpr()) / 2;
    layoutViewer();
    viewport.focus();
  }
  $('viewer').addEventListener('close', function () {
    viewport.textContent = '';
    viewer.cmp = null;
    viewer.card = null;
    if (viewer.opener && viewer.opener.isConnected) viewer.opener.focus();
  });
  $('viewer-close').addEventListener('click', function () { $('viewer').close(); });
  $('zoom-in').addEventListener('click', function () { zoomTo(viewer.zoom * 1.25); });
  $('zoom-out').addEventListener('click', function () { zoomTo(viewer.zoom / 1.25); });
  $('zoom-100').addEventListener('click', function () { zoomTo(1); });
  $('zoom-fit').addEventListener('click', function () { zoomTo(fitZoom()); });
  $('viewer-compare').addEventListener('change', function () { if (viewer.cmp) viewer.cmp.root.classList.toggle('no-compare', !$('viewer-compare').checked); });
  $('viewer').addEventListener('keydown', function (e) {
    if (e.target.tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '+' || e.key === '=') zoomTo(viewer.zoom * 1.25);
    else if (e.key === '-' || e.key === '_') zoomTo(viewer.zoom / 1.25);
    else if (e.key === '0') zoomTo(fitZoom());
    else if (e.key === '1') zoomTo(1);
    else return;
    e.preventDefault();
  });
  viewport.addEventListener('keydown', function (e) {
    var step = e.shiftKey ? 240 : 60;
    if (e.key === 'ArrowLeft') viewer.x += step;
    else if (e.key === 'ArrowRight') viewer.x -= step;
    else if (e.key === 'ArrowUp') viewer.y += step;
    else if (e.key === 'ArrowDown') viewer.y -= step;
    else return;
    e.preventDefault();
    layoutViewer();
  });
  viewport.addEventListener('pointerdown', function (e) {
    if (e.button !== 0 || !viewer.cmp) return;
    viewer.pan = { id: e.pointerId, x: e.clientX - viewer.x, y: e.clientY - viewer.y };
    viewport.setPointerCapture(e.pointerId);
    viewport.classList.add('panning');
  });
  viewport.addEventListener('pointermove', function (e) {
    if (!viewer.pan || viewer.pan.id !== e.pointerId) return;
    viewer.x = e.clientX - viewer.pan.x;
    viewer.y = e.clientY - viewer.pan.y;
    layoutViewer();
  });
  ['pointerup', 'pointercancel'].forEach(function (name) {
    viewport.addEventListener(name, function () { viewer.pan = null; viewport.classList.remove('panning'); });
  });
  viewport.addEventListener('wheel', function (e) {
    if (!viewer.cmp) return;
    e.preventDefault();
    var box = viewport.getBoundingClientRect();
    zoomTo(viewer.zoom * Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  window.addEventListener('resize', layoutViewer);

  loadLimits();
  loadModels();
  updateAll();
})();
`;
