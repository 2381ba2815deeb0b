import { z } from 'zod';
import { InputError } from '@portalkit/core';

/**
 * Backstage's `POST /v2/autocomplete/:provider/:resource` body: the user's token for the source
 * host (from the frontend's SCM auth) and the picker's context (e.g. `{ owner }`).
 */
export const autocompleteRequestSchema = z.object({
  token: z.string().min(1, 'Missing token query parameter'),
  context: z.record(z.string(), z.string()).default({}),
});

/** What a provider answers, and the route with it: `{ results: [{ id, title? }] }`. */
export const autocompleteResponseSchema = z.object({
  results: z.array(z.object({ id: z.string(), title: z.string().optional() })),
});

/** {@link autocompleteResponseSchema}'s type. */
export type AutocompleteResponse = z.infer<typeof autocompleteResponseSchema>;

/**
 * Completes a picker's values for one source host (Backstage's `scaffolderAutocompleteExtensionPoint`):
 * the host registers providers in the handler options; the route answers 400 for an id none has.
 *
 * @example
 * ```ts
 * const repos: AutocompleteProvider = {
 *   id: 'acme-git',
 *   async handleAutocompleteRequest({ resource, token, context }) {
 *     if (resource !== 'repositories') throw new InputError(`Invalid resource: ${resource}`);
 *     return { results: (await listRepos(token, context.owner)).map((name) => ({ id: name })) };
 *   },
 * };
 * ```
 */
export interface AutocompleteProvider {
  id: string;
  handleAutocompleteRequest(request: { resource: string; token: string; context: Record<string, string> }): Promise<AutocompleteResponse>;
}

/**
 * Answer one autocomplete request: providers are the host's code, but the token is the user's
 * secret, so it never appears in an error the route returns.
 */
export async function answerAutocomplete(providers: ReadonlyMap<string, AutocompleteProvider>, provider: string, resource: string, body: unknown): Promise<AutocompleteResponse> {
  const parsed = autocompleteRequestSchema.safeParse(body);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const { token, context } = parsed.data;
  const handler = providers.get(provider);
  if (!handler) throw new InputError(`Unsupported provider: ${provider}`);
  let answer: unknown;
  try {
    answer = await handler.handleAutocompleteRequest({ resource, token, context });
  } catch (error) {
    // The response serializes the cause chain too, so every message in it is scrubbed.
    const seen = new Set<unknown>();
    for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
      seen.add(e);
      if (e.message.includes(token)) e.message = e.message.split(token).join('***');
      if (typeof e.cause === 'string' && e.cause.includes(token)) Object.defineProperty(e, 'cause', { value: e.cause.split(token).join('***') });
    }
    throw error;
  }
  const checked = autocompleteResponseSchema.safeParse(answer);
  if (!checked.success) throw new Error(`Autocomplete provider ${provider} answered outside { results: [{ id, title? }] }`);
  return checked.data;
}
