// Placeholder replaced below.
import type { OpenApiDocument } from './live-openapi';
export async function renderReferences(_doc: OpenApiDocument): Promise<Record<string, string>> {
  return {};
}
