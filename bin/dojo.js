#!/usr/bin/env node
// The `dojo` command: loads the TypeScript CLI through tsx's loader in this same process, so no
// build step is needed and signals (Ctrl-C) reach the CLI directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
