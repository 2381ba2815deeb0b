import { type Logger, readConfigSection } from '@portalkit/core';
import { z } from 'zod';

/**
 * The `scaffolder` section of an app-config, as Backstage writes it. portalkit reads
 * `concurrentTasksLimit`; Backstage's other keys are accepted and reported as ignored, with why.
 * `scaffolderPlugin()` without options reads it.
 * @example
 * ```ts
 * const section = scaffolderConfigSchema.parse({ concurrentTasksLimit: 2, defaultAuthor: { name: 'Bot', email: 'bot@example.com' } });
 * ```
 */
export const scaffolderConfigSchema = z
  .object({
    concurrentTasksLimit: z.number().int().positive().optional(),
    defaultAuthor: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
    defaultCommitMessage: z.string().optional(),
    github: z.unknown().optional(),
    taskTimeoutJanitorFrequency: z.unknown().optional(),
    taskTimeout: z.unknown().optional(),
    EXPERIMENTAL_recoverTasks: z.boolean().optional(),
    EXPERIMENTAL_recoverTasksTimeout: z.unknown().optional(),
    /** Keys sealing task secrets in the task store (the first seals, all open); see `ScaffolderOptions.secretKeys`. */
    secrets: z
      .object({ keys: z.array(z.object({ id: z.string().min(1), key: z.string().min(1) })).min(1) })
      .optional(),
  })
  .default({});

/**
 * The parsed `scaffolder` section.
 * @example
 * ```ts
 * const section: ScaffolderConfig = scaffolderConfigSchema.parse({});
 * ```
 */
export type ScaffolderConfig = z.output<typeof scaffolderConfigSchema>;

const ignored: Record<string, string> = {
  defaultAuthor: "set gitAuthorName / gitAuthorEmail in the publish step's input (default Scaffolder)",
  defaultCommitMessage: "set gitCommitMessage in the publish step's input",
  github: 'a long-removed Backstage key: tokens come from integrations.github',
  taskTimeoutJanitorFrequency: 'a task runs until its steps end; a crashed worker is detected by its lease',
  taskTimeout: 'a task runs until its steps end; a crashed worker is detected by its lease',
  EXPERIMENTAL_recoverTasks: "portalkit always detects a crashed worker's tasks (lease expiry); each template's spec.EXPERIMENTAL_recovery says whether they fail or run again",
  EXPERIMENTAL_recoverTasksTimeout: "portalkit always recovers a crashed worker's tasks (lease expiry)",
};

/** Read the `scaffolder` section (errors name file:line and key; ignored keys are logged). */
export function readScaffolderConfig(config: unknown, logger: Logger): ScaffolderConfig {
  return readConfigSection(config, 'scaffolder', scaffolderConfigSchema, { logger, ignored });
}
