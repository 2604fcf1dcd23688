import { WEB_PAGE_SCRIPT } from './web-page-script.js';
import { WEB_PAGE_CSS } from './web-page-style.js';

/**
 * The page served at GET /: one self-contained HTML file (inline CSS and JS, no build step, no
 * external requests). It only uses the public API (/openapi.json for the limits, /v1/models, /v1/colorizations),
 * so it doubles as a usage example. Kept free of backticks and dollar-braces so it can live in template literals.
 */
const WEB_PAGE_BODY = /* html */ `
<header class="top"><h1>Color Wizard</h1><span class="tagline">colorize black-and-white photos, keeping their lightness</span></header>
<main>
  <form id="form" novalidate aria-label="Colorize settings">
    <div id="drop" role="button" tabindex="0" aria-describedby="drop-help"><strong>Drop photos here</strong>or <u>choose files</u>
      <input id="file" type="file" accept="image/*" multiple hidden aria-label="Photos to colorize">
    </div>
    <p id="drop-help" class="muted small">PNG, JPEG, WebP, GIF, TIFF, AVIF or HEIF. Several at once make a batch: each photo gets its own card.</p>
    <div id="file-error" class="banner error" role="alert" hidden></div>
    <fieldset>
      <legend>Describe the colors</legend>
      <label>Prompt <input id="prompt" type="text" placeholder="red car, autumn trees" autocomplete="off"></label>
      <label>Negative prompt <input id="negative" type="text" placeholder="optional: what to avoid" autocomplete="off"></label>
    </fieldset>
    <fieldset>
      <legend>Sampling</legend>
      <div class="row">
        <label>Samples <input id="samples" type="number" inputmode="numeric" data-default></label>
        <label>Steps <input id="steps" type="number" inputmode="numeric" placeholder="default"></label>
        <label>Guidance <input id="guidance" type="number" inputmode="decimal" placeholder="default"></label>
        <label>Temperature <input id="temperature" type="number" inputmode="decimal" step="0.05" placeholder="default" title="0: the most likely colors, every sample alike; 1: the model's full spread"></label>
        <label>Anchor <input id="anchor" type="number" inputmode="decimal" step="0.05" placeholder="default" title="how much samples lean on the pack's semantic colour guess: 0 start from pure noise (packs with an anchor head only)"></label>
      </div>
      <div class="field">
        <label for="seed">Seed</label>
        <div class="inline"><input id="seed" type="number" inputmode="numeric" placeholder="random each run"><button id="new-seed" type="button">New seed</button></div>
      </div>
      <div class="field">
        <div class="label-line"><label for="strength">Strength</label><output id="strength-value" for="strength" aria-hidden="true"></output></div>
        <input id="strength" type="range" step="0.05" data-default aria-describedby="strength-help">
        <p id="strength-help" class="muted small">0 gray, 1 as the model predicts, 2 double. After a run it re-tones the shown results without running the model again.</p>
      </div>
    </fieldset>
    <fieldset>
      <legend>Color hints</legend>
      <p id="hint-help" class="muted small">Click a photo to pin a color there, or pick Stroke and drag to paint one. Right-click a dot to remove it. Keyboard: focus the photo, arrow keys move the marker, Enter pins a hint, Delete removes the last.</p>
      <div class="row">
        <label>Tool <select id="tool"><option value="point">Point</option><option value="stroke">Stroke</option></select></label>
        <label>Color <input id="hint-color" type="color" value="#cc2200"></label>
      </div>
      <div class="row">
        <label>Hint radius (px) <input id="hint-radius" type="number" inputmode="decimal" placeholder="auto"></label>
        <label>Stroke width (px) <input id="stroke-width" type="number" inputmode="decimal" placeholder="auto"></label>
      </div>
    </fieldset>
    <fieldset>
      <legend>Color sources</legend>
      <label>Reference photo (its colors are transferred) <input id="reference" type="file" accept="image/*"></label>
      <label>Palette (restrict hues) <input id="palette" type="text" placeholder="#aa3322, #335577" autocomplete="off"></label>
    </fieldset>
    <fieldset>
      <legend>Output</legend>
      <div class="row">
        <label>Format <select id="format"></select></label>
        <label id="quality-field" hidden>Quality <input id="quality" type="number" inputmode="numeric" data-default></label>
      </div>
      <label>Scheduler <select id="scheduler"><option value="">pack default</option></select></label>
      <label id="model-field" hidden>Model <select id="model"></select></label>
    </fieldset>
    <div class="actions">
      <button id="colorize" class="primary" type="submit" disabled>Colorize</button>
      <button id="cancel-all" type="button" disabled>Cancel all</button>
    </div>
    <div id="form-error" class="banner error" role="alert" hidden></div>
    <p id="limits-note" class="muted small" hidden></p>
  </form>
  <section id="work" aria-labelledby="work-title">
    <div class="work-bar">
      <h2 id="work-title">Photos</h2>
      <button id="download-all" type="button" disabled>Download all (.zip)</button>
      <button id="clear-all" type="button" disabled>Remove all</button>
    </div>
    <p id="status" class="muted" role="status"></p>
    <div id="work-error" class="banner error" role="alert" hidden></div>
    <p id="empty" class="empty">No photos yet. Drop black-and-white photos on the box (or anywhere on this page), or choose files. Each gets a card with its own progress, a before/after slider, full-size zoom and downloads named after the photo.</p>
    <div id="cards"></div>
  </section>
</main>
<dialog id="viewer" aria-labelledby="viewer-title">
  <div class="viewer-bar">
    <h2 id="viewer-title"></h2>
    <button id="zoom-out" type="button" aria-label="Zoom out">\u2212</button>
    <output id="zoom-level" aria-live="polite">100%</output>
    <button id="zoom-in" type="button" aria-label="Zoom in">+</button>
    <button id="zoom-100" type="button">100%</button>
    <button id="zoom-fit" type="button">Fit</button>
    <label><input id="viewer-compare" type="checkbox" checked> Before/after</label>
    <button id="viewer-close" type="button">Close</button>
  </div>
  <div id="viewport" tabindex="0" role="application" aria-roledescription="zoomable image" aria-label="Full-size image" aria-describedby="viewer-help"></div>
  <p id="viewer-help" class="viewer-help">Drag or arrow keys to pan \u00b7 wheel, + or \u2212 to zoom \u00b7 0 fit \u00b7 1 100% \u00b7 drag the line to compare \u00b7 Esc closes</p>
</dialog>
`;

export const WEB_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Color Wizard</title>
<style>${WEB_PAGE_CSS}</style>
</head>
<body>${WEB_PAGE_BODY}<script>${WEB_PAGE_SCRIPT}</script>
</body>
</html>
`;
