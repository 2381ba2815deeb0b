// JSON Schema for the parameter form, in the browser: which fields a step shows for the values
// chosen so far (`allOf`, `if`/`then`/`else`, `dependencies`, `oneOf`, resolved as Backstage's
// form does) and the errors the scaffolder's server answers for the same values (the same
// keywords as its ajv, with allErrors, and its `parameters.<path>: <message>` format).

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeMatches(type, v) {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    case 'null': return v === null;
    default: return true;
  }
}

function equal(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => equal(a[k], b[k]));
  }
  return false;
}

/**
 * The errors of `value` against `schema` as `{ path, keyword, message }`, `path` being the
 * server's dotted path (`parameters.a.0`). Wrapper keywords (`if`, `oneOf`, `anyOf`) are kept
 * here with their keyword; `messages()` drops them as the server does.
 */
export function schemaErrors(schema, value, path = 'parameters') {
  const out = [];
  check(schema, value, path, out);
  return out;
}

function check(schema, v, path, out) {
  if (schema === true || schema === undefined) return;
  if (schema === false) return void out.push({ path, keyword: 'false schema', message: 'boolean schema is false' });
  if (!isObject(schema)) return;
  const push = (keyword, message, at = path) => out.push({ path: at, keyword, message });
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, v))) push('type', `must be ${types.join(',')}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => equal(e, v))) {
    push('enum', `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if ('const' in schema && !equal(schema.const, v)) push('const', 'must be equal to constant');
  if (typeof v === 'string') {
    const length = [...v].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) push('minLength', `must NOT have fewer than ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) push('maxLength', `must NOT have more than ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string') {
      let re = null;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        // the server refuses such a template before any value is checked
      }
      if (re && !re.test(v)) push('pattern', `must match pattern "${schema.pattern}"`);
    }
  }
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) push('minimum', `must be >= ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && v > schema.maximum) push('maximum', `must be <= ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum) push('exclusiveMinimum', `must be > ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && v >= schema.exclusiveMaximum) push('exclusiveMaximum', `must be < ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems) push('minItems', `must NOT have fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) push('maxItems', `must NOT have more than ${schema.maxItems} items`);
    if (isObject(schema.items) || typeof schema.items === 'boolean') v.forEach((item, i) => check(schema.items, item, `${path}.${i}`, out));
  }
  if (isObject(v)) {
    for (const key of Array.isArray(schema.required) ? schema.required : []) {
      if (v[key] === undefined) push('required', 'is required', `${path}.${key}`);
    }
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const [key, sub] of Object.entries(properties)) if (v[key] !== undefined) check(sub, v[key], `${path}.${key}`, out);
    if (schema.additionalProperties === false) {
      for (const key of Object.keys(v)) if (!(key in properties)) push('additionalProperties', 'is not allowed', `${path}.${key}`);
    }
    for (const [key, dep] of Object.entries(isObject(schema.dependencies) ? schema.dependencies : {})) {
      if (v[key] === undefined) continue;
      if (Array.isArray(dep)) {
        const message = `must have ${dep.length === 1 ? 'property' : 'properties'} ${dep.join(', ')} when property ${key} is present`;
        for (const name of dep) if (v[name] === undefined) push('dependencies', message);
      } else {
        check(dep, v, path, out);
      }
    }
  }
  for (const sub of Array.isArray(schema.allOf) ? schema.allOf : []) check(sub, v, path, out);
  for (const [keyword, list] of [['anyOf', schema.anyOf], ['oneOf', schema.oneOf]]) {
    if (!Array.isArray(list)) continue;
    const results = list.map((sub) => schemaErrors(sub, v, path));
    const passing = results.filter((errors) => errors.length === 0).length;
    if (passing === 0) {
      for (const errors of results) out.push(...errors);
      push(keyword, `must match ${keyword === 'oneOf' ? 'exactly one schema' : 'a schema'} in ${keyword}`);
    } else if (keyword === 'oneOf' && passing > 1) {
      push('oneOf', 'must match exactly one schema in oneOf');
    }
  }
  if (schema.if !== undefined && (schema.then !== undefined || schema.else !== undefined)) {
    const branch = schemaErrors(schema.if, v, path).length === 0 ? 'then' : 'else';
    if (schema[branch] !== undefined) {
      const errors = schemaErrors(schema[branch], v, path);
      out.push(...errors);
      if (errors.length) push('if', `must match "${branch}" schema`);
    }
  }
  if (schema.not !== undefined && schemaErrors(schema.not, v, path).length === 0) push('not', 'must NOT be valid');
}

/** The messages the server's 400 lists for these errors: wrappers dropped, each once, in order. */
export function messages(errors) {
  const out = [];
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const message = `${e.path}: ${e.message}`;
    if (!out.includes(message)) out.push(message);
  }
  if (errors.length && !out.length) out.push('parameters: do not match the template schema');
  return out;
}

function merge(into, schema) {
  if (!isObject(schema)) return;
  // A property named again (a branch's `const`, say) refines the one already there.
  if (isObject(schema.properties)) {
    for (const [key, prop] of Object.entries(schema.properties)) {
      into.properties[key] = isObject(into.properties[key]) && isObject(prop) ? { ...into.properties[key], ...prop } : prop;
    }
  }
  if (Array.isArray(schema.required)) into.required = [...new Set([...into.required, ...schema.required])];
}

/**
 * The fields a step shows for `data`: its own properties and required ones, plus those of its
 * `allOf` members, the `then` or `else` its `if` selects, the schema `dependencies` of present
 * properties (the `oneOf` branch whose dependency property matches the value, as Backstage's form
 * picks it) and the `oneOf` option chosen (`choice`, else the first the data matches).
 * Returns `{ properties, required, oneOf: { options, chosen } | null }`.
 */
export function resolveSchema(schema, data, choice) {
  const out = { properties: {}, required: [], oneOf: null };
  const visit = (s) => {
    if (!isObject(s)) return;
    merge(out, s);
    for (const sub of Array.isArray(s.allOf) ? s.allOf : []) visit(sub);
    if (s.if !== undefined) {
      const branch = schemaErrors(s.if, data).length === 0 ? s.then : s.else;
      if (branch !== undefined) visit(branch);
    }
    for (const [key, dep] of Object.entries(isObject(s.dependencies) ? s.dependencies : {})) {
      if (data[key] === undefined) continue;
      if (Array.isArray(dep)) {
        out.required = [...new Set([...out.required, ...dep])];
        continue;
      }
      const { oneOf, ...rest } = dep;
      visit(rest);
      if (Array.isArray(oneOf)) {
        const match = oneOf.find((branch) => isObject(branch?.properties?.[key]) && schemaErrors(branch.properties[key], data[key]).length === 0);
        if (match) visit(match);
      }
    }
  };
  visit(schema);
  if (Array.isArray(schema?.oneOf) && schema.oneOf.length) {
    const options = schema.oneOf;
    let chosen = Number.isInteger(choice) && choice >= 0 && choice < options.length ? choice : options.findIndex((o) => schemaErrors(o, data).length === 0);
    if (chosen < 0) chosen = 0;
    out.oneOf = { options, chosen };
    visit(options[chosen]);
  }
  return out;
}

/** Every property a step may show, whatever is chosen (to drop values of fields now hidden). */
export function possibleKeys(schema, keys = new Set()) {
  if (!isObject(schema)) return keys;
  for (const key of Object.keys(isObject(schema.properties) ? schema.properties : {})) keys.add(key);
  for (const list of [schema.allOf, schema.oneOf, schema.anyOf]) for (const sub of Array.isArray(list) ? list : []) possibleKeys(sub, keys);
  for (const sub of [schema.then, schema.else]) possibleKeys(sub, keys);
  for (const dep of Object.values(isObject(schema.dependencies) ? schema.dependencies : {})) if (!Array.isArray(dep)) possibleKeys(dep, keys);
  return keys;
}
