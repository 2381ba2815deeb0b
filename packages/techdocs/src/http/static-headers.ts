import path from 'node:path';

/**
 * The policy every file of a site is served under. Sites hold files copied verbatim from a
 * docs folder, which no sanitiser saw (`.html`, `.svg`, `.xml`, `.pdf`, `.js`, anything): opened
 * directly, they must not act on the portal's origin. `sandbox` gives a document an opaque
 * origin with no scripts, forms, popups or top navigation; `default-src 'none'` lets it load no
 * frames, plugins, workers or connections, while passive images, media, styles and fonts still
 * show. (The policy is ignored where a file is used as a subresource, e.g. by `<img>`.)
 */
export const STATIC_CONTENT_SECURITY_POLICY =
  "sandbox; default-src 'none'; img-src * data:; media-src *; style-src * 'unsafe-inline'; font-src *";

const scriptExtensions = new Set(['.js', '.mjs', '.cjs']);
// Served inline: they render passively, or (HTML, SVG, XML) are held by the sandbox.
const inlineType = /^(text\/|image\/|font\/|video\/|audio\/|application\/(json|xml|xhtml\+xml)\b)/i;

/**
 * The response headers for one file of a published site, from its path and the content type
 * its publisher reports (which a custom publisher may take from object metadata):
 * - every file: `X-Content-Type-Options: nosniff` and {@link STATIC_CONTENT_SECURITY_POLICY};
 * - scripts (`.js`, `.mjs`, `.cjs` or a JavaScript type) as `text/plain`, so that with `nosniff`
 *   no browser runs them as a script or worker on the portal's origin (where they would pass a
 *   `script-src 'self'` policy);
 * - anything else that is not passive text, image, font, media or JSON/XML (PDFs, unknown
 *   types, `application/octet-stream`) with `Content-Disposition: attachment`: downloaded,
 *   never rendered by a plugin or viewer in the portal's origin.
 *
 * @example
 * ```ts
 * staticFileHeaders('guide/tool.js', 'text/javascript; charset=utf-8')['content-type']; // 'text/plain; charset=utf-8'
 * staticFileHeaders('spec.pdf', 'application/pdf')['content-disposition']; // 'attachment; filename="spec.pdf"'
 * ```
 */
export function staticFileHeaders(file: string, contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-content-type-options': 'nosniff',
    'content-security-policy': STATIC_CONTENT_SECURITY_POLICY,
  };
  const extension = path.posix.extname(file).toLowerCase();
  if (scriptExtensions.has(extension) || /javascript|ecmascript/i.test(contentType)) {
    headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (!inlineType.test(contentType)) {
    headers['content-disposition'] = `attachment; filename="${attachmentName(file)}"`;
  }
  return headers;
}

// A header-safe file name: quotes, backslashes and anything outside printable ASCII replaced.
function attachmentName(file: string): string {
  return path.posix.basename(file).replace(/[^\x20-\x7e]|["\\]/g, '_') || 'download';
}
