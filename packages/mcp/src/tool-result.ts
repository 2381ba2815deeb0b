import { InputError, errorStatusCode, isPortalkitError } from '@portalkit/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool's answer: the value as JSON text (what every MCP client shows) and as structured content. */
export function jsonResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

/**
 * A tool failure as MCP reports it to the agent (`isError: true`, the error's name and message)
 * instead of a protocol error: an agent can read "NotAllowedError: ..." and change course.
 * Unexpected errors say only their name: their messages may hold internals.
 */
export function errorResult(error: unknown): CallToolResult {
  const name = error instanceof Error ? error.name : 'Error';
  const shown = isPortalkitError(error) && errorStatusCode(error) < 500;
  const message = shown ? error.message : 'the portal could not complete this call';
  return { isError: true, content: [{ type: 'text', text: `${name}: ${message}` }] };
}

/** Run a tool body; its typed errors become tool errors. */
export async function toolCall(fn: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (error) {
    return errorResult(error);
  }
}

/** An InputError naming the tool, for arguments the schema cannot express. */
export const badArgument = (tool: string, message: string) => new InputError(`${tool}: ${message}`);
