import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

// A subset of Bitbucket Cloud's published OpenAPI description (oas-schemas.json says which
// schemas are copied as published and which are stand-ins). Formats (`uri`, `date-time`) are not
// checked: no format plugin is installed, and the real host's ssh clone links are not URIs either.
const document = JSON.parse(readFileSync(new URL('./oas-schemas.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ strict: false, validateFormats: false, logger: false, allErrors: true });
ajv.addSchema(document, 'bitbucket-cloud');
const validators = new Map<string, ValidateFunction>();

/**
 * Check a response body against `components.schemas.<name>`; a violation is an Error listing
 * every problem (the contract server answers 500 with it, so a test fails).
 */
export function assertCloudSchema(name: 'repository' | 'ref', body: unknown): void {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.getSchema(`bitbucket-cloud#/components/schemas/${name}`)!;
    validators.set(name, validate);
  }
  if (!validate(body)) {
    throw new Error(`contract violation: ${name}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
  }
}
