/** The ajv options the plan schema is compiled with, here and by the build's precompiled validator. */
export const PLAN_SCHEMA_OPTIONS = { allErrors: true, strict: true, strictTuples: false, allowUnionTypes: true } as const;
