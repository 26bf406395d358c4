/** Serves the built site for the e2e tests (server.ts) and shuts it down afterwards. */
import type { TestProject } from 'vitest/node';
import { serveSite } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The sandbox's URL, e.g. http://127.0.0.1:41234/ */
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const site = await serveSite(project.config.root);
  project.provide('baseUrl', site.url);
  return site.close;
}
