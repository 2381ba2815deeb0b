import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CustomErrorBase, InputError } from '@portalkit/core';
import type { SealedSecrets } from '../types.js';

/**
 * A task's sealed secrets could not be opened: the key that sealed them is no longer configured,
 * or the stored ciphertext was changed. The task fails with this error; nothing else is affected.
 * @example
 * ```ts
 * if (error.name === 'TaskSecretsUnavailableError') console.log('configure the old key to run it');
 * ```
 */
export class TaskSecretsUnavailableError extends CustomErrorBase {
  override name = 'TaskSecretsUnavailableError' as const;
}

/** One key of `scaffolder.secrets.keys`: an id, and 32 random bytes in base64. */
export interface TaskSecretKey {
  id: string;
  /** 32 bytes, base64 (`openssl rand -base64 32`). */
  key: string;
}

/**
 * Seals task secrets for the task store with AES-256-GCM: the first key seals, every key opens
 * (rotation: add the new key first, keep the old ones until {@link SecretBox.needsReseal} is false
 * for every stored task, e.g. after `scaffolder.resealSecrets()`).
 */
export interface SecretBox {
  seal(secrets: Record<string, string>): SealedSecrets;
  /** Throws {@link TaskSecretsUnavailableError} for an unknown key or a failed authentication. */
  open(sealed: SealedSecrets): Record<string, string>;
  /** Whether `sealed` was sealed with a key other than the first. */
  needsReseal(sealed: SealedSecrets): boolean;
}

const idPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Create the secret box of a scaffolder from its configured keys; bad keys are refused here,
 * naming the key (never its value).
 * @example
 * ```ts
 * const box = createSecretBox([{ id: '2026-12', key: randomBytes(32).toString('base64') }]);
 * box.open(box.seal({ token: 't' })); // { token: 't' }
 * ```
 */
export function createSecretBox(keys: readonly TaskSecretKey[]): SecretBox {
  if (!Array.isArray(keys) || keys.length === 0) throw new InputError('createScaffolder: secretKeys must list at least one key');
  const byId = new Map<string, Buffer>();
  for (const [i, entry] of keys.entries()) {
    if (typeof entry?.id !== 'string' || !idPattern.test(entry.id)) {
      throw new InputError(`createScaffolder: secretKeys[${i}].id must be 1-64 letters, digits, '.', '_' or '-'`);
    }
    const key = typeof entry.key === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(entry.key) ? Buffer.from(entry.key, 'base64') : undefined;
    if (!key || key.length !== 32) throw new InputError(`createScaffolder: secretKeys[${i}] (${entry.id}): key must be 32 bytes in base64`);
    if (byId.has(entry.id)) throw new InputError(`createScaffolder: secretKeys[${i}]: the id ${entry.id} is listed twice`);
    byId.set(entry.id, key);
  }
  const current = keys[0]!.id;
  // The key id is authenticated with the data, so a ciphertext cannot be relabelled to another key.
  const aad = (keyId: string) => Buffer.from(`portalkit-task-secrets:${keyId}`, 'utf8');

  return {
    seal(secrets) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', byId.get(current)!, iv);
      cipher.setAAD(aad(current));
      const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
      return { keyId: current, iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
    },
    open(sealed) {
      const key = typeof sealed?.keyId === 'string' ? byId.get(sealed.keyId) : undefined;
      if (!key) {
        throw new TaskSecretsUnavailableError(
          `The secrets of this task were sealed with a key that is not configured (scaffolder.secrets.keys has no id ${JSON.stringify(String(sealed?.keyId).slice(0, 64))})`,
        );
      }
      try {
        const iv = Buffer.from(sealed.iv, 'base64');
        const tag = Buffer.from(sealed.tag, 'base64');
        if (iv.length !== 12 || tag.length !== 16) throw new Error('bad iv or tag length');
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
        decipher.setAAD(aad(sealed.keyId));
        decipher.setAuthTag(tag);
        const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
        const parsed: unknown = JSON.parse(text);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
          throw new Error('not a secrets object');
        }
        return parsed as Record<string, string>;
      } catch {
        // No cause: it would say nothing useful and must never carry plaintext.
        throw new TaskSecretsUnavailableError('The secrets of this task could not be opened: the stored ciphertext failed authentication (changed, or sealed with another key of the same id)');
      }
    },
    needsReseal: (sealed) => sealed.keyId !== current,
  };
}
