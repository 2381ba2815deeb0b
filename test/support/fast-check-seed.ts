import fc from 'fast-check';

// Property tests draw the same cases on every run, so CI is deterministic; set
// PORTALKIT_FUZZ_SEED=<n> to explore others (a failure prints the seed and path to replay it).
fc.configureGlobal({ seed: Number(process.env.PORTALKIT_FUZZ_SEED ?? 20261201) });
