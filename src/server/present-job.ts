import type { JobBody } from './api-schemas.js';
import type { JobView } from './job-queue.js';

export function jobLinks(id: string) {
  const self = `/v1/colorizations/${id}`;
  return { self, events: `${self}/events`, sample: (n: number) => `${self}/samples/${n}` };
}

/** The public form of a job: its view plus links. */
export function present(view: JobView): JobBody {
  const links = jobLinks(view.id);
  const samples = view.result?.samples.map((s) => ({ ...s, href: links.sample(s.index) })) ?? [];
  return {
    ...view,
    result: view.result ? { ...view.result, timings: { ...view.result.timings }, samples } : null,
    links: { self: links.self, events: links.events, samples: samples.map((s) => s.href) },
  };
}
