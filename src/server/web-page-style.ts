/**
 * CSS of the page at GET / (see web-page.ts). String.raw keeps backslashes as written; the text must
 * hold no backtick and no dollar-brace.
 */
export const WEB_PAGE_CSS = String.raw`
  :root { color-scheme: light dark; --accent: #c2410c; --accent-soft: #c2410c14; --line: #8886; --focus: #2563eb;
    --error: #dc2626; --error-bg: #fee2e2; --error-text: #7f1d1d; }
  /* Author display rules (flex labels, banners) would otherwise beat the hidden attribute. */
  [hidden] { display: none !important; }
  * { box-sizing: border-box; }
  html { -webkit-text-size-adjust: 100%; }
  body { margin: 0; font: 15px/1.45 system-ui, sans-serif; overflow-wrap: anywhere; }
  :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  .top { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 2px 12px; align-items: baseline; }
  .top h1 { margin: 0; font-size: 20px; }
  .tagline { opacity: .75; }
  main { display: grid; grid-template-columns: minmax(280px, 360px) minmax(0, 1fr); gap: 20px; padding: 20px; align-items: start; }
  @media (max-width: 760px) { main { grid-template-columns: minmax(0, 1fr); padding: 12px; gap: 16px; } .top { padding: 10px 12px; } }
  form { display: flex; flex-direction: column; gap: 12px; min-width: 0; }
  fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 6px 12px 12px; margin: 0; display: flex; flex-direction: column; gap: 8px; min-width: 0; }
  legend { font-weight: 700; font-size: 13px; padding: 0 4px; }
  label, .field { display: flex; flex-direction: column; gap: 3px; font-weight: 600; font-size: 13px; min-width: 0; }
  .label-line { display: flex; justify-content: space-between; gap: 8px; }
  input[type=text], input[type=number], select { font: inherit; font-weight: 400; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; width: 100%; min-width: 0; background: Field; color: FieldText; }
  ::placeholder { font-size: 13px; }
  input[type=file] { font: inherit; font-size: 13px; font-weight: 400; max-width: 100%; }
  input[type=color] { width: 100%; height: 34px; padding: 2px; border: 1px solid var(--line); border-radius: 6px; background: Field; }
  input[type=range] { width: 100%; accent-color: var(--accent); }
  input[aria-invalid=true] { border-color: var(--error); box-shadow: 0 0 0 1px var(--error); }
  .row { display: flex; gap: 10px; align-items: flex-end; }
  .row > * { flex: 1 1 0; min-width: 0; }
  .inline { display: flex; gap: 6px; align-items: center; }
  .inline input { flex: 1 1 auto; }
  .inline button { flex: none; }
  .muted { opacity: .75; font-size: 13px; margin: 0; font-weight: 400; }
  .small { font-size: 12px; }
  button { font: inherit; font-size: 14px; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--line); background: ButtonFace; color: ButtonText; cursor: pointer; }
  button.primary { background: var(--accent); color: white; border-color: var(--accent); font-weight: 600; font-size: 15px; padding: 8px 16px; }
  button:disabled { opacity: .5; cursor: default; }
  button.small { padding: 3px 9px; font-size: 13px; }
  button.link { border: 0; background: none; padding: 0 2px; color: inherit; font-size: inherit; text-decoration: underline dotted; }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; }
  #drop { border: 2px dashed var(--line); border-radius: 10px; padding: 18px 12px; text-align: center; cursor: pointer; }
  #drop strong { display: block; font-size: 16px; }
  #drop.over { border-color: var(--accent); background: var(--accent-soft); }
  .banner { border-radius: 6px; padding: 8px 12px; font-size: 13px; }
  .banner.error { background: var(--error-bg); color: var(--error-text); border-left: 6px solid var(--error); }
  .banner strong { display: block; }
  .banner p { margin: 2px 0 0; }
  .banner ul { margin: 2px 0 0; padding-left: 18px; }
  .banner .code { display: block; margin-top: 4px; font-size: 11px; opacity: .85; font-family: ui-monospace, monospace; }
  .work-bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .work-bar h2 { margin: 0 auto 0 0; font-size: 17px; }
  #status { margin: 6px 0 10px; min-height: 1.4em; }
  #work-error { margin-bottom: 10px; }
  .empty { border: 1px dashed var(--line); border-radius: 10px; padding: 28px 16px; text-align: center; opacity: .8; margin: 0; }
  #cards { display: flex; flex-direction: column; gap: 16px; }
  .card { border: 1px solid var(--line); border-radius: 10px; padding: 12px; display: flex; flex-direction: column; gap: 10px; min-width: 0; }
  .card-head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
  .card-title { margin: 0; font-size: 15px; flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .card-meta { font-size: 12px; opacity: .75; }
  .stage { position: relative; align-self: flex-start; max-width: 100%; line-height: 0; cursor: crosshair; }
  .stage img { display: block; max-width: 100%; max-height: 50vh; }
  .stage .strokes { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
  .stroke-tool .stage { touch-action: none; }
  .dot { position: absolute; width: 14px; height: 14px; margin: -7px 0 0 -7px; border-radius: 50%; border: 2px solid white; box-shadow: 0 0 0 1px black; }
  .marker { display: none; position: absolute; width: 24px; height: 24px; margin: -12px 0 0 -12px; border: 2px solid var(--focus); border-radius: 50%; box-shadow: 0 0 0 2px white; pointer-events: none; }
  .stage:focus-visible .marker { display: block; }
  .hint-bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: 13px; }
  .card-state { margin: 0; font-weight: 600; font-size: 14px; }
  .progress-box progress { display: block; width: 100%; height: 10px; accent-color: var(--accent); }
  .progress-detail, .progress-time { margin: 4px 0 0; font-size: 13px; font-variant-numeric: tabular-nums; }
  .progress-time { opacity: .8; }
  .results { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 260px), 1fr)); gap: 12px; }
  .results.stale { opacity: .45; }
  figure.sample { margin: 0; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; min-width: 0; }
  figure.sample figcaption { padding: 6px 8px; font-size: 13px; display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 6px; }
  .caption-actions { display: flex; gap: 6px; }
  .card-actions { display: flex; flex-wrap: wrap; gap: 8px; }
  /* Before/after: the colorized sample underneath, the original on top clipped to the left of the line. */
  .compare { --pos: 50%; position: relative; overflow: hidden; user-select: none; -webkit-user-select: none; touch-action: pan-y; cursor: ew-resize; line-height: 0; }
  .compare img { display: block; width: 100%; height: auto; pointer-events: none; -webkit-user-drag: none; }
  .compare .before { position: absolute; inset: 0; clip-path: inset(0 calc(100% - var(--pos)) 0 0); }
  .compare .before img { width: 100%; height: 100%; }
  .compare .handle { position: absolute; top: 0; bottom: 0; left: var(--pos); width: 44px; margin-left: -22px; display: flex; align-items: center; justify-content: center; outline: none; cursor: ew-resize; }
  .compare .handle::before { content: ''; position: absolute; top: 0; bottom: 0; left: 21px; width: 2px; background: white; box-shadow: 0 0 0 1px #0009; }
  .compare .knob { position: relative; width: 30px; height: 30px; border-radius: 50%; background: white; box-shadow: 0 1px 4px #000a; display: flex; align-items: center; justify-content: center; color: #333; font-size: 12px; line-height: 1; }
  .compare .knob::before { content: '\25C0\25B6'; letter-spacing: -2px; }
  .compare .handle:focus-visible .knob { outline: 3px solid var(--focus); outline-offset: 2px; }
  .compare .tag { position: absolute; top: 6px; padding: 2px 6px; border-radius: 4px; background: #000b; color: white; font-size: 11px; line-height: 1.3; pointer-events: none; }
  .compare .tag-before { left: 6px; }
  .compare .tag-after { right: 6px; }
  .compare.pixelated img { image-rendering: pixelated; }
  .compare.no-compare .before, .compare.no-compare .handle, .compare.no-compare .tag { display: none; }
  #viewer { padding: 0; border: 0; margin: 0; width: 100vw; height: 100vh; max-width: none; max-height: none; background: #111; color: #eee; }
  #viewer[open] { display: flex; flex-direction: column; }
  #viewer::backdrop { background: #000c; }
  .viewer-bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 8px 10px; background: #1c1c1c; border-bottom: 1px solid #333; }
  .viewer-bar h2 { margin: 0 auto 0 0; font-size: 14px; font-weight: 600; flex: 1 1 160px; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .viewer-bar button { background: #2a2a2a; color: #eee; border-color: #555; padding: 4px 10px; }
  .viewer-bar label { flex-direction: row; align-items: center; gap: 4px; font-weight: 400; color: #eee; }
  #zoom-level { min-width: 4em; text-align: center; font-size: 13px; font-variant-numeric: tabular-nums; }
  #viewport { position: relative; flex: 1 1 auto; overflow: hidden; cursor: grab; touch-action: none; outline-offset: -3px; }
  #viewport.panning { cursor: grabbing; }
  #viewport .compare { position: absolute; left: 0; top: 0; cursor: inherit; }
  #viewport .compare img { width: 100%; height: 100%; }
  .viewer-help { margin: 0; padding: 6px 10px; font-size: 12px; color: #bbb; background: #1c1c1c; }
`;
