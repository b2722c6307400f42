// The generated documentation pages, rendered through prettier-free Markdown (Markdown is not reformatted).
import { renderApiReference } from './api-reference';
import { renderErrorsReference } from './errors-reference';
import { renderEventsReference } from './events-reference';
import type { OpenApiDocument } from './live-openapi';
import { ROOT } from './sdk-types';

export async function renderReferences(doc: OpenApiDocument): Promise<Record<string, string>> {
  return {
    'documentation/api-reference.md': renderApiReference(doc, ROOT),
    'documentation/events-reference.md': renderEventsReference(ROOT),
    'documentation/errors-reference.md': renderErrorsReference(ROOT),
  };
}
