// Stand-ins for parts of issue 19 being built on other branches, with their interfaces:
// core's createJwtIdentifier, the catalog's createCatalogOwnershipResolver and the scaffolder's
// template permissions and HAS_TAG rule. Each is replaced by the real import once it is on main;
// this file then goes away.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  AuthenticationError,
  anonymousPrincipal,
  createPermission,
  createPermissionRule,
  type Identify,
  type Principal,
} from '@portalkit/core';
import { RELATION_CHILD_OF, RELATION_MEMBER_OF, stringifyEntityRef } from '@portalkit/catalog-model';
import type { Catalog } from '@portalkit/catalog';
import { z } from 'zod';

export interface JwtIdentifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  resolveOwnership?: (userEntityRef: string) => Promise<string[]>;
}

export function createJwtIdentifier(options: JwtIdentifierOptions): Identify {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl));
  return async (request) => {
    const header = request.headers.get('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return anonymousPrincipal();
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(match[1]!, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw new AuthenticationError(`Invalid bearer token: ${(error as Error).message}`);
    }
    const sub = typeof claims.sub === 'string' ? /^user:(?:([^:/]+)\/)?([^:/]+)$/i.exec(claims.sub) : null;
    if (!sub) throw new AuthenticationError('Invalid bearer token: no user entity ref in claim "sub"');
    const userEntityRef = `user:${(sub[1] ?? 'default').toLowerCase()}/${sub[2]!.toLowerCase()}`;
    const ownershipEntityRefs = options.resolveOwnership ? await options.resolveOwnership(userEntityRef) : [userEntityRef];
    const principal: Principal = { type: 'user', subject: userEntityRef, userEntityRef, ownershipEntityRefs, claims };
    return principal;
  };
}

/** The user and its groups (memberOf), and their parent groups, transitively. */
export function createCatalogOwnershipResolver(catalog: Pick<Catalog, 'getEntityByRef'>): (userEntityRef: string) => Promise<string[]> {
  return async (userEntityRef) => {
    const refs = new Set([userEntityRef]);
    const user = await catalog.getEntityByRef(userEntityRef);
    let frontier = (user?.relations ?? []).filter((r) => r.type === RELATION_MEMBER_OF).map((r) => r.targetRef);
    while (frontier.length > 0 && refs.size < 1000) {
      const next: string[] = [];
      for (const ref of frontier) {
        if (refs.has(ref)) continue;
        refs.add(ref);
        const group = await catalog.getEntityByRef(ref);
        if (group) next.push(...(group.relations ?? []).filter((r) => r.type === RELATION_CHILD_OF).map((r) => r.targetRef));
      }
      frontier = next;
    }
    return [...refs].map((ref) => stringifyEntityRef(parseRefLoose(ref)));
  };
}

function parseRefLoose(ref: string) {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(ref);
  return m ? { kind: m[1]!, namespace: m[2]!, name: m[3]! } : { kind: 'user', name: ref };
}

export const RESOURCE_TYPE_SCAFFOLDER_TEMPLATE = 'scaffolder-template';
export const scaffolderTemplateParameterReadPermission = createPermission({
  name: 'scaffolder.template.parameter.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
});
export const scaffolderTemplateStepReadPermission = createPermission({
  name: 'scaffolder.template.step.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
});
export const scaffolderTaskCreatePermission = createPermission({ name: 'scaffolder.task.create', attributes: { action: 'create' } });

type TemplateResource = { 'backstage:permissions'?: unknown; [key: string]: unknown };
const tagsOf = (resource: TemplateResource): unknown[] => {
  const permissions = resource['backstage:permissions'];
  const tags = typeof permissions === 'object' && permissions !== null ? (permissions as { tags?: unknown }).tags : undefined;
  return Array.isArray(tags) ? tags : [];
};
export const scaffolderTemplateRules = [
  createPermissionRule({
    name: 'HAS_TAG',
    description: 'Match parameters or steps with the given tag',
    resourceType: RESOURCE_TYPE_SCAFFOLDER_TEMPLATE,
    paramsSchema: z.strictObject({ tag: z.string() }),
    apply: (resource: TemplateResource, { tag }) => tagsOf(resource).includes(tag),
    toQuery: ({ tag }) => (resource: TemplateResource) => tagsOf(resource).includes(tag),
  }),
] as const;
