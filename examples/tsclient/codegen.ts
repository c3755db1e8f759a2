// graphql-codegen: typed documents (client preset) for the operations in
// src/, checked against the published schema. `npm run codegen`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphql',
  // Imports with .js extensions, as Node's ES modules need.
  emitLegacyCommonJSImports: false,
  documents: ['src/**/*.ts', '!src/gql/**/*'],
  generates: {
    './src/gql/': {
      preset: 'client',
      config: { scalars: { DateTime: 'string' }, useTypeImports: true, enumsAsTypes: true },
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
