import { InputError } from '../errors.js';
import { isPlainObject, type KeyPath } from './paths.js';

const reference = /\$(\$?)\{([^}]*)\}/g;
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replace `${VAR}` in every string value with `env.VAR`; `$${VAR}` stays a literal `${VAR}`.
 * All problems are collected and thrown as one `InputError`, each described by `describe`.
 */
export function substituteEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  describe: (path: KeyPath, message: string) => string,
): unknown {
  const problems: string[] = [];
  const walk = (node: unknown, path: KeyPath): unknown => {
    if (typeof node === 'string') {
      return node.replace(reference, (match, escaped: string, name: string) => {
        if (escaped) return match.slice(1);
        if (!variableName.test(name)) {
          problems.push(describe(path, `invalid environment variable reference "${match}"`));
          return match;
        }
        const found = env[name];
        if (found === undefined) {
          problems.push(describe(path, `environment variable ${name} is not set`));
          return match;
        }
        return found;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, [...path, key]);
      return out;
    }
    return node;
  };
  const out = walk(value, []);
  if (problems.length > 0) throw new InputError(problems.join('; '));
  return out;
}
