import { OptionsError } from '../errors/index.js';
import type { Manifest } from '../packs/index.js';
import type { ColorizeSettings } from './options-schema.js';

/**
 * Options only some packs take, checked against the pack's manifest: where a pack is known before any work
 * (the CLI before it writes anything, the HTTP submission before queueing) and again by the run itself.
 */
export function checkOptionsForPack(settings: Pick<ColorizeSettings, 'anchor'>, manifest: Manifest): void {
  if (settings.anchor !== undefined && settings.anchor > 0 && manifest.components.anchor === undefined) {
    throw new OptionsError(`anchor ${settings.anchor}: pack ${manifest.name} has no anchor head; leave anchor out or use 0.`, {
      details: { issues: [{ path: 'anchor', message: 'the pack has no anchor head' }] },
    });
  }
}
