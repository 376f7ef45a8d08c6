const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

interface Operation {
  summary?: string;
  operationId?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses?: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  parameters?: { name: string; in: string; required: boolean }[];
}

/** Human docs without a CDN: one accessible page rendered from the OpenAPI document. */
export function renderDocsPage(doc: object): string {
  const { info, paths } = doc as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, Operation>>;
  };
  const sections = Object.entries(paths)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })))
    .map(({ path, method, op }) => {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''})</li>`)
        .join('');
      const body = op.requestBody?.content['application/json']?.schema;
      const ok = Object.entries(op.responses ?? {}).find(([code]) => code.startsWith('2'));
      const media = Object.entries(ok?.[1].content ?? {});
      const okSchemas = media
        .map(
          ([type, { schema }]) =>
            `<details><summary>Response body (${escapeHtml(type)})</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`,
        )
        .join('');
      return `<section aria-labelledby="${op.operationId}">
  <h2 id="${op.operationId}"><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>
  <p>${escapeHtml(op.summary ?? '')}${op.security?.length === 0 ? ' <em>(no sign-in needed)</em>' : ''}</p>
  ${params ? `<h3>Parameters</h3><ul>${params}</ul>` : ''}
  ${body ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : ''}
  ${ok ? `<p>Success: <strong>${ok[0]}</strong></p>` : ''}
  ${okSchemas}
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#1b1b1f}
h2{font-size:1.1rem;margin-top:2rem}.m{display:inline-block;min-width:4.5rem;font-family:monospace;color:#0b4f8a}
pre{background:#f4f4f6;padding:.75rem;overflow:auto;font-size:.85rem}summary{cursor:pointer}
:focus-visible{outline:3px solid #0b4f8a;outline-offset:2px}
</style></head>
<body><main><h1>${escapeHtml(info.title)}</h1><p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a></p>
${sections}
</main></body></html>`;
}
