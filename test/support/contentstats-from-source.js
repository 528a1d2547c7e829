// The `contentstats` process as tests start it: the TypeScript sources through tsx, so a checkout without
// dist/ (or with a stale one) tests the code as it is now. test/build/build.test.ts covers the compiled binary.
import { register } from 'tsx/esm/api';

register();
await import('../../src/cli/main.ts');
