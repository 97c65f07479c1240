#!/usr/bin/env node
// `npx guestlist …`: the command line, from the TypeScript sources where they are (Node 24 runs
// them), or from the compiled build (the Docker image ships only dist/).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/cli/main.js', import.meta.url).href);
